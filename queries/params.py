"""Query parameters: one declaration parses a value, names it in errors and documents it.

The one parameter system of the kit: ``run_query.py --param`` and the API both parse
through ``Param.parse`` and ``parse_query``, so they accept the same values and fail
with the same message (a ``ParamError``; the API sends it as a 400 bad_parameter).
A query file declares its parameters in its header with ``parse_declaration``'s syntax.

Every value passes through ``Param.parse``: integers are ASCII
digits within a range (never beyond SQLite's 64-bit integers), dates are real calendar
days, amounts have at most two decimals and become integer cents, and a choice or a
sort column must be one of a fixed list. What comes out is bound as an SQL parameter
or compared with a whitelist; it is never put into SQL text.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

from utils.errors import UsageError

INT64_MAX = 2**63 - 1
MAX_TEXT = 200          # longer than any value in the data; a longer filter matches nothing anyway
MAX_QUERY_FIELDS = 50

_INTEGER = re.compile(r"-?[0-9]{1,19}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONEY = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,2}))?")


_DECLARATION = re.compile(r"([a-z_][a-z0-9_]*)\s+(integer|text|date|money|choice)"
                          r"(?:\s+(-?[0-9]+)\.\.(-?[0-9]+)|\s+([a-z0-9_]+(?:\|[a-z0-9_]+)+))?"
                          r"\s*=\s*(\S+)")


class ParamError(UsageError):
    """A parameter value that its declaration rejects; the message names the parameter."""


@dataclass(frozen=True)
class Param:
    """A query or path parameter. ``kind`` is integer, text, date, money, choice or sort."""

    name: str
    kind: str
    description: str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()     # choice: allowed values; sort: sortable columns
    example: str | None = None
    location: str = "query"

    @property
    def label(self) -> str:
        return f"{'path ' if self.location == 'path' else ''}parameter {self.name}"

    def parse(self, text: str) -> Any:
        """The value of ``text`` for this parameter, or a 400 that names the parameter."""
        return getattr(self, f"_parse_{self.kind}")(text)

    def _fail(self, expected: str, text: str) -> Exception:
        shown = text if len(text) <= 40 else text[:40] + "..."
        return ParamError(f"{self.label} must be {expected}, got {shown!r}")

    def _parse_integer(self, text: str) -> int:
        low = -INT64_MAX if self.minimum is None else self.minimum
        high = INT64_MAX if self.maximum is None else self.maximum
        expected = f"an integer from {low} to {high}" if self.maximum is not None else (
            f"an integer of at least {low}" if self.minimum is not None else "an integer")
        if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
            raise self._fail(expected, text)
        return int(text)

    def _parse_text(self, text: str) -> str:
        longest = self.maximum or MAX_TEXT   # a text parameter's maximum is its length
        if len(text) > longest:
            raise self._fail(f"at most {longest} characters", text)
        return text

    def _parse_date(self, text: str) -> str:
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise self._fail("a date (YYYY-MM-DD)", text) from None

    def _parse_money(self, text: str) -> int:
        match = _MONEY.fullmatch(text)
        if not match:
            raise self._fail("an amount with at most two decimals, such as 25 or 19.99", text)
        return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))

    def _parse_choice(self, text: str) -> str:
        if text not in self.choices:
            raise self._fail(f"one of {', '.join(self.choices)}", text)
        return text

    def _parse_sort(self, text: str) -> tuple[str, bool]:
        column = text[1:] if text.startswith("-") else text
        if column not in self.choices:
            raise self._fail(f"a column ({', '.join(self.choices)}), "
                             f"prefixed with - for descending order", text)
        return column, text.startswith("-")

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the parameter's text, for the OpenAPI document."""
        if self.kind == "integer":
            schema: dict[str, Any] = {"type": "integer"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            schema["maximum"] = INT64_MAX if self.maximum is None else self.maximum
        elif self.kind == "date":
            schema = {"type": "string", "format": "date"}
        elif self.kind == "money":
            schema = {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}
        elif self.kind == "choice":
            schema = {"type": "string", "enum": list(self.choices)}
        elif self.kind == "sort":
            schema = {"type": "string",
                      "enum": [c for name in self.choices for c in (name, f"-{name}")]}
        else:
            schema = {"type": "string", "maxLength": self.maximum or MAX_TEXT}
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def openapi(self) -> dict[str, Any]:
        spec = {"name": self.name, "in": self.location, "required": self.location == "path",
                "description": self.description, "schema": self.schema()}
        if self.example is not None:
            spec["example"] = self.example
        return spec


def parse_declaration(text: str) -> Param:
    """A parameter from a query header: ``limit integer 1..500 = 10``, ``by choice a|b = a``,
    ``from date = null``. The default is checked by the same parser as any value."""
    match = _DECLARATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"cannot read parameter declaration {text.strip()!r}")
    name, kind, low, high, choices, default = match.groups()
    if (low is not None and kind != "integer") or (choices and kind != "choice"):
        raise ValueError(f"{kind} parameter {name} cannot have that range or list")
    if kind == "choice" and not choices:
        raise ValueError(f"choice parameter {name} needs its values: {name} choice a|b = a")
    param = Param(name, kind, "", minimum=None if low is None else int(low),
                  maximum=None if high is None else int(high),
                  choices=tuple(choices.split("|")) if choices else ())
    if default == "null":
        return param
    value = param.parse(default)  # a header's default obeys its own declaration
    return replace(param, default=value if kind == "integer" else default)


def parse_query(params: Sequence[Param], pairs: Iterable[tuple[str, str]],
                path: str) -> dict[str, Any]:
    """The parsed query parameters, every declared one present (its default when not given).

    An empty value counts as not given, so an HTML form's blank field filters nothing.
    An undeclared or repeated parameter is refused: a typo must not silently widen a query;
    so is a ``from`` date after the ``to`` date.
    """
    declared = {p.name: p for p in params}
    given: dict[str, str] = {}
    for name, text in pairs:
        param = declared.get(name)
        if param is None:
            accepted = ", ".join(declared) or "none"
            raise ParamError(f"unknown parameter {name[:40]!r} for {path} (accepted: {accepted})")
        if name in given:
            raise ParamError(f"parameter {name} is given more than once")
        given[name] = text
    values = {}
    for name, param in declared.items():
        text = given.get(name) or (None if param.default is None else str(param.default))
        values[name] = None if text is None else param.parse(text)
    start, end = values.get("from"), values.get("to")
    if (declared.get("from") and declared["from"].kind == "date" and start is not None
            and end is not None and start > end):
        raise ParamError(f"parameter from ({start}) is after parameter to ({end})")
    return values
