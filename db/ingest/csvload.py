"""Reading one CSV against its table: header validation, typed conversion, line numbers.

Every problem becomes a ``DataError`` naming the file, the line (of the record's
first physical line) and the column. Accepted on purpose: a UTF-8 byte-order
mark, CRLF line endings, quoted fields with commas or newlines, blank lines, and
columns in any order (they are matched by name). A header-only file is a valid
table with no rows. Values are checked by the fast path's line pattern
(``db.ingest.fastpath``) or converted one by one (``db.ingest.values``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Iterator, Optional

from db.ingest.fastpath import column_pattern, line_pattern, plain_block
from db.ingest.locate import csv_message, locate_bad_utf8, nul_column
from db.ingest.values import FIELD_LIMIT, ValueProblem, converter
from db.schema import Table
from utils.errors import DataError, os_reason
from utils.fileio import open_input

# psql's \copy ends its input at a line "\." even inside a quoted CSV value (PostgreSQL 15),
# so such a value could not be loaded from the export. Only quoted values hold line breaks.
_END_OF_DATA = re.compile(r"\n\\\.\r?\n")
BLOCK_LINES = 1_000  # lines checked together by the fast path


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
    """The converted rows of one CSV in table column order, with line numbers, in blocks."""

    def __init__(self, path: Path, table: Table, name: str | None = None) -> None:
        self.path, self.table, self.name = path, table, name or path.name
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

    def blocks(self) -> Iterator[list[tuple[int, tuple]]]:
        """The rows in blocks (up to ``BLOCK_LINES`` of them), each row with its line number."""
        csv.field_size_limit(FIELD_LIMIT)
        try:
            raw = open_input(self.path, "rb")
        except FileNotFoundError:
            raise self.error(f"file not found in {self.path.parent}") from None
        except OSError as exc:
            raise self.error(f"cannot read: {os_reason(exc)}") from None
        hashing = self._hashing = HashingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(hashing), encoding="utf-8-sig", newline="")
        try:
            yield from self._rows(text)
            while text.read(1 << 16):  # hash any bytes not read yet (none, normally)
                pass
        except UnicodeDecodeError:
            line, col = locate_bad_utf8(self.path)
            raise self.error(f"bytes that are not UTF-8 at byte {col} of the line", line) from None
        except csv.Error as exc:
            # csv gives up where it stops reading (the end of the file for an unclosed
            # quote); the record's first line is where the fault is.
            raise self.error(csv_message(exc), self._record_line) from None
        except OSError as exc:  # an I/O error mid-file is this file's, not the database's
            raise self.error(f"cannot read: {os_reason(exc)}") from None
        finally:
            text.close()
        self.sha256 = hashing.digest.hexdigest()

    def _rows(self, text: io.TextIOWrapper) -> Iterator[list[tuple[int, tuple]]]:
        """Rows in table column order, each from the fast path or the strict one.

        Blocks of plain, valid lines are split by csv and checked a column at a time
        (``plain_block``); from the first block that is not, the rest of the file goes
        line by line (``_line_by_line``), each line through the whole-line pattern or
        csv and the strict conversion, which names the exact problem.
        """
        numbered = enumerate(text, start=1)
        first = next(numbered, None)
        if first is None:
            raise self.error("empty file: expected a header row "
                             + ",".join(self.table.column_names), 1)
        header = next(csv.reader([first[1]], strict=True), [])
        positions = self._positions(header)
        in_csv_order = [self.table.columns[positions.index(i)] for i in range(len(header))]
        checks = [column_pattern(c).fullmatch for c in in_csv_order]
        nullable = {i for i, c in enumerate(self.table.columns) if not (c.not_null or c.primary_key)}
        while True:
            block = list(islice(numbered, BLOCK_LINES))
            if not block:
                return
            columns = plain_block([line for _, line in block], checks, len(header))
            if columns is None:
                for row in self._line_by_line(chain(block, numbered), header, positions,
                                              line_pattern(in_csv_order).fullmatch, nullable):
                    yield [row]
                return
            ordered = [tuple(None if v == "" else v for v in columns[p]) if i in nullable
                       else columns[p] for i, p in enumerate(positions)]
            self.rows += len(block)
            yield list(zip([number for number, _ in block], zip(*ordered)))

    def _line_by_line(self, numbered: Iterator[tuple[int, str]], header: list[str],
                      positions: list[int], match, nullable: set[int]
                      ) -> Iterator[tuple[int, tuple]]:
        reorder = None if positions == list(range(len(positions))) else itemgetter(*positions)
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
                    raise self.error("contains a NUL byte", number, nul_column(record, header)) \
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
