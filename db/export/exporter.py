"""Export the database as JSON, JSON Lines, a SQLite dump or a PostgreSQL load kit.

Every format directory (``exports/json``, ``exports/jsonl``, ``exports/sqlite-dump``,
``exports/postgres``) is built in a temporary directory beside it and renamed into
place only when complete, so a failed export leaves the previous one untouched.
Rows stream from one read snapshot of the database, in key order, through the
canonical form of db/canonical.py; the same pass writes the file and computes the
per-table checksum that ``manifest.json`` records and ``--verify`` checks.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Optional, Sequence, TextIO

from db.canonical import TableDigest, database_rows, sorted_checksum
from db.export.postgres import load_script, postgres_schema
from db.schema import Schema, Table, load_schema, quote
from db.connect import connect_readonly
from utils.config import KIT_NAME, MANIFEST_NAME, SCHEMA_PATH
from utils.errors import KitError, os_reason
from utils.fileio import NotRegularFile, replace_dir, sha256_file, staging_dir, to_json, write_text
from utils.locking import exclusive_lock

log = logging.getLogger(__name__)

FORMATS = ("json", "jsonl", "sqlite-dump", "postgres")
DUMP_NAME = "dump.sql"
CHECKSUM_RULE = ("sha256 of the table's rows in primary-key order, one JSON array of "
                 "canonical values per line (db/canonical.py)")

Row = Sequence[Optional[str]]
_JSON_TEXT = json.JSONEncoder(ensure_ascii=False).encode


def export(db_path: Path, out_dir: Path, formats: Sequence[str],
           schema_path: Path = SCHEMA_PATH) -> list[Path]:
    """Write each of ``formats`` to ``out_dir/<format>``; return the directories written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise KitError(f"unknown export format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    schema = load_schema(schema_path)
    conn = connect_readonly(db_path)
    try:
        _check_database(conn, schema, db_path)
        conn.execute("BEGIN")  # one snapshot for every table and every format
        try:
            return _export_all(conn, schema, Path(out_dir), list(formats))
        except NotRegularFile as exc:
            raise KitError(f"cannot write the export: {exc.what()}") from None
        except OSError as exc:  # SQLite's errors are the database's: cli names it
            raise KitError(f"cannot write the export to {out_dir}: {os_reason(exc)}") from None
    finally:
        conn.close()


def _export_all(conn: sqlite3.Connection, schema: Schema, out_dir: Path,
                formats: list[str]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(out_dir / ".export.lock", "export"):
        for fmt in FORMATS:  # only our own staging names: OUT may hold other files
            for leftover in sorted(out_dir.glob(f".{fmt}.*.tmp")):
                if leftover.is_dir():
                    log.info("removing %s left by an interrupted export", leftover.name)
                    shutil.rmtree(leftover, ignore_errors=True)
        staged: dict[str, Path] = {}
        try:
            for fmt in formats:
                staged[fmt] = staging_dir(out_dir, f".{fmt}.", ".tmp")
                os.chmod(staged[fmt], 0o755)
            _stage(conn, schema, staged)  # everything is built before anything is replaced
            for fmt in formats:
                replace_dir(staged[fmt], out_dir / fmt, f".{fmt}.old.", ".tmp")
                del staged[fmt]  # only once it is in place: a failed swap still cleans it up
            return [out_dir / fmt for fmt in formats]
        finally:
            for stage in staged.values():
                shutil.rmtree(stage, ignore_errors=True)


def _check_database(conn: sqlite3.Connection, schema: Schema, db_path: Path) -> None:
    """The database must have the schema's tables and columns, or the export would lie."""
    for table in schema.tables.values():
        found = tuple(r[1] for r in conn.execute(f"PRAGMA table_info({quote(table.name)})"))
        if found != table.column_names:
            what = "has no table" if not found else "has different columns in table"
            raise KitError(f"{db_path} {what} {table.name} (built from another schema? "
                           f"run ingest.py --ingest)")


def _stage(conn: sqlite3.Connection, schema: Schema, staged: dict[str, Path]) -> None:
    """Write every requested format into its staging directory, with its manifest."""
    tables, files = _write_tables(conn, schema, {f: p for f, p in staged.items() if f in _WRITERS})
    if "sqlite-dump" in staged:
        with open(staged["sqlite-dump"] / DUMP_NAME, "w", encoding="utf-8", newline="\n") as out:
            for statement in conn.iterdump():  # schema, data and indexes, in one transaction
                out.write(statement + "\n")
        files["sqlite-dump"] = [{"file": DUMP_NAME}]
    if "postgres" in staged:
        stage = staged["postgres"]
        write_text(stage / "schema.sql", postgres_schema(schema))
        write_text(stage / "load.sql", load_script(schema, [f["file"] for f in files["postgres"]]))
        files["postgres"][:0] = [{"file": "schema.sql"}, {"file": "load.sql"}]
    for fmt, stage in staged.items():
        for entry in files[fmt]:
            path = stage / entry["file"]
            entry.update(bytes=path.stat().st_size, sha256=sha256_file(path))
        manifest = {"kit": KIT_NAME, "format": fmt, "checksum": CHECKSUM_RULE,
                    "tables": tables, "files": files[fmt]}
        write_text(stage / MANIFEST_NAME, to_json(manifest))
        log.info("%s: %d file(s), %d rows", fmt, len(files[fmt]), sum(t["rows"] for t in tables))


def _write_tables(conn: sqlite3.Connection, schema: Schema, staged: dict[str, Path]
                  ) -> tuple[list[dict], dict[str, list[dict]]]:
    """One pass over each table writes its file in every row format and its checksum."""
    tables: list[dict] = []
    files: dict[str, list[dict]] = {fmt: [] for fmt in staged}
    for table in schema.tables.values():
        names = {fmt: f"{table.name}.{_EXTENSIONS[fmt]}" for fmt in staged}
        digest = TableDigest(table)
        with ExitStack() as stack:
            writers = [_WRITERS[fmt](table, stack.enter_context(
                open(stage / names[fmt], "w", encoding="utf-8", newline="\n")))
                for fmt, stage in staged.items()]
            for values in database_rows(conn, table):
                digest.add(values)
                for write in writers:
                    write(values)
            for write in writers:
                write(None)
        checksum = digest.hexdigest() if digest.ordered else \
            sorted_checksum(table, database_rows(conn, table))
        tables.append({"table": table.name, "rows": digest.rows, "checksum": checksum})
        for fmt in staged:
            files[fmt].append({"file": names[fmt], "table": table.name, "rows": digest.rows})
    return tables, files


Writer = Callable[[Row], None]   # called with each row, then once with None to finish


def _jsonl_writer(table: Table, handle: TextIO) -> Writer:
    encode = _object_encoder(table)

    def write(values: Row | None) -> None:
        if values is not None:
            handle.write(encode(values) + "\n")
    return write


def _json_writer(table: Table, handle: TextIO) -> Writer:
    """A JSON array with one object per line: streamed, yet one valid JSON document."""
    encode = _object_encoder(table)
    first = True

    def write(values: Row | None) -> None:
        nonlocal first
        if values is None:
            handle.write("[]\n" if first else "\n]\n")
            return
        handle.write(("[\n" if first else ",\n") + encode(values))
        first = False
    return write


def _object_encoder(table: Table) -> Callable[[Row], str]:
    """Keys in column order; numbers as JSON numbers (money with its 2 decimals)."""
    keys = [_JSON_TEXT(c.name) + ": " for c in table.columns]
    numeric = [c.kind in ("integer", "decimal", "real") for c in table.columns]

    def encode(values: Row) -> str:
        parts = []
        for key, is_number, value in zip(keys, numeric, values):
            text = "null" if value is None else value if is_number else _JSON_TEXT(value)
            parts.append(key + text)
        return "{" + ", ".join(parts) + "}"
    return encode


def _csv_writer(table: Table, handle: TextIO) -> Writer:
    """PostgreSQL's CSV conventions: NULL is an empty field, an empty string is ``""``."""
    handle.write(",".join(_csv_field(c) for c in table.column_names) + "\n")

    def write(values: Row | None) -> None:
        if values is not None:
            handle.write(",".join("" if v is None else _csv_field(v) for v in values) + "\n")
    return write


def _csv_field(text: str) -> str:
    # "\." alone is psql's end-of-data marker; quoted, it is data
    if text == "" or text == "\\." or any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


_WRITERS = {"json": _json_writer, "jsonl": _jsonl_writer, "postgres": _csv_writer}
_EXTENSIONS = {"json": "json", "jsonl": "jsonl", "postgres": "csv"}
