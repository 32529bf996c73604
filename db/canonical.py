"""One text form per value, so that an export in any format can be compared with the database.

A value's canonical form is a string (or None for NULL): integers in decimal,
money with exactly its declared decimals, REAL as the shortest text that reads
back exactly (Python's repr), timestamps and text as stored. A row's
canonical line is the JSON array of those; a table's checksum is the SHA-256 of
its canonical lines in primary-key order. The same function normalises what
SQLite returns (int, float, str), what a JSON reader returns (int, Decimal, str)
and what a CSV reader returns (str), so equal checksums mean equal contents.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable, Iterator, Optional, Sequence

from db.schema import Column, Table, quote

Normaliser = Callable[[object], Optional[str]]
_INTEGER = re.compile(r"-?[0-9]+")
_PLAIN = re.compile(r"(-?(?:0|[1-9][0-9]*))(?:\.([0-9]*))?")


def normaliser(column: Column) -> Normaliser:
    """The function that turns one value of ``column`` into its canonical text."""
    if column.kind == "integer":
        return _integer
    if column.kind == "decimal":
        return _decimal(column.decimals)
    if column.kind == "real":
        return _real
    return _text


def _integer(value: object) -> str | None:
    if type(value) is int:  # noqa: E721 - exactly int: bool is not an integer value here
        return str(value)
    if value is None:
        return None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return str(int(value))
    raise ValueError(f"expected an integer, got {value!r}")


def _decimal(places: int) -> Normaliser:
    quantum = Decimal(1).scaleb(-places)

    def convert(value: object) -> str | None:
        if value is None:
            return None
        if type(value) is float:  # repr is the shortest text that reads back exactly
            text = repr(value)
        elif isinstance(value, (int, str, Decimal)) and not isinstance(value, bool):
            text = str(value)
        else:
            raise ValueError(f"expected a number with {places} decimals, got {value!r}")
        plain = _PLAIN.fullmatch(text)
        if plain:  # the common case, without Decimal arithmetic
            whole, fraction = plain.group(1), plain.group(2) or ""
            if len(fraction.rstrip("0")) <= places:
                return f"{whole}.{fraction[:places].ljust(places, '0')}" if places else whole
        try:
            number = Decimal(text)
            exact = number.quantize(quantum)
        except InvalidOperation:
            exact = number = None
        if exact is None or exact != number or not exact.is_finite():
            raise ValueError(f"expected a number with {places} decimals, got {value!r}")
        return format(exact, "f")
    return convert


def _real(value: object) -> str | None:
    """Floating point: the shortest text that reads back as the same double."""
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"expected a finite number, got {value!r}")
    return repr(number)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"expected text, got {value!r}")


_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_line(values: Sequence[str | None]) -> str:
    return _LINE(list(values))


class TableDigest:
    """Counts and hashes a table's canonical rows as they stream past in key order.

    ``ordered`` turns False if a key repeats or goes backwards; the caller then
    computes the checksum with :func:`sorted_checksum` instead (the rows must be
    read again, which every export format allows).
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = 0
        self.ordered = True
        self._key_index = table.column_names.index(table.primary_key) \
            if table.primary_key else None
        self._last: int | None = None
        self._hash = hashlib.sha256()

    def add(self, values: Sequence[str | None]) -> None:
        self.rows += 1
        if not self.ordered:
            return
        if self._key_index is None:
            self.ordered = False
            return
        key = values[self._key_index]
        number = int(key) if key is not None else None
        if number is None or (self._last is not None and number <= self._last):
            self.ordered = False
            return
        self._last = number
        self._hash.update(canonical_line(values).encode("utf-8") + b"\n")

    def hexdigest(self) -> str:
        if not self.ordered:
            raise ValueError(f"rows of {self.table.name} are not in key order")
        return self._hash.hexdigest()


def sorted_checksum(table: Table, rows: Iterable[Sequence[str | None]]) -> str:
    """The checksum of canonical rows that arrive in any order (holds them all in memory)."""
    index = table.column_names.index(table.primary_key) if table.primary_key else None

    def key(values: Sequence[str | None]) -> tuple:
        line = canonical_line(values)
        if index is None or values[index] is None:
            return (1, 0, line)
        return (0, int(values[index]), line)

    digest = hashlib.sha256()
    for values in sorted(rows, key=key):
        digest.update(canonical_line(values).encode("utf-8") + b"\n")
    return digest.hexdigest()


def database_rows(conn: sqlite3.Connection, table: Table) -> Iterator[list[str | None]]:
    """A table's rows from SQLite in key order, canonical; streamed from the cursor."""
    convert = [normaliser(c) for c in table.columns]
    columns = ", ".join(quote(c) for c in table.column_names)
    order = f" ORDER BY {quote(table.primary_key)}" if table.primary_key else ""
    for row in conn.execute(f"SELECT {columns} FROM {quote(table.name)}{order}"):
        yield [fn(value) for fn, value in zip(convert, row)]


def database_checksum(conn: sqlite3.Connection, table: Table) -> tuple[int, str]:
    """(row count, checksum) of a table as the database holds it."""
    digest = TableDigest(table)
    for values in database_rows(conn, table):
        digest.add(values)
    if digest.ordered:
        return digest.rows, digest.hexdigest()
    return digest.rows, sorted_checksum(table, database_rows(conn, table))
