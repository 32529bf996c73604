"""A data profile of every data table: shape, per-column statistics, correlations.

Memory does not grow with the number of rows on the Python side: each table is
read once through a cursor, and each column keeps running sums, a fixed number of
histogram bins, or one count per calendar month. What needs memory proportional
to the distinct values (COUNT(DISTINCT), duplicate rows, top values, quartiles by
ORDER BY ... OFFSET) is asked of SQLite, which sorts in temporary files when a
table outgrows its cache. Sums are exact integers (money in cents), so the same
data gives the same bytes on every machine; floats appear only in the final
square roots, rounded to 4 decimals.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from db.profile.columns import Measure, Pair, profiler
from db.profile.page import render_html
from db.schema import Table, load_schema, quote
from db.connect import connect_readonly
from utils.config import KIT_NAME, META_TABLE, SCHEMA_PATH
from utils.fileio import to_json, write_outputs

PROVENANCE = ("seed", "scale", "generator", "generator_version", "window_start", "window_end",
              "currency")   # the unit of the DECIMAL columns' statistics
NOTES = {
    "count": "non-NULL values",
    "duplicate_rows": "rows equal to an earlier row in every column but the primary key",
    "stddev": "sample standard deviation (n - 1)",
    "quartiles": "linear interpolation between the closest ranks (as numpy and pandas)",
    "histogram": "at most 21 equal bins, 1, 2 or 5 times a power of ten wide; each bin "
                 "includes both printed ends",
    "memory": "rows stream; distinct counts, duplicates, top values and quartiles are computed "
              "by SQLite, which sorts in temporary files for large tables",
}


def write_profile(profile: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write profile.json and profile.html into ``out_dir`` (each atomically)."""
    return write_outputs(out_dir, {"profile.json": to_json(profile),
                                   "profile.html": render_html(profile)}, "the profile")


def build_profile(db_path: Path, schema_path: Path = SCHEMA_PATH,
                  realism: dict[str, Any] | None = None) -> dict[str, Any]:
    """The profile of every data table; ``realism``, the report's scorecard (built by
    db/report, which this package may not import), is shown with it when given."""
    schema = load_schema(schema_path)
    conn = connect_readonly(db_path)
    try:
        conn.execute("BEGIN")  # one snapshot for the many queries
        run = dict(conn.execute(f"SELECT key, value FROM {quote(META_TABLE)} WHERE kind = 'run'"))
        profile = {"profile": f"{KIT_NAME} data profile",
                   "dataset": {key: run.get(key, "unknown") for key in PROVENANCE},
                   "notes": NOTES,
                   "tables": [_profile_table(conn, table) for table in schema.data_tables]}
    finally:
        conn.close()
    if realism is not None:
        profile["realism"] = realism
    return profile


def _profile_table(conn: sqlite3.Connection, table: Table) -> dict[str, Any]:
    name = quote(table.name)
    foreign = {fk.column for fk in table.foreign_keys}
    profilers = [profiler(c, i, "key" if c.primary_key else "reference" if c.name in foreign
                          else None) for i, c in enumerate(table.columns)]
    aggregates = conn.execute("SELECT count(*), " + ", ".join(
        f"count({quote(c)}), count(DISTINCT {quote(c)}), min({quote(c)}), max({quote(c)})"
        for c in table.column_names) + f" FROM {name}").fetchone()
    rows = aggregates[0]
    for i, column in enumerate(profilers):
        column.start(rows, *aggregates[1 + 4 * i:5 + 4 * i])
    measures = [p for p in profilers if isinstance(p, Measure)]
    pairs = [Pair(a, b) for i, a in enumerate(measures) for b in measures[i + 1:]]
    for row in conn.execute(f"SELECT {', '.join(map(quote, table.column_names))} FROM {name}"):
        for column, value in zip(profilers, row):
            column.add(value)
        for pair in pairs:
            pair.add(row[pair.x.index], row[pair.y.index])
    for column in profilers:
        column.finish(conn, table)
    return {"table": table.name, "rows": rows, "key": table.primary_key,
            "duplicate_rows": _duplicate_rows(conn, table),
            "duplicate_keys": _duplicate_keys(conn, table),
            "columns": [p.result() for p in profilers],
            "correlations": [p.result() for p in pairs]}


def _duplicate_rows(conn: sqlite3.Connection, table: Table) -> int:
    columns = ", ".join(quote(c.name) for c in table.columns if not c.primary_key)
    if not columns:
        return 0
    (extra,) = conn.execute(f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n "
                            f"FROM {quote(table.name)} GROUP BY {columns} HAVING n > 1)").fetchone()
    return extra


def _duplicate_keys(conn: sqlite3.Connection, table: Table) -> int | None:
    if not table.primary_key:
        return None
    key = quote(table.primary_key)
    return conn.execute(f"SELECT count({key}) - count(DISTINCT {key}) "
                        f"FROM {quote(table.name)}").fetchone()[0]
