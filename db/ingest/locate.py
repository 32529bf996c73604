"""The error path of a CSV read: where in the file a fault is, and csv's faults in words.

Nothing here runs while a file loads cleanly; each function re-reads the file (or the
failing record) to name the line and column a ``DataError`` reports.
"""
from __future__ import annotations

import csv
from pathlib import Path

from db.ingest.values import FIELD_LIMIT
from db.schema import Table
from utils.fileio import open_input


def nul_column(record: list[str], header: list[str]) -> str | None:
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


def csv_message(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return f"a field is larger than the {FIELD_LIMIT // 1024} KiB limit"
    if "unexpected end of data" in message or "EOF" in message:
        return "unterminated quoted field (a quote opened in this record is never closed)"
    if "NUL" in message:
        return "contains a NUL byte"
    return f"malformed CSV: {message}"


def locate_bad_utf8(path: Path) -> tuple[int, int]:
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
