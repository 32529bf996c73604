"""Per-column profilers for db/profile/profiler.py: one streamed pass, bounded memory, exact sums.

Each profiler is fed every value of its column once (``add``), after SQLite has
supplied the counts and the range (``start``); ``finish`` may ask SQLite for what
needs sorting (quartiles, top values). Numbers are kept as integers in the
column's smallest unit (cents for DECIMAL(12,2)), so means, variances and
correlations are exact until the final rounding.
"""
from __future__ import annotations

import math
import re
import sqlite3
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable

from db.canonical import normaliser
from db.schema import Column, Table, quote

BINS = 20                 # histogram bins for a numeric column (21 at most once aligned)
TOP_VALUES = 10           # most frequent values shown for a text column
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def profiler(column: Column, index: int, role: str | None) -> ColumnProfile:
    """The profiler for a column's role.

    Keys and references are identifiers: counted, never averaged or binned. REAL
    columns (none in this schema) get counts and range only, since the exact sums
    here need a fixed number of decimals.
    """
    if role or column.kind == "real":
        return ColumnProfile(column, index, role or "real")
    if column.kind in ("integer", "decimal"):
        return Measure(column, index, "measure")
    if column.kind in ("timestamp", "date"):
        return _Time(column, index, "time")
    return _Text(column, index, "text")


class ColumnProfile:
    """What every column reports: counts, range and the type its values suggest."""

    def __init__(self, column: Column, index: int, role: str) -> None:
        self.column, self.index, self.role = column, index, role
        self.seen: set[str] = set()   # value classes observed: at most five
        self.places = 0
        self._canonical = normaliser(column)

    def start(self, rows: int, count: int, distinct: int, low: Any, high: Any) -> None:
        self.nulls, self.count, self.distinct = rows - count, count, distinct
        self.low, self.high = self._canonical(low), self._canonical(high)

    def add(self, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, int):
            self.seen.add("integer")
        elif isinstance(value, float):
            text = repr(value)
            if "e" in text or "n" in text:
                self.seen.add("real")
            else:
                self.seen.add("decimal")
                self.places = max(self.places, len(text.split(".")[1].rstrip("0")))
        elif isinstance(value, str):
            self.seen.add("timestamp" if _TIMESTAMP.fullmatch(value) else
                          "date" if _DATE.fullmatch(value) else "text")
        else:
            self.seen.add("blob")

    def finish(self, conn: sqlite3.Connection, table: Table) -> None:
        """Queries that need the counts of the streamed pass."""

    def inferred(self) -> str:
        seen = self.seen
        if not seen:
            return "empty"
        if seen <= {"integer"}:
            return "integer"
        if seen <= {"integer", "decimal"}:
            return f"decimal({self.places})"
        if seen <= {"integer", "decimal", "real"}:
            return "real"
        return next(iter(seen)) if len(seen) == 1 else "mixed"

    def result(self) -> dict[str, Any]:
        return {"column": self.column.name, "declared": self.column.declared,
                "inferred": self.inferred(), "role": self.role, "count": self.count,
                "nulls": self.nulls, "distinct": self.distinct,
                "min": self._show(self.low), "max": self._show(self.high)}

    def _show(self, canonical: str | None) -> Any:
        if canonical is None or self.column.kind not in ("integer", "decimal"):
            return canonical
        return int(canonical) if self.column.kind == "integer" else Decimal(canonical)


class Measure(ColumnProfile):
    """Numbers: exact moments, quartiles by rank, equal-width bins in integer units."""

    def start(self, rows: int, count: int, distinct: int, low: Any, high: Any) -> None:
        super().start(rows, count, distinct, low, high)
        self.scale = 10 ** self.column.decimals
        self.n = self.total = self.squares = 0
        low_units = self._units(self.low) if self.low is not None else 0
        self.hi = self._units(self.high) if self.high is not None else 0
        self.width = _nice_width(-(-(self.hi - low_units + 1) // BINS))
        self.lo = low_units // self.width * self.width   # bins start on a multiple of the width
        self.bins = [0] * ((self.hi - self.lo) // self.width + 1)

    def _units(self, canonical: str) -> int:
        return int(canonical.replace(".", ""))   # canonical text has exactly `decimals` places

    def add(self, value: Any) -> None:
        super().add(value)
        if value is None:
            return
        units = self._units(self._canonical(value))
        self.n += 1
        self.total += units
        self.squares += units * units
        self.bins[(units - self.lo) // self.width] += 1

    def finish(self, conn: sqlite3.Connection, table: Table) -> None:
        column, name = quote(self.column.name), quote(table.name)

        self.quartiles = {}
        for label, p in (("q1", Fraction(1, 4)), ("median", Fraction(1, 2)),
                         ("q3", Fraction(3, 4))):
            if self.n:
                position = p * (self.n - 1)
                below = math.floor(position)
                # the values at ranks below and below + 1, in one sort by SQLite
                values = [self._units(self._canonical(v)) for (v,) in conn.execute(
                    f"SELECT {column} FROM {name} WHERE {column} IS NOT NULL "
                    f"ORDER BY {column} LIMIT 2 OFFSET ?", (below,))]
                low, high = values[0], values[-1]
                self.quartiles[label] = self._number(low + (high - low) * (position - below))

    def _number(self, units: Fraction | int) -> Decimal:
        """A statistic in the column's unit, to 4 decimals, trailing zeros dropped."""
        exact = Fraction(units) / self.scale
        return _trim(Decimal(exact.numerator) / Decimal(exact.denominator))

    def result(self) -> dict[str, Any]:
        out = super().result()
        n = self.n
        variance = Fraction(n * self.squares - self.total ** 2, n * (n - 1)) if n > 1 else None
        out.update(mean=self._number(Fraction(self.total, n)) if n else None,
                   stddev=None if variance is None else
                   _trim(Decimal(math.sqrt(variance) / self.scale)),
                   quartiles=self.quartiles,
                   histogram=[{"from": self._show(self._text(self.lo + i * self.width)),
                               "to": self._show(self._text(
                                   min(self.hi, self.lo + (i + 1) * self.width - 1))),
                               "count": count} for i, count in enumerate(self.bins)] if n else [])
        return out

    def _text(self, units: int) -> str:
        places = self.column.decimals
        if not places:
            return str(units)
        sign, units = ("-", -units) if units < 0 else ("", units)
        return f"{sign}{units // self.scale}.{units % self.scale:0{places}d}"


class _Time(ColumnProfile):
    """Timestamps and dates: the range, and a count per calendar month with no gaps."""

    def start(self, rows: int, count: int, distinct: int, low: Any, high: Any) -> None:
        super().start(rows, count, distinct, low, high)
        self.months: dict[str, int] = {}

    def add(self, value: Any) -> None:
        super().add(value)
        if isinstance(value, str):
            self.months[value[:7]] = self.months.get(value[:7], 0) + 1

    def result(self) -> dict[str, Any]:
        out = super().result()
        out["months"] = [{"month": m, "count": self.months.get(m, 0)}
                         for m in _month_range(self.low, self.high)]
        return out


class _Text(ColumnProfile):
    """Text: length statistics (in characters) and the most frequent values."""

    def start(self, rows: int, count: int, distinct: int, low: Any, high: Any) -> None:
        super().start(rows, count, distinct, low, high)
        self.shortest: int | None = None
        self.longest = self.total = 0

    def add(self, value: Any) -> None:
        super().add(value)
        if isinstance(value, str):
            size = len(value)
            self.shortest = size if self.shortest is None else min(self.shortest, size)
            self.longest = max(self.longest, size)
            self.total += size

    def finish(self, conn: sqlite3.Connection, table: Table) -> None:
        column = quote(self.column.name)
        self.top = [{"value": value, "count": count} for value, count in conn.execute(
            f"SELECT {column}, count(*) AS n FROM {quote(table.name)} WHERE {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT ?", (TOP_VALUES,))]

    def result(self) -> dict[str, Any]:
        out = super().result()
        mean = Decimal(self.total) / Decimal(self.count) if self.count else None
        out["length"] = {"min": self.shortest, "max": self.longest if self.count else None,
                         "mean": None if mean is None else mean.quantize(Decimal("0.01"))}
        out["top"] = self.top
        return out


class Pair:
    """Pearson's r between two measures of a table, over rows where both are present."""

    def __init__(self, x: Measure, y: Measure) -> None:
        self.x, self.y = x, y
        self.n = self.sx = self.sy = self.sxx = self.syy = self.sxy = 0

    def add(self, a: Any, b: Any) -> None:
        if a is None or b is None:
            return
        a = self.x._units(self.x._canonical(a))
        b = self.y._units(self.y._canonical(b))
        self.n += 1
        self.sx += a
        self.sy += b
        self.sxx += a * a
        self.syy += b * b
        self.sxy += a * b

    def result(self) -> dict[str, Any]:
        n = self.n
        dx, dy = n * self.sxx - self.sx ** 2, n * self.syy - self.sy ** 2
        r = None if not (dx > 0 and dy > 0) else \
            _trim(Decimal((n * self.sxy - self.sx * self.sy) / (math.sqrt(dx) * math.sqrt(dy))))
        return {"x": self.x.column.name, "y": self.y.column.name, "n": n, "pearson": r}


def _nice_width(minimum: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``minimum``."""
    power = 1
    while True:
        for step in (1, 2, 5):
            if step * power >= minimum:
                return step * power
        power *= 10


def _trim(value: Decimal) -> Decimal:
    """Rounded half-even to 4 decimals, without trailing zeros: 12.5, not 12.5000."""
    text = format(value.quantize(Decimal("0.0001")), "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def _month_range(low: str | None, high: str | None) -> Iterable[str]:
    if not low or not high:
        return []
    year, month = int(low[:4]), int(low[5:7])
    months = []
    while (year, month) <= (int(high[:4]), int(high[5:7])):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
