"""Apply one change batch (generate_data.py --changes) to the database, all or nothing.

A batch directory holds one CSV per table (an ``op`` column, ``insert`` or ``update``,
then the table's columns: each row's full new image) and a manifest naming its seed,
scale, generator version, settings, ``from`` and ``to`` days and each file's SHA-256.
The batch is refused, before anything is written, unless it starts on the day the
database stands at and comes from the same store. It is then applied the way ingest
builds: the database is copied to a temporary file beside it, the copy is changed in
one transaction (tables in foreign-key order; values converted as ingest converts
them; then the foreign-key check and every business check), committed, fsynced and
moved over the database with ``os.replace``. A refused, failed or killed apply leaves
the database byte-identical.
"""
from __future__ import annotations

import logging
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from db.checks import Check, load_checks
from db.connect import connect_readonly
from db.ingest.csvload import CsvSource
from db.ingest.loader import insert_sql, remove_leftovers
from db.ingest.provenance import settings_fingerprint
from db.ingest.validation import (check_calendar, check_foreign_keys, check_invariants,
                                  constraint_error)
from db.meta import Meta, read_meta
from db.schema import Column, Schema, Table, load_schema, quote
from db.sources import Dataset, check_day, read_manifest_file
from db.statements import execute, execute_many, fetch_one
from utils.config import CHECKS_DIR, GENERATOR_VERSION, MANIFEST_NAME, META_TABLE
from utils.errors import KitError, file_errors, os_reason
from utils.fileio import atomic_path, sha256_file
from utils.locking import exclusive_lock, reading_data

log = logging.getLogger(__name__)

OP = Column("op", "TEXT", True, False)   # the operation column that precedes a table's columns
OPS = ("insert", "update")


@dataclass(frozen=True)
class AppliedFile:
    table: str
    file_name: str
    rows: int
    inserted: int
    sha256: str


@dataclass(frozen=True)
class Batch:
    directory: Path
    start: str                 # the manifest's "from": the day the database must stand at
    end: str                   # the manifest's "to": the day it stands at afterwards
    manifest: dict
    files: dict[str, dict]     # CSV name -> {"sha256", "rows"}


def apply_batch(batch_dir: Path, db_path: Path, schema_path: Path,
                checks_dir: Path = CHECKS_DIR) -> tuple[Batch, list[AppliedFile]]:
    """Apply the change batch in ``batch_dir`` to ``db_path``; return it and its files."""
    schema, checks = load_schema(schema_path), load_checks(checks_dir)
    batch_dir, db_path = Path(batch_dir), Path(db_path)
    with reading_data(batch_dir):
        batch = read_batch(batch_dir, schema)
        with exclusive_lock(db_path.parent / f".{db_path.name}.lock", "ingest or apply"):
            remove_leftovers(db_path)
            conn = connect_readonly(db_path)
            try:
                refuse_mismatch(batch, read_meta(conn), schema)
            except sqlite3.Error as exc:
                raise KitError(f"{db_path}: no readable {META_TABLE} ({exc}); re-run ingest") \
                    from None
            finally:
                conn.close()
            check_files(batch)
            with file_errors(db_path), atomic_path(db_path) as tmp:
                shutil.copyfile(db_path, tmp)
                conn = sqlite3.connect(str(tmp), isolation_level=None)
                try:
                    applied = _apply(conn, schema, checks, batch)
                finally:
                    conn.close()
    log.info("applied %s..%s: %d rows", batch.start, batch.end, sum(f.rows for f in applied))
    return batch, applied


def read_batch(directory: Path, schema: Schema) -> Batch:
    """The batch's manifest, its shape checked; a directory that is not a batch is refused."""
    path = directory / MANIFEST_NAME
    if not directory.is_dir():
        raise KitError(f"batch directory {directory} does not exist or is not a directory")
    if not path.is_file():
        raise KitError(f"{path}: not found; a change batch has a manifest "
                       f"(generate_data.py --changes)")
    manifest = read_manifest_file(path)
    if manifest.get("kind") != "changes":
        raise KitError(f"{path}: not a change batch (\"kind\" is not \"changes\")")
    start = check_day(manifest.get("from"), f'{path}: "from"')
    end = check_day(manifest.get("to"), f'{path}: "to"')
    if end <= start:
        raise KitError(f'{path}: "to" ({end}) is not after "from" ({start})')
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(f, dict) and isinstance(f.get("sha256"), str) and
            isinstance(f.get("rows"), int) for f in files.values()):
        raise KitError(f'{path}: "files" is not an object of {{"sha256", "rows"}} per file')
    for table in schema.data_tables:
        if table.csv_name not in files:
            raise KitError(f"{path}: the batch has no {table.csv_name}")
    return Batch(directory, start, end, manifest, files)


def refuse_mismatch(batch: Batch, meta: Meta, schema: Schema) -> None:
    """Refuse a batch from another store, already applied, or not starting where the database
    stands."""
    settings, manifest = meta.settings, batch.manifest
    what = f"batch {batch.start}..{batch.end}"
    if settings.get("schema_sha256") != sha256_file(schema.path):
        raise KitError(f"the database was built with another {schema.path.name}; "
                       f"re-run ingest.py --ingest before applying batches")
    for key in ("seed", "scale", "generator_version"):
        if str(manifest.get(key)) != settings.get(key, "unknown"):
            raise KitError(f"{what} is from {key.replace('_', ' ')} {manifest.get(key)}, "
                           f"the database from {settings.get(key, 'unknown')}")
    if manifest.get("generator_version") != GENERATOR_VERSION:
        raise KitError(f"{what} is from generator version {manifest.get('generator_version')}, "
                       f"this kit is {GENERATOR_VERSION}")
    if settings_fingerprint(manifest) != settings.get("settings_sha256"):
        raise KitError(f"{what} is from other settings (window, currency or rates) than the "
                       f"database")
    if any(b["from"] == batch.start and b["to"] == batch.end for b in meta.batches):
        raise KitError(f"{what} was applied already; the database stands at {meta.as_of}")
    if batch.start != meta.as_of:
        raise KitError(f"{what} starts at {batch.start} but the database stands at "
                       f"{meta.as_of}; apply the batch from {meta.as_of} first")


def check_files(batch: Batch) -> None:
    """Every file's SHA-256 as the manifest records it: a tampered batch is refused."""
    for name, entry in sorted(batch.files.items()):
        path = batch.directory / name
        try:
            digest = sha256_file(path)
        except OSError as exc:
            raise KitError(f"{path}: cannot read: {os_reason(exc)}") from None
        if digest != entry["sha256"]:
            raise KitError(f"{path}: SHA-256 differs from {MANIFEST_NAME} "
                           f"(edited after it was written?); batch refused")


def _apply(conn: sqlite3.Connection, schema: Schema, checks: list[Check],
           batch: Batch) -> list[AppliedFile]:
    execute(conn, "PRAGMA journal_mode = MEMORY")  # the copy is discarded on any failure
    execute(conn, "PRAGMA synchronous = OFF")      # fsynced once, before the swap
    execute(conn, "PRAGMA foreign_keys = OFF")     # checked once, in bulk, before the commit
    execute(conn, "BEGIN")
    applied = [_apply_table(conn, table, batch) for table in schema.data_tables]
    check_calendar(conn, schema, Dataset(batch.directory))
    check_foreign_keys(conn, schema, Dataset(batch.directory))
    check_invariants(conn, schema, checks, Dataset(batch.directory))
    _record(conn, batch, applied)
    execute(conn, "COMMIT")
    return applied


def _apply_table(conn: sqlite3.Connection, table: Table, batch: Batch) -> AppliedFile:
    """Each row of the table's batch file: an INSERT, or an UPDATE by primary key."""
    key = table.primary_key
    if key is None:
        raise KitError(f"table {table.name} has no single-column primary key to update by")
    source = CsvSource(batch.directory / table.csv_name,
                       Table(table.name, (OP,) + table.columns, table.foreign_keys))
    insert = insert_sql(table, 1)
    others = [c for c in table.column_names if c != key]
    at = table.column_names.index(key)
    update = (f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(c)} = ?' for c in others)} "
              f"WHERE {quote(key)} = ?")
    inserted = 0
    for block in source.blocks():
        for line, (op, *values) in block:
            if op not in OPS:
                raise source.error(f"op must be insert or update, got {op!r}", line, "op")
            try:
                if op == "insert":
                    execute(conn, insert, values)
                    inserted += 1
                elif _changed(conn, update, values[:at] + values[at + 1:] + [values[at]]) == 0:
                    raise source.error(f"update of {table.name} {values[at]}, which the database "
                                       f"does not hold", line, key)
            except sqlite3.IntegrityError as exc:
                raise _refusal(conn, exc, source, line, [op] + values, key, values[at]) from None
    expected = batch.files[table.csv_name]
    if source.rows != expected["rows"]:
        raise source.error(f"{source.rows} rows read but {MANIFEST_NAME} records "
                           f"{expected['rows']}")
    if source.sha256 != expected["sha256"]:  # checked before; this is what was applied
        raise source.error(f"changed while it was applied (SHA-256 differs from {MANIFEST_NAME})")
    return AppliedFile(table.name, table.csv_name, source.rows, inserted, source.sha256)


def _changed(conn: sqlite3.Connection, sql: str, params: list) -> int:
    """Run one statement; the number of rows it changed."""
    with closing(conn.cursor()) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _refusal(conn: sqlite3.Connection, exc: sqlite3.IntegrityError, source: CsvSource,
             line: int, record: list, key: str, value: object) -> KitError:
    """The one-line error for a row SQLite refused: an insert of a key the database holds,
    a value that is not what its column takes, or the constraint the row breaks."""
    name = source.table.name
    if record[0] == "insert" and fetch_one(
            conn, f"SELECT 1 FROM {quote(name)} WHERE {quote(key)} = ?", (value,)):
        return source.error(f"insert of {name} {value}, which the database holds already",
                            line, key)
    source.convert(record, line)  # a format fault (30 February) names itself
    return constraint_error(exc, source, line)


def _record(conn: sqlite3.Connection, batch: Batch, applied: list[AppliedFile]) -> None:
    """The batch's files as 'batch' rows; the run's as-of day moved to the batch's end."""
    table = quote(META_TABLE)
    execute_many(conn, f"INSERT INTO {table} (kind, file_name, sha256, row_count, key, value, "
                 f"inserted) VALUES ('batch', ?, ?, ?, ?, ?, ?)",
                 [(f.file_name, f.sha256, f.rows, batch.end, batch.start, f.inserted)
                  for f in applied])
    if _changed(conn, f"UPDATE {table} SET value = ? WHERE kind = 'run' AND key = 'as_of'",
                [batch.end]) == 0:
        execute(conn, f"INSERT INTO {table} (kind, key, value) VALUES ('run', 'as_of', ?)",
                (batch.end,))
