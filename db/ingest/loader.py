"""Build db/ecommerce.db from db/schema.sql and the CSVs, all or nothing.

The database is built in a temporary file beside the target, in one transaction,
validated (types, constraints, foreign keys, row counts, every business check in
db/checks/), and only then moved over the target with ``os.replace``. A failed or
interrupted ingest leaves the previous database byte-identical. Because the
temporary file is discarded on any failure, it can be built with fsyncs off and the
rollback journal in memory (not off: a failing batch is rolled back to its savepoint
and replayed row by row to name the line); it is fsynced once before the rename.
"""
from __future__ import annotations

import logging
import sqlite3
from itertools import chain
from pathlib import Path

from db.checks import Check, load_checks
from db.sources import DataInput, Dataset, reading_dataset
from db.ingest.csvload import CsvSource
from db.ingest.provenance import (LoadedFile, read_manifest, warn_manifest_mismatch,
                                  warn_unknown_files, write_meta)
from db.ingest.validation import (check_calendar, check_counts, check_foreign_keys,
                                  check_invariants, constraint_error)
from db.schema import Schema, Table, load_schema, quote
from db.statements import execute, execute_many
from utils.config import CHECKS_DIR
from utils.errors import KitError, file_errors
from utils.fileio import atomic_path
from utils.locking import exclusive_lock
from utils.progress import OnProgress

log = logging.getLogger(__name__)

BATCH = 5_000
ROWS_PER_INSERT = 50      # rows per multi-row INSERT: one statement run per 50 rows, not per row
# Page cache for the build: a larger one is not faster, only bigger (scale 100, peak RSS:
# 24 MiB gave 106 MB with 50-row INSERTs, 4 MiB gives 64 MB and ran 9% faster).
CACHE_KIB = 4 * 1024


def ingest(data_dir: DataInput, db_path: Path, schema_path: Path, checks_dir: Path = CHECKS_DIR,
           progress: OnProgress | None = None) -> list[LoadedFile]:
    """Load every table's CSV from ``data_dir`` (a data directory, or the parts of one:
    see db/sources.py) into a new ``db_path``; return each file loaded."""
    schema = load_schema(schema_path)
    checks = load_checks(checks_dir)
    db_path = Path(db_path)
    with reading_dataset(data_dir) as dataset:  # a generator replacing it waits, or we wait
        for directory in dataset.directories:
            warn_unknown_files(directory, schema)
        # every part's manifest is read and checked before the build: none fails after the swap
        manifests = [read_manifest(directory) for directory in dataset.directories]
        with file_errors(db_path):  # CSV read errors are DataErrors already: the database side
            loaded = _replace_database(schema, checks, dataset, db_path, manifests[0], progress)
    warn_manifest_mismatch(dataset, manifests, loaded)
    log.info("loaded %d rows from %d files into %s", sum(f.rows for f in loaded), len(loaded), db_path)
    return loaded


def _replace_database(schema: Schema, checks: list[Check], dataset: Dataset, db_path: Path,
                      manifest: dict, progress: OnProgress | None) -> list[LoadedFile]:
    """Build into a temporary file beside ``db_path``, under the lock; swap it in on success."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(db_path.parent / f".{db_path.name}.lock", "ingest"):
        remove_leftovers(db_path)
        with atomic_path(db_path) as tmp:
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                return _build(conn, schema, checks, dataset, manifest, progress)
            finally:
                conn.close()


def remove_leftovers(db_path: Path) -> None:
    """Delete the temporary copies an interrupted ingest or apply left (under the lock)."""
    for leftover in db_path.parent.glob(f".{db_path.name}.*.tmp"):
        log.info("removing %s left by an interrupted ingest or apply", leftover.name)
        leftover.unlink()


def _build(conn: sqlite3.Connection, schema: Schema, checks: list[Check], dataset: Dataset,
           manifest: dict, progress: OnProgress | None = None) -> list[LoadedFile]:
    execute(conn, "PRAGMA journal_mode = MEMORY")  # OFF would make ROLLBACK TO undefined
    execute(conn, "PRAGMA synchronous = OFF")
    execute(conn, f"PRAGMA cache_size = -{CACHE_KIB}")
    execute(conn, "PRAGMA foreign_keys = OFF")  # checked once, in bulk, before the commit
    conn.executescript(schema.table_sql())
    execute(conn, "BEGIN")
    loaded = [_load_table(conn, table, path, name, progress)  # parts in order: keys ascend
              for table in schema.data_tables for name, path in dataset.files(table.csv_name)]
    for statement in schema.indexes:
        execute(conn, statement)
    check_calendar(conn, schema, dataset)
    check_foreign_keys(conn, schema, dataset)
    check_counts(conn, loaded)
    check_invariants(conn, schema, checks, dataset)
    write_meta(conn, schema, loaded, manifest, len(dataset.parts))
    execute(conn, "COMMIT")
    return loaded


def _load_table(conn: sqlite3.Connection, table: Table, path: Path, name: str,
                progress: OnProgress | None = None) -> LoadedFile:
    source = CsvSource(path, table, name)
    size = path.stat().st_size if progress and path.is_file() else 0
    sql = insert_sql(table, 1)
    many_sql = insert_sql(table, ROWS_PER_INSERT)
    batch: list[tuple[int, tuple]] = []
    for block in source.blocks():
        batch += block
        while len(batch) >= BATCH:  # batches of exactly BATCH rows, whatever the blocks
            _insert(conn, sql, batch[:BATCH], source, many_sql)
            del batch[:BATCH]
            if progress:
                progress(source.bytes_read, size, source.rows, label=table.name)
    _insert(conn, sql, batch, source, many_sql)
    if progress:
        progress(size, size, source.rows, label=table.name)
    log.debug("%s: %d rows", path.name, source.rows)
    assert source.sha256 is not None
    return LoadedFile(table.name, name, source.rows, source.sha256)


def insert_sql(table: Table, rows: int) -> str:
    """An INSERT of ``rows`` rows of ``table``, every value a ``?`` parameter.

    Several rows per statement: each statement run pays its set-up once (a CHECK's
    ``IN`` list of more than two constants builds a temporary index per run).
    """
    columns = ", ".join(quote(c) for c in table.column_names)
    row = f"({', '.join('?' * len(table.columns))})"
    return f"INSERT INTO {quote(table.name)} ({columns}) VALUES {', '.join([row] * rows)}"


def _insert(conn: sqlite3.Connection, sql: str, batch: list[tuple[int, tuple]],
            source: CsvSource, many_sql: str | None = None) -> None:
    if not batch:
        return
    execute(conn, "SAVEPOINT batch")
    try:
        rows = [values for _, values in batch]
        whole = len(rows) - len(rows) % ROWS_PER_INSERT if many_sql else 0
        if whole:
            execute_many(conn, many_sql, [
                tuple(chain.from_iterable(rows[start:start + ROWS_PER_INSERT]))
                for start in range(0, whole, ROWS_PER_INSERT)])
        execute_many(conn, sql, rows[whole:])
    except sqlite3.IntegrityError:
        execute(conn, "ROLLBACK TO batch")
        for line, values in batch:  # replay row by row to name the failing line
            try:
                execute(conn, sql, values)
            except sqlite3.IntegrityError as exc:
                source.convert(list(values), line)  # a format fault (30 February) names itself
                raise constraint_error(exc, source, line) from None
        raise KitError(f"{source.name}: a constraint failed in a batch but in no single row")
    finally:
        execute(conn, "RELEASE batch")
