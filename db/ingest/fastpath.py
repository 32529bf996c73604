"""The fast path's pattern: one regex that matches a whole CSV line of plain, valid values.

A line it matches goes to SQLite as text (column affinity converts it in C); any other
line takes the strict path in ``db.ingest.csvload``.
"""
from __future__ import annotations

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
        return f"({_TEXT}{{{1 if required else 0},{FIELD_LIMIT}}})"
    return f"({body})" if required else f"((?:{body})?)"


def line_pattern(columns: list[Column]) -> "re.Pattern[str]":
    """A whole CSV line of plain values, in the given column order."""
    return re.compile(",".join(value_pattern(c) for c in columns) + r"\r?\n?")
