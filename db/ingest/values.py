"""Strict conversion of one CSV value to its column's type, with the value shapes.

The shapes are shared with the fast path (``db.ingest.fastpath``), so both accept exactly
the same values; a converter raises ``ValueProblem`` and the reader adds file, line and
column.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Callable

from db.schema import Column

FIELD_LIMIT = 1 << 20   # 1 MiB: far above any real value, far below a runaway field

# Value shapes, shared by the fast path (one regex per line) and the strict path (per value),
# so both accept exactly the same values; each is what PostgreSQL also loads unchanged.
INTEGER_BODY = r"-?[0-9]{1,18}"            # inside int64 (SQLite) and bigint (PostgreSQL)
_YEAR = r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"  # 0001-9999: no year 0
DATE_BODY = _YEAR + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"  # 30 February: CHECK/strict
TIMESTAMP_BODY = DATE_BODY + r" (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_REAL_BODY = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"  # then finite, not underflowing

_INTEGER = re.compile(INTEGER_BODY)
_TIMESTAMP = re.compile(TIMESTAMP_BODY)
_DATE = re.compile(DATE_BODY)
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


def decimal_body(column: Column) -> str:
    """DECIMAL(p,s): at most p - s digits before the point (leading zeros aside), s after."""
    whole, places = _whole_digits(column), column.decimals
    before = f"0*[0-9]{{1,{whole}}}" if whole > 0 else "0+"
    return f"-?{before}" + (f"(?:\\.[0-9]{{1,{places}}})?" if places else "")


def _decimal(column: Column) -> Converter:
    pattern = re.compile(decimal_body(column))
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
