"""Reading one CSV against its table: header validation, typed conversion, line numbers.

Every problem becomes a ``DataError`` naming the file, the line (of the record's
first physical line) and the column. Accepted on purpose: a UTF-8 byte-order
mark, CRLF line endings, quoted fields with commas or newlines, blank lines, and
columns in any order (they are matched by name). A header-only file is a valid
table with no rows.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterator, Optional

from db.schema import Column, Table
from utils.errors import DataError
from utils.fileio import open_input

FIELD_LIMIT = 1 << 20   # 1 MiB: far above any real value, far below a runaway field

# Value shapes, shared by the fast path (one regex per line) and the strict path (per value),
# so both accept exactly the same values; each is what PostgreSQL also loads unchanged.
_INTEGER_BODY = r"-?[0-9]{1,18}"            # inside int64 (SQLite) and bigint (PostgreSQL)
_YEAR = r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"  # 0001-9999: no year 0
_DATE_BODY = _YEAR + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"  # 30 February: CHECK/strict
_TIMESTAMP_BODY = _DATE_BODY + r" (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_REAL_BODY = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"  # then finite, not underflowing

_INTEGER = re.compile(_INTEGER_BODY)
_TIMESTAMP = re.compile(_TIMESTAMP_BODY)
_DATE = re.compile(_DATE_BODY)
_REAL = re.compile(_REAL_BODY)

Converter = Callable[[str], object]


class ValueProblem(ValueError):
    """Raised by a converter; the reader adds file, line and column."""


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _integer(value: str) -> int:
    if not _INTEGER.fullmatch(value):
        raise ValueProblem(f"expected an integer, got {_show(value)}")
    return int(value)


def _whole_digits(column: Column) -> int:
    """Digits a DECIMAL(p,s) value may have before the point: p - s, and no more than a
    double (SQLite's REAL) holds exactly, 15 significant digits in all."""
    return min(column.precision, 15) - column.decimals


def _decimal_body(column: Column) -> str:
    """DECIMAL(p,s): at most p - s digits before the point (leading zeros aside), s after."""
    whole, places = _whole_digits(column), column.decimals
    before = f"0*[0-9]{{1,{whole}}}" if whole > 0 else "0+"
    return f"-?{before}" + (f"(?:\\.[0-9]{{1,{places}}})?" if places else "")


def _decimal(column: Column) -> Converter:
    pattern = re.compile(_decimal_body(column))
    places = column.decimals
    shape = re.compile(r"-?[0-9]+(\.[0-9]{1,%d})?" % places)

    def convert(value: str) -> float:
        if not pattern.fullmatch(value):
            if shape.fullmatch(value):  # well formed, too large for its column
                raise ValueProblem(f"{_show(value)} has more than {_whole_digits(column)} digits "
                                   f"before the point, the most {column.declared} keeps")
            raise ValueProblem(f"expected a number with at most {places} decimals, got {_show(value)}")
        return float(value)  # at most 15 digits: exact once read back via round(x * 100)
    return convert


def _timestamp(value: str) -> str:
    try:
        if not _TIMESTAMP.fullmatch(value):
            raise ValueError
        datetime(int(value[:4]), int(value[5:7]), int(value[8:10]))  # the calendar
    except ValueError:
        raise ValueProblem(f"expected a timestamp 'YYYY-MM-DD HH:MM:SS', got {_show(value)}") from None
    return value


def _date(value: str) -> str:
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        raise ValueProblem(f"expected a date 'YYYY-MM-DD', got {_show(value)}") from None
    return value


def _real(value: str) -> float:
    if not _REAL.fullmatch(value):
        raise ValueProblem(f"expected a number, got {_show(value)}")
    number = float(value)
    mantissa = value.split("e")[0].split("E")[0]
    if not math.isfinite(number) or (number == 0 and any(c in "123456789" for c in mantissa)):
        raise ValueProblem(f"{_show(value)} is out of the range of a double")
    return number


def _text(value: str) -> str:
    return value  # NUL bytes are refused for every column before conversion


def converter(column: Column) -> Converter:
    kind = column.kind
    if kind == "integer":
        return _integer
    if kind == "decimal":
        return _decimal(column)
    if kind == "timestamp":
        return _timestamp
    if kind == "date":
        return _date
    if kind == "real":
        return _real
    return _text


_TEXT = r'[^,"\r\n\x00]'   # a value csv would write unquoted, without NUL
# psql's \copy ends its input at a line "\." even inside a quoted CSV value (PostgreSQL 15),
# so such a value could not be loaded from the export. Only quoted values hold line breaks.
_END_OF_DATA = re.compile(r"\n\\\.\r?\n")


def value_pattern(column: Column) -> str:
    """The regex of a plain (unquoted) valid value of ``column``, with its group.

    The same formats the converters accept, except that a timestamp's or date's calendar
    (no 30 February) is left to the schema's CHECK and the strict path.
    """
    required = column.not_null or column.primary_key
    kind = column.kind
    if kind == "integer":
        body = _INTEGER_BODY
    elif kind == "decimal":
        body = _decimal_body(column)
    elif kind == "timestamp":
        body = _TIMESTAMP_BODY
    elif kind == "date":
        body = _DATE_BODY
    elif kind == "real":
        body = r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?"  # always finite; the strict path reads the rest
    else:
        return f"({_TEXT}{{{1 if required else 0},{FIELD_LIMIT}}})"
    return f"({body})" if required else f"((?:{body})?)"


def line_pattern(columns: list[Column]) -> "re.Pattern[str]":
    """A whole CSV line of plain values, in the given column order."""
    return re.compile(",".join(value_pattern(c) for c in columns) + r"\r?\n?")


class HashingReader(io.RawIOBase):
    """A raw binary stream that hashes every byte read through it."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = self.raw.readinto(buffer)
        if count:
            self.digest.update(memoryview(buffer)[:count])
            self.size += count
        return count or 0

    def close(self) -> None:
        if not self.closed:
            self.raw.close()  # the wrapper owns the file: no handle may outlive the read
        super().close()


class CsvSource:
    """Iterates the converted rows of one CSV in table column order, with line numbers."""

    def __init__(self, path: Path, table: Table) -> None:
        self.path, self.table, self.name = path, table, path.name
        self.rows = 0
        self.sha256: Optional[str] = None
        self._record_line = 1  # first physical line of the record being read (slow path)
        self._hashing: Optional[HashingReader] = None

    @property
    def bytes_read(self) -> int:
        """Bytes of the file read so far (for progress)."""
        return self._hashing.size if self._hashing else 0

    def error(self, message: str, line: int | None = None, column: str | None = None) -> DataError:
        return DataError(self.name, message, line, column)

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        csv.field_size_limit(FIELD_LIMIT)
        try:
            raw = open_input(self.path, "rb")
        except FileNotFoundError:
            raise self.error(f"file not found in {self.path.parent}") from None
        except OSError as exc:
            raise self.error(f"cannot read: {exc.strerror}") from None
        hashing = self._hashing = HashingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(hashing), encoding="utf-8-sig", newline="")
        try:
            yield from self._rows(text)
            while text.read(1 << 16):  # hash any bytes not read yet (none, normally)
                pass
        except UnicodeDecodeError:
            line, col = _locate_bad_utf8(self.path)
            raise self.error(f"bytes that are not UTF-8 at byte {col} of the line", line) from None
        except csv.Error as exc:
            # csv gives up where it stops reading (the end of the file for an unclosed
            # quote); the record's first line is where the fault is.
            raise self.error(_csv_message(exc), self._record_line) from None
        except OSError as exc:  # an I/O error mid-file is this file's, not the database's
            raise self.error(f"cannot read: {exc.strerror or exc}") from None
        finally:
            text.close()
        self.sha256 = hashing.digest.hexdigest()

    def _rows(self, text: io.TextIOWrapper) -> Iterator[tuple[int, tuple]]:
        """Rows in table column order, each from the fast path or the strict one.

        Fast path: a line that the table's line pattern matches whole holds plain, valid
        values; they go to SQLite as text, and column affinity converts them in C. Any
        other line (quoted fields, a fault, a NUL, an oversized field) is parsed by csv
        and converted value by value, which names the exact problem.
        """
        numbered = enumerate(text, start=1)
        first = next(numbered, None)
        if first is None:
            raise self.error("empty file: expected a header row "
                             + ",".join(self.table.column_names), 1)
        header = next(csv.reader([first[1]], strict=True), [])
        positions = self._positions(header)
        reorder = None if positions == list(range(len(positions))) else itemgetter(*positions)
        nullable = [i for i, c in enumerate(self.table.columns)
                    if not (c.not_null or c.primary_key)]
        match = line_pattern([self.table.columns[positions.index(i)] for i in range(len(header))]
                             ).fullmatch
        width = len(header)
        for number, line in numbered:
            found = match(line)
            if found is not None:
                values = found.groups()
                if reorder is not None:
                    values = reorder(values)
                if nullable:
                    values = tuple(None if i in nullable and v == "" else v
                                   for i, v in enumerate(values))
                self.rows += 1
                yield number, values
                continue
            if line in ("\n", "\r\n"):
                continue  # a blank line
            self._record_line = number
            record: list[str] = []
            try:
                fields = next(csv.reader(self._continued(line, numbered, record), strict=True), [])
            except csv.Error as exc:
                if "NUL" in str(exc):  # csv before Python 3.11: name the column all the same
                    raise self.error("contains a NUL byte", number, _nul_column(record, header)) \
                        from None
                raise
            if len(fields) != width:
                raise self.error(f"expected {width} fields, found {len(fields)}"
                                 + (" (truncated row?)" if len(fields) < width else ""), number)
            self.rows += 1
            yield number, self.convert([fields[p] for p in positions], number)

    @staticmethod
    def _continued(line: str, numbered: Iterator[tuple[int, str]],
                   record: list[str]) -> Iterator[str]:
        """This line, then the following ones, for a record that spans several lines
        (each also appended to ``record``)."""
        record.append(line)
        yield line
        for _, more in numbered:
            record.append(more)
            yield more

    def convert(self, fields: list, line: int) -> tuple:
        """Check and convert one record's text values (table column order), strictly."""
        values = []
        for column, value in zip(self.table.columns, fields):
            if not isinstance(value, str):  # converted already
                values.append(value)
                continue
            if "\x00" in value:  # csv rejects NUL before Python 3.11, passes it on after
                raise self.error("contains a NUL byte", line, column.name)
            if _END_OF_DATA.search(value):
                raise self.error("a line of it is only '\\.', which psql's \\copy of the "
                                 "PostgreSQL export would take for the end of the data",
                                 line, column.name)
            if value == "":
                # SQLite reports INTEGER PRIMARY KEY as nullable (NULL means "invent a
                # rowid"): a key left empty in a CSV is an error, not a request for one.
                if column.not_null or column.primary_key:
                    raise self.error("empty value in a required column", line, column.name)
                values.append(None)
                continue
            try:
                values.append(converter(column)(value))
            except ValueProblem as exc:
                raise self.error(str(exc), line, column.name) from None
        return tuple(values)

    def _positions(self, header: list[str]) -> list[int]:
        """Where each table column sits in the CSV header (columns matched by name)."""
        seen: dict[str, int] = {}
        for index, name in enumerate(header):
            if name in seen:
                raise self.error(f"column {name!r} appears twice in the header", 1)
            seen[name] = index
        expected = self.table.column_names
        missing = [c for c in expected if c not in seen]
        extra = [c for c in header if c not in expected]
        problems = []
        if missing:
            problems.append("missing column" + ("s " if len(missing) > 1 else " ")
                            + ", ".join(repr(c) for c in missing))
        if extra:
            problems.append("unexpected column" + ("s " if len(extra) > 1 else " ")
                            + ", ".join(repr(c) for c in extra))
        if problems:
            raise self.error("header: " + "; ".join(problems)
                             + f" (expected {','.join(expected)})", 1)
        return [seen[c] for c in expected]


def _nul_column(record: list[str], header: list[str]) -> str | None:
    """The header name of the first field holding a NUL (error path only)."""
    text, mark = "".join(record), "\U0010ffff"  # a noncharacter: never in real data
    if mark in text:
        return None
    try:
        fields = next(csv.reader([text.replace("\x00", mark)], strict=True), [])
    except csv.Error:
        return None
    index = next((i for i, field in enumerate(fields) if mark in field), None)
    return header[index] if index is not None and index < len(header) else None


def _csv_message(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return f"a field is larger than the {FIELD_LIMIT // 1024} KiB limit"
    if "unexpected end of data" in message or "EOF" in message:
        return "unterminated quoted field (a quote opened in this record is never closed)"
    if "NUL" in message:
        return "contains a NUL byte"
    return f"malformed CSV: {message}"


def _locate_bad_utf8(path: Path) -> tuple[int, int]:
    """(line, byte column) of the first invalid UTF-8 sequence; runs on the error path only."""
    with open_input(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.start + 1
    return 1, 1


def find_line(path: Path, table: Table, column: str, value: object) -> int | None:
    """The line of the first record whose ``column`` equals ``value`` (error path only)."""
    try:
        with open_input(path, "r", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, [])
            if column not in header:
                return None
            index, previous_end, wanted = header.index(column), reader.line_num, str(value)
            for fields in reader:
                line, previous_end = previous_end + 1, reader.line_num
                if len(fields) > index and fields[index] == wanted:
                    return line
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None
