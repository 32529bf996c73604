"""Baseline for the benchmark: csv.reader + executemany into the schema, indexes after the
load, no validation, no checks. What the kit's ingest is compared against. Not used by the kit.
Usage: python bench/naive_ingest.py DATA_DIR DB_FILE"""
from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.schema import load_schema, quote  # noqa: E402
from utils.config import SCHEMA_PATH  # noqa: E402


def main() -> int:
    data_dir, target = Path(sys.argv[1]), Path(sys.argv[2])
    if target.exists():
        target.unlink()
    schema = load_schema(SCHEMA_PATH)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.executescript(schema.table_sql())
    conn.execute("BEGIN")
    for table in schema.data_tables:
        with open(data_dir / table.csv_name, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            marks = ", ".join("?" * len(header))
            conn.executemany(f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, header))}) "
                             f"VALUES ({marks})", ([v or None for v in row] for row in reader))
    for statement in schema.indexes:
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
