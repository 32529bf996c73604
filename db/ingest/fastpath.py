"""The fast path: plain, valid values recognised by regex, in C, not value by value.

Two shapes: a block of lines split by ``csv.reader`` and checked one column at a time
(one regex over the column's values joined by newlines), and one regex for a whole line.
Values they accept go to SQLite as text (column affinity converts them in C); anything
else takes the strict path in ``db.ingest.csvload``, which names the exact problem.
"""
from __future__ import annotations

import csv
import re

from db.ingest.values import (DATE_BODY, FIELD_LIMIT, INTEGER_BODY, TIMESTAMP_BODY,
                              decimal_body)
from db.schema import Column

_TEXT = r'[^,"\r\n\x00]'   # a value csv would write unquoted, without NUL


def value_pattern(column: Column) -> str:
    """The regex of a plain (unquoted) valid value of ``column``, with its group.

    The same formats the converters accept, except that a timestamp's or date's calendar
    (no 30 February) is left to the schema's CHECK and the strict path.
    """
    return f"({_body(column)})"


def _body(column: Column) -> str:
    required = column.not_null or column.primary_key
    kind = column.kind
    if kind == "integer":
        body = INTEGER_BODY
    elif kind == "decimal":
        body = decimal_body(column)
    elif kind == "timestamp":
        body = TIMESTAMP_BODY
    elif kind == "date":
        body = DATE_BODY
    elif kind == "real":
        body = r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?"  # always finite; the strict path reads the rest
    else:
        return f"{_TEXT}{{{1 if required else 0},{FIELD_LIMIT}}}"
    return body if required else f"(?:{body})?"


def line_pattern(columns: list[Column]) -> "re.Pattern[str]":
    """A whole CSV line of plain values, in the given column order."""
    return re.compile(",".join(value_pattern(c) for c in columns) + r"\r?\n?")


def column_pattern(column: Column) -> "re.Pattern[str]":
    """Every value of a column of plain values, joined by newlines (none can hold one)."""
    body = _body(column)
    return re.compile(f"(?:{body})(?:\n(?:{body}))*")


def plain_block(lines: list[str], checks: list, width: int) -> list[tuple] | None:
    """The fields of ``lines`` as columns (CSV order) if every value is plain and valid.

    None when any line might need csv's full rules or the strict path: a quote, a NUL or
    a carriage return anywhere, a blank line, a wrong field count, a value off its shape.
    ``checks`` holds one ``column_pattern(...).fullmatch`` per CSV column.
    """
    text = "".join(lines)
    if '"' in text or "\x00" in text or "\r" in text:
        return None
    try:
        rows = list(csv.reader(lines))
    except csv.Error:  # a field over the size limit: the strict path names it
        return None
    if any(len(row) != width for row in rows):
        return None
    columns = list(zip(*rows))
    for check, values in zip(checks, columns):
        if check("\n".join(values)) is None:
            return None
    return columns
