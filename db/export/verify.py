"""Prove that an export agrees with the database: files, counts, contents, foreign keys.

An export directory is recognised by its manifest.json, whatever the format. It
is re-read by readers of its own (not the writers' code), every value goes
through db/canonical.py, and each table must show: files with the SHA-256 the
manifest records, the database's row count and canonical checksum, and every
foreign key resolving within the exported tables (the cross-format
referential-integrity guarantee). Rows stream; what is held in memory is one key
per referenced parent row, and a whole table only if its rows are out of key order.
"""
from __future__ import annotations

import json
import logging
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from db.canonical import TableDigest, database_checksum, sorted_checksum
from db.connect import connect_readonly
from db.export import readers
from db.schema import ForeignKey, Schema, Table, load_schema
from utils.config import MANIFEST_NAME, SCHEMA_PATH
from utils.errors import CheckFailed, KitError
from utils.fileio import sha256_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verified:
    directory: Path
    format: str
    tables: int
    rows: int


def verify_exports(directory: Path, db_path: Path,
                   schema_path: Path = SCHEMA_PATH) -> list[Verified]:
    """Verify ``directory`` (one format) or each format directory inside it."""
    directory = Path(directory)
    if (directory / MANIFEST_NAME).is_file():
        found = [directory]
    else:
        found = sorted(p.parent for p in directory.glob(f"*/{MANIFEST_NAME}"))
    if not found:
        raise KitError(f"{directory}: no {MANIFEST_NAME} in it or in its subdirectories; "
                       f"not an export (run export.py --format ...)")
    schema = load_schema(schema_path)
    conn = connect_readonly(db_path)
    try:
        expected = {t.name: database_checksum(conn, t) for t in schema.tables.values()}
    finally:
        conn.close()
    return [verify_export(d, schema, expected) for d in found]


def verify_export(directory: Path, schema: Schema,
                  expected: dict[str, tuple[int, str]]) -> Verified:
    """Raise CheckFailed naming the first disagreement between the export and ``expected``."""
    manifest = _read_manifest(directory)
    fmt = manifest["format"]
    problems = _check_files(directory, manifest)
    recorded = {t.get("table"): t for t in manifest.get("tables", []) if isinstance(t, dict)}
    referenced = {(fk.parent, fk.parent_column)
                  for t in schema.tables.values() for fk in t.foreign_keys}
    keys: dict[tuple[str, str], set] = {}
    rows = 0
    try:
        with _open_source(fmt, directory, manifest) as source:
            for table in schema.tables.values():
                try:
                    count, checksum = _read_table(table, source, referenced, keys, problems)
                except readers.Malformed as exc:
                    problems.append(str(exc))
                    continue
                rows += count
                problems += _compare(table.name, (count, checksum), expected[table.name],
                                     recorded.get(table.name))
    except readers.Malformed as exc:  # a dump that does not restore
        problems.append(str(exc))
    if problems:
        for problem in problems[1:]:
            log.debug("%s: also: %s", directory, problem)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CheckFailed(f"{fmt} export {directory}: {problems[0]}{more}")
    log.debug("%s: %d tables, %d rows agree with the database", directory, len(schema.tables), rows)
    return Verified(directory, fmt, len(schema.tables), rows)


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KitError(f"{path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") not in readers.FORMATS \
            or not isinstance(manifest.get("files"), list):
        raise KitError(f"{path}: not an export manifest (needs \"format\" and \"files\")")
    return manifest


def _check_files(directory: Path, manifest: dict) -> list[str]:
    problems = []
    for entry in manifest["files"]:
        name = entry.get("file", "") if isinstance(entry, dict) else ""
        path = directory / name
        if not name or Path(name).name != name:
            problems.append(f"manifest lists a bad file name {name!r}")
        elif not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != entry.get("sha256"):
            problems.append(f"{name}: SHA-256 differs from {MANIFEST_NAME}")
    return problems


def _read_table(table: Table, source: readers.Source, referenced: set[tuple[str, str]],
                keys: dict[tuple[str, str], set], problems: list[str]) -> tuple[int, str]:
    """Stream one table: count, checksum, keys that children point at, dangling references.

    Parents load first, so a reference to another table is checked as the row
    passes; a reference to the same table waits until the whole table is read.
    """
    names = table.column_names
    own = {names.index(c): set() for (t, c) in referenced if t == table.name}
    outside = [(names.index(fk.column), fk, keys.get((fk.parent, fk.parent_column), set()))
               for fk in table.foreign_keys if fk.parent != table.name]
    inside = {names.index(fk.column): fk for fk in table.foreign_keys if fk.parent == table.name}
    pending: dict[int, set] = {index: set() for index in inside}
    dangling: dict[str, list] = {}
    digest = TableDigest(table)
    for values in source.rows(table):
        digest.add(values)
        for index, seen in own.items():
            seen.add(values[index])
        for index, fk, parents in outside:
            if values[index] is not None and values[index] not in parents:
                _note(dangling, table.name, fk, values[index])
        for index, waiting in pending.items():
            if values[index] is not None:
                waiting.add(values[index])
    for index, fk in inside.items():
        for value in sorted(pending[index] - own[names.index(fk.parent_column)]):
            _note(dangling, table.name, fk, value)
    keys.update({(table.name, names[index]): seen for index, seen in own.items()})
    for first, count in dangling.values():
        problems.append(f"{first} ({count} row{'s' if count > 1 else ''} with a dangling "
                        f"foreign key)")
    checksum = digest.hexdigest() if digest.ordered else \
        sorted_checksum(table, source.rows(table))
    return digest.rows, checksum


def _note(dangling: dict[str, list], table: str, fk: ForeignKey, value: str) -> None:
    where = f"{table}.{fk.column}"
    if where not in dangling:
        dangling[where] = [f"{where} = {value} matches no {fk.parent}.{fk.parent_column} "
                           f"in the export", 0]
    dangling[where][1] += 1


def _compare(name: str, found: tuple[int, str], expected: tuple[int, str],
             recorded: dict | None) -> list[str]:
    (rows, checksum), (want_rows, want_checksum) = found, expected
    if rows != want_rows:
        return [f"{name}: {rows} rows, the database has {want_rows}"]
    if checksum != want_checksum:
        return [f"{name}: contents differ from the database (canonical checksum)"]
    if recorded is None:
        return [f"{name}: not listed in {MANIFEST_NAME}"]
    if recorded.get("rows") != rows or recorded.get("checksum") != checksum:
        return [f"{name}: {MANIFEST_NAME} records other counts or checksum than the files hold"]
    return []


@contextmanager
def _open_source(fmt: str, directory: Path, manifest: dict) -> Iterator[readers.Source]:
    """The reader for a format; a dump is first restored into a temporary database."""
    if fmt != "sqlite-dump":
        yield readers.FileSource(directory, manifest, fmt)
        return
    temp = Path(tempfile.mkdtemp(prefix="ecomkit-verify-"))
    try:
        source = readers.DumpSource(directory, temp / "restored.db")
        try:
            yield source
        finally:
            source.close()
    finally:
        shutil.rmtree(temp, ignore_errors=True)
