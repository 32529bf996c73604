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

import json
import logging
import platform
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from db.checks import Check, load_checks, run_check
from db.ingest.csvload import CsvSource, ValueProblem, converter, find_line
from db.schema import Schema, Table, load_schema, quote
from db.statements import execute, execute_many, fetch_all, fetch_one
from utils.config import (CHECKS_DIR, GENERATOR_VERSION, KIT_NAME, MANIFEST_NAME, META_TABLE)
from utils.currency import check_currency
from utils.errors import DataError, KitError, UsageError, file_errors
from utils.fileio import atomic_path, read_input_text, sha256_file
from utils.locking import exclusive_lock, reading_data
from utils.progress import OnProgress

log = logging.getLogger(__name__)

BATCH = 5_000
CACHE_KIB = 24 * 1024     # page cache for the build: measured peak RSS at scale 100 stays under 100 MB


@dataclass(frozen=True)
class LoadedFile:
    table: str
    file_name: str
    rows: int
    sha256: str




def ingest(data_dir: Path, db_path: Path, schema_path: Path, checks_dir: Path = CHECKS_DIR,
           progress: OnProgress | None = None) -> list[LoadedFile]:
    """Load every table's CSV from ``data_dir`` into a new ``db_path``."""
    schema = load_schema(schema_path)
    checks = load_checks(checks_dir)
    data_dir, db_path = Path(data_dir), Path(db_path)
    with reading_data(data_dir):  # a generator replacing data_dir waits, or we wait for it
        if not data_dir.is_dir():
            state = "is not a directory" if data_dir.exists() else "does not exist"
            raise KitError(f"data directory {data_dir} {state}; run generate_data.py --generate")
        _warn_unknown_files(data_dir, schema)
        manifest = read_manifest(data_dir)
        with file_errors(db_path):  # CSV read errors are DataErrors already: the database side
            loaded = _replace_database(schema, checks, data_dir, db_path, manifest, progress)
    _warn_manifest_mismatch(manifest, loaded)
    log.info("loaded %d rows from %d files into %s", sum(f.rows for f in loaded), len(loaded), db_path)
    return loaded


def _replace_database(schema: Schema, checks: list[Check], data_dir: Path, db_path: Path,
                      manifest: dict, progress: OnProgress | None) -> list[LoadedFile]:
    """Build into a temporary file beside ``db_path``, under the lock; swap it in on success."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(db_path.parent / f".{db_path.name}.lock", "ingest"):
        for leftover in db_path.parent.glob(f".{db_path.name}.*.tmp"):
            log.info("removing %s left by an interrupted ingest", leftover.name)
            leftover.unlink()
        with atomic_path(db_path) as tmp:
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                return _build(conn, schema, checks, data_dir, manifest, progress)
            finally:
                conn.close()


def _build(conn: sqlite3.Connection, schema: Schema, checks: list[Check], data_dir: Path,
           manifest: dict, progress: OnProgress | None = None) -> list[LoadedFile]:
    execute(conn, "PRAGMA journal_mode = MEMORY")  # OFF would make ROLLBACK TO undefined
    execute(conn, "PRAGMA synchronous = OFF")
    execute(conn, f"PRAGMA cache_size = -{CACHE_KIB}")
    execute(conn, "PRAGMA foreign_keys = OFF")  # checked once, in bulk, before the commit
    conn.executescript(schema.table_sql())
    execute(conn, "BEGIN")
    loaded = [_load_table(conn, table, data_dir / table.csv_name, progress)
              for table in schema.data_tables]
    for statement in schema.indexes:
        execute(conn, statement)
    _check_calendar(conn, schema, data_dir)
    _check_foreign_keys(conn, schema, data_dir)
    _check_counts(conn, loaded)
    _check_invariants(conn, schema, checks, data_dir)
    _write_meta(conn, schema, loaded, manifest)
    execute(conn, "COMMIT")
    return loaded


def _load_table(conn: sqlite3.Connection, table: Table, path: Path,
                progress: OnProgress | None = None) -> LoadedFile:
    source = CsvSource(path, table)
    size = path.stat().st_size if progress and path.is_file() else 0
    columns = ", ".join(quote(c) for c in table.column_names)
    sql = (f"INSERT INTO {quote(table.name)} ({columns}) "
           f"VALUES ({', '.join('?' * len(table.columns))})")
    batch: list[tuple[int, tuple]] = []
    for item in source:
        batch.append(item)
        if len(batch) >= BATCH:
            _insert(conn, sql, batch, source)
            batch = []
            if progress:
                progress(source.bytes_read, size, source.rows, label=table.name)
    _insert(conn, sql, batch, source)
    if progress:
        progress(size, size, source.rows, label=table.name)
    log.debug("%s: %d rows", path.name, source.rows)
    assert source.sha256 is not None
    return LoadedFile(table.name, table.csv_name, source.rows, source.sha256)


def _insert(conn: sqlite3.Connection, sql: str, batch: list[tuple[int, tuple]],
            source: CsvSource) -> None:
    if not batch:
        return
    execute(conn, "SAVEPOINT batch")
    try:
        execute_many(conn, sql, [values for _, values in batch])
    except sqlite3.IntegrityError:
        execute(conn, "ROLLBACK TO batch")
        for line, values in batch:  # replay row by row to name the failing line
            try:
                execute(conn, sql, values)
            except sqlite3.IntegrityError as exc:
                source.convert(list(values), line)  # a format fault (30 February) names itself
                raise _constraint_error(exc, source, line) from None
        raise KitError(f"{source.name}: a constraint failed in a batch but in no single row")
    finally:
        execute(conn, "RELEASE batch")


_FAILED_COLUMN = re.compile(r"constraint failed: (\w+)\.(\w+)")


def _constraint_error(exc: sqlite3.IntegrityError, source: CsvSource, line: int) -> DataError:
    message = str(exc)
    match = _FAILED_COLUMN.search(message)
    if match:
        column = match.group(2)
        if message.startswith("UNIQUE"):
            what = "primary key" if column == source.table.primary_key else "unique value"
            return source.error(f"duplicate {what} (UNIQUE {match.group(1)}.{column})", line, column)
        return source.error(message, line, column)
    if message.startswith("CHECK constraint failed:"):
        expression = " ".join(message.split(":", 1)[1].split())  # as written: may span lines
        return source.error(f"violates CHECK ({expression})", line,
                            _first_column(expression, source.table.column_names))
    return source.error(message, line)


def _first_column(expression: str, columns: tuple[str, ...]) -> str | None:
    """The column a CHECK expression names first: the one it is about.

    "parent_id IS NULL OR parent_id <> category_id" is about parent_id, not category_id.
    """
    found = {}
    for column in columns:
        match = re.search(rf"\b{re.escape(column)}\b", expression)
        if match:
            found[column] = match.start()
    return min(found, key=found.__getitem__) if found else None


def _check_calendar(conn: sqlite3.Connection, schema: Schema, data_dir: Path) -> None:
    """Dates and timestamps that are well formed but not on the calendar (2024-02-30).

    The fast path checks only their shape; the schema's CHECKs normally catch the rest at
    insert time, and this scan covers a schema that has none.
    """
    for table in schema.data_tables:
        for column in table.columns:
            if column.kind not in ("timestamp", "date"):
                continue
            function = "datetime" if column.kind == "timestamp" else "date"
            name = quote(column.name)
            row = fetch_one(conn, f"SELECT rowid, {name} FROM {quote(table.name)} WHERE {name} IS NOT "
                            f"NULL AND {function}({name}, '+0 days') IS NOT {name} LIMIT 1")
            if row is not None:
                try:
                    converter(column)(row[1])
                    message = f"{row[1]!r} is not a valid {column.kind}"
                except ValueProblem as exc:
                    message = str(exc)
                raise DataError(table.csv_name, message, _line_of(table, data_dir, row[0]),
                                column.name)


def _check_foreign_keys(conn: sqlite3.Connection, schema: Schema, data_dir: Path) -> None:
    violation = fetch_one(conn, "PRAGMA foreign_key_check")
    if violation is None:
        return
    table_name, rowid, parent, fk_index = violation
    table = schema.tables[table_name]
    fk_rows = fetch_all(conn, f"PRAGMA foreign_key_list({quote(table_name)})")
    fk = next(row for row in fk_rows if row[0] == fk_index)
    column, parent_column = fk[3], fk[4] or "rowid"
    value = fetch_one(conn, f"SELECT {quote(column)} FROM {quote(table_name)} WHERE rowid = ?",
                      (rowid,))[0]
    line = _line_of(table, data_dir, rowid)
    raise DataError(table.csv_name, f"{value} does not match any {parent}.{parent_column} "
                                    f"(dangling foreign key)", line, column)


def _line_of(table: Table, data_dir: Path, key: object) -> int | None:
    return find_line(data_dir / table.csv_name, table, table.primary_key, key) \
        if table.primary_key else None


def _check_counts(conn: sqlite3.Connection, loaded: Iterable[LoadedFile]) -> None:
    for item in loaded:
        (count,) = fetch_one(conn, f"SELECT count(*) FROM {quote(item.table)}")
        if count != item.rows:
            raise DataError(item.file_name, f"{item.rows} rows read but {count} in the database")


def _check_invariants(conn: sqlite3.Connection, schema: Schema, checks: list[Check],
                      data_dir: Path) -> None:
    for check in checks:
        outcome = run_check(conn, check, limit=1)
        if outcome.passed:
            continue
        key, detail = (list(outcome.examples[0]) + [None, None])[:2]
        table = schema.tables[check.table]
        more = f" (and {outcome.violations - 1} more)" if outcome.violations > 1 else ""
        raise DataError(table.csv_name, f"{_one_line(detail)}: breaks check {check.name}, "
                        f"{check.description}{more}", _line_of(table, data_dir, key), check.column)


def _one_line(value: object) -> str:
    """A check's detail quotes CSV values, which may hold line breaks; keep the error one line."""
    return str(value).replace("\r", "\\r").replace("\n", "\\n")


def read_manifest(data_dir: Path) -> dict:
    path = data_dir / MANIFEST_NAME
    if not path.exists():
        log.warning("no %s in %s: seed and scale will be recorded as unknown", MANIFEST_NAME, data_dir)
        return {}
    try:
        manifest = json.loads(read_input_text(path))
    except (ValueError, OSError) as exc:
        raise KitError(f"{path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise KitError(f"{path}: the manifest is not a JSON object")
    # The fields read later must have the right shape, or a bad manifest fails after the swap.
    if not isinstance(manifest.get("window", {}), dict):
        raise KitError(f"{path}: \"window\" is not a JSON object")
    if "currency" in manifest:
        try:
            manifest["currency"] = check_currency(manifest["currency"], '"currency"')
        except UsageError as exc:
            raise KitError(f"{path}: {exc}") from None
    files = manifest.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise KitError(f"{path}: \"files\" is not a list of JSON objects")
    return manifest


def _write_meta(conn: sqlite3.Connection, schema: Schema, loaded: list[LoadedFile],
                manifest: dict) -> None:
    table = quote(META_TABLE)
    execute_many(conn, f"INSERT INTO {table} (kind, file_name, sha256, row_count) "
                     "VALUES ('file', ?, ?, ?)",
                     [(f.file_name, f.sha256, f.rows) for f in loaded])
    run = {
        "seed": manifest.get("seed", "unknown"),
        "scale": manifest.get("scale", "unknown"),
        "generator": manifest.get("generator", "unknown"),
        "generator_version": manifest.get("generator_version", "unknown"),
        "window_start": manifest.get("window", {}).get("start", "unknown"),
        "window_end": manifest.get("window", {}).get("end", "unknown"),
        "currency": manifest.get("currency", "unknown"),
        "ingested_by": f"{KIT_NAME} {GENERATOR_VERSION}",
        "python_version": platform.python_version(),
        "sqlite_version": sqlite3.sqlite_version,
        "schema_sha256": sha256_file(schema.path),
    }
    execute_many(conn, f"INSERT INTO {table} (kind, key, value) VALUES ('run', ?, ?)",
                     [(key, str(value)) for key, value in run.items()])


def _warn_unknown_files(data_dir: Path, schema: Schema) -> None:
    known = {t.csv_name for t in schema.data_tables}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in known:
            log.warning("ignoring %s: no table of that name in %s", path, schema.path.name)


def _warn_manifest_mismatch(manifest: dict, loaded: list[LoadedFile]) -> None:
    recorded = {f.get("file"): f.get("sha256") for f in manifest.get("files", [])}
    for item in loaded:
        if item.file_name in recorded and recorded[item.file_name] != item.sha256:
            log.warning("%s differs from %s (edited after generation?)", item.file_name, MANIFEST_NAME)
