"""Readers for exported files, independent of the writers: JSON, JSON Lines, CSV, SQL dump.

Each yields a table's rows as canonical values (db/canonical.py), streaming, and
raises ``Malformed`` naming the file and line (or array element) of anything it
cannot read. The CSV reader keeps PostgreSQL's distinction that the ``csv``
module loses: an unquoted empty field is NULL, a quoted one (``""``) is text.
"""
from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Iterator, List, Optional, TextIO

from db.canonical import database_rows, normaliser
from db.export.exporter import DUMP_NAME, FORMATS
from db.schema import Table

__all__ = ["FORMATS", "Malformed", "Source", "FileSource", "DumpSource"]

Values = List[Optional[str]]
JSON_CHUNK = 1 << 16
_DECODER = json.JSONDecoder(parse_float=Decimal)
_CSV_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"\r\n]*)')


class Malformed(Exception):
    """An exported file that cannot be read back; the message names file and line."""


class Source:
    def rows(self, table: Table) -> Iterator[Values]:
        raise NotImplementedError


class FileSource(Source):
    """One file per table (json, jsonl, csv), found through the manifest's "table" field."""

    def __init__(self, directory: Path, manifest: dict, fmt: str) -> None:
        self.directory, self.fmt = directory, fmt
        self.files = {f.get("table"): f.get("file") for f in manifest["files"]
                      if isinstance(f, dict) and f.get("table")}

    def rows(self, table: Table) -> Iterator[Values]:
        name = self.files.get(table.name)
        if not name or not (self.directory / name).is_file():
            raise Malformed(f"no file for table {table.name}")
        path = self.directory / name
        columns = table.column_names
        try:
            yield from self._records(path, name, table, columns)
        except UnicodeDecodeError as exc:
            raise Malformed(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None

    def _records(self, path: Path, name: str, table: Table,
                 columns: tuple[str, ...]) -> Iterator[Values]:
        convert = [normaliser(c) for c in table.columns]
        with open(path, encoding="utf-8", newline="") as handle:
            if self.fmt == "postgres":
                records = _csv_records(handle, columns, name)
            else:
                items = _json_lines(handle, name) if self.fmt == "jsonl" else \
                    _json_array(handle, name)
                records = _from_objects(items, columns)
            for where, fields in records:
                if len(fields) != len(columns):
                    raise Malformed(f"{where}: {len(fields)} fields, table {table.name} "
                                    f"has {len(columns)}")
                try:
                    yield [fn(value) for fn, value in zip(convert, fields)]
                except ValueError:
                    raise _bad_value(fields, convert, columns, where) from None


class DumpSource(Source):
    """A SQL dump restored statement by statement into a new SQLite file, then read back."""

    def __init__(self, directory: Path, db_file: Path) -> None:
        self.conn = sqlite3.connect(str(db_file), isolation_level=None)
        try:
            _restore(self.conn, directory / DUMP_NAME)
        except Malformed:
            self.conn.close()
            raise

    def rows(self, table: Table) -> Iterator[Values]:
        try:
            yield from database_rows(self.conn, table)
        except sqlite3.Error as exc:
            raise Malformed(f"{DUMP_NAME} does not restore table {table.name}: {exc}") from None
        except ValueError as exc:
            raise Malformed(f"{DUMP_NAME}, table {table.name}: {exc}") from None

    def close(self) -> None:
        self.conn.close()


def complete_statement(text: str) -> bool:
    """Whether ``text`` ends with a complete SQL statement: ';' outside quotes and comments.

    ``sqlite3.complete_statement`` does this in CPython but is missing from PyPy's sqlite3.
    Unlike SQLite's it does not know CREATE TRIGGER bodies, which the schema has none of.
    """
    complete, i, n = False, 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"`[":
            close = "]" if char == "[" else char
            end = text.find(close, i + 1)
            while end != -1 and close != "]" and text[end + 1:end + 2] == close:  # '' escapes
                end = text.find(close, end + 2)
            if end == -1:
                return False
            complete, i = False, end + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            if end == -1:
                return complete
            i = end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                return False
            i = end + 2
        else:
            if not char.isspace():
                complete = char == ";"
            i += 1
    return complete


_complete_statement = getattr(sqlite3, "complete_statement", complete_statement)


def _restore(conn: sqlite3.Connection, dump: Path) -> None:
    statement: list[str] = []
    try:
        with open(dump, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                statement.append(line)
                if _complete_statement("".join(statement)):
                    conn.execute("".join(statement))
                    statement = []
    except sqlite3.Error as exc:
        raise Malformed(f"{DUMP_NAME} line {number}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Malformed(f"cannot read {DUMP_NAME}: {exc}") from None
    if "".join(statement).strip():
        raise Malformed(f"{DUMP_NAME} ends inside an unfinished statement")
    if conn.in_transaction:
        raise Malformed(f"{DUMP_NAME} never commits its transaction")


def _bad_value(fields: list, convert: list, columns: tuple[str, ...], where: str) -> Malformed:
    """Name the first field of a record that does not convert."""
    for column, fn, value in zip(columns, convert, fields):
        try:
            fn(value)
        except ValueError as exc:
            return Malformed(f"{where}, column {column}: {exc}")
    return Malformed(f"{where}: a value does not convert")


def _from_objects(items: Iterator[tuple[str, object]],
                  columns: tuple[str, ...]) -> Iterator[tuple[str, list]]:
    """JSON objects as field lists in column order; keys must be exactly the columns."""
    expected = set(columns)
    for where, item in items:
        if not isinstance(item, dict):
            raise Malformed(f"{where}: expected a JSON object, got {type(item).__name__}")
        if item.keys() != expected:
            odd = sorted(set(item) ^ expected)
            raise Malformed(f"{where}: keys differ from the table's columns ({odd[0]!r})")
        yield where, [item[c] for c in columns]


def _json_lines(handle: TextIO, name: str) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            yield f"{name} line {number}", _DECODER.decode(line)
        except ValueError as exc:
            raise Malformed(f"{name} line {number}: not JSON ({exc})") from None


def _json_array(handle: TextIO, name: str) -> Iterator[tuple[str, object]]:
    """The elements of a top-level JSON array, decoded one at a time from chunks."""
    buffer, pos, index, eof = "", 0, 0, False

    def skip() -> str:   # the next non-space character ("" at the end of the file)
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos < len(buffer) or eof:
                return buffer[pos:pos + 1]
            more()

    def more() -> None:
        nonlocal buffer, pos, eof
        chunk = handle.read(JSON_CHUNK)
        eof = not chunk
        buffer, pos = buffer[pos:] + chunk, 0

    if skip() != "[":
        raise Malformed(f"{name}: not a JSON array")
    pos += 1
    closed = skip() == "]"
    if closed:  # an empty table: "[]"
        pos += 1
    while not closed:
        skip()
        while True:
            try:
                item, end = _DECODER.raw_decode(buffer, pos)
                break
            except ValueError as exc:
                if eof:
                    raise Malformed(f"{name} element {index + 1}: not JSON ({exc})") from None
                more()
        pos = end
        index += 1
        yield f"{name} element {index}", item
        separator = skip()
        if separator not in (",", "]"):
            raise Malformed(f"{name} element {index}: expected ',' or ']' after it")
        pos += 1
        closed = separator == "]"
    if skip() != "":
        raise Malformed(f"{name}: text after the end of the array")


def _csv_records(handle: TextIO, columns: tuple[str, ...],
                 name: str) -> Iterator[tuple[str, list]]:
    """Records of a CSV file (header checked), a field being None when unquoted and empty."""
    number = 0
    while True:
        line = handle.readline()
        if not line:
            return
        number += 1
        start = number
        while line.count('"') % 2:   # a quoted field goes on over the line break
            more = handle.readline()
            if not more:
                raise Malformed(f"{name} line {start}: unterminated quoted field")
            line += more
            number += 1
        end = -2 if line.endswith("\r\n") else -1 if line.endswith("\n") else None
        fields = _csv_fields(line[:end],
                             f"{name} line {start}")
        if start == 1:
            if fields != list(columns):
                raise Malformed(f"{name} line 1: header is not {','.join(columns)}")
            continue
        yield f"{name} line {start}", fields


def _csv_fields(record: str, where: str) -> list:
    fields: list = []
    pos = 0
    while True:
        match = _CSV_FIELD.match(record, pos)
        quoted, plain = match.groups()
        fields.append(quoted.replace('""', '"') if quoted is not None else plain or None)
        pos = match.end()
        if pos == len(record):
            return fields
        if record[pos] != ",":
            raise Malformed(f"{where}: stray quote or character after field {len(fields)}")
        pos += 1
