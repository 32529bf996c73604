"""The table resources: list and detail SQL built from db/schema.sql, never by hand.

Table and column names come from SQLite's report of the schema and go into SQL only
through ``quote()``; sorting is limited to a table's own columns, and every value a
request supplies is a bound parameter. Column types, descriptions and the values a
CHECK allows are read from the schema too, for parsing filters and for the OpenAPI
document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from queries.params import Param
from queries.runner import decimal_reader
from db.schema import Column, Table, load_schema, quote
from db.schema_docs import read_schema_text
from utils.config import SCHEMA_PATH

SCHEMA = load_schema(SCHEMA_PATH)
TEXTS = read_schema_text(SCHEMA)
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
AFTER_MAX = 1000   # characters of an after= cursor
NOUNS = {"categories": "category", "users": "user", "products": "product", "orders": "order",
         "order_items": "order item", "payments": "payment", "reviews": "review"}

_IN = re.compile(r"^(\w+) IN \((.*)\)$")
_BETWEEN = re.compile(r"^(\w+) BETWEEN (-?\d+) AND (-?\d+)$")
_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"


def _like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards and the escape character taken literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


# Filter operators: the SQL for one column (through quote()) and the arguments the parsed
# value binds. Money compares in integer cents, as everywhere in the kit, with a range on
# the stored value first (a cent wider than the exact test) so an index on the column can
# serve it; dates are inclusive days.
OPERATORS: dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]] = {
    "eq": ("{c} = ?", lambda v: (v,)),
    # A category column (status, method, country) whose API indexes are declared COLLATE
    # RTRIM in db/schema.sql, so the library's queries (status IN (...)) never pick them;
    # the same answers as = for values without trailing spaces, as the CHECKs guarantee.
    "state": ("{c} = ? COLLATE RTRIM", lambda v: (v,)),
    "nocase": ("{c} = ? COLLATE NOCASE", lambda v: (v,)),
    "from": ("{c} >= ?", lambda v: (v,)),
    "to": ("{c} < date(?, '+1 day')", lambda v: (v,)),
    "min": ("{c} >= ? AND CAST(round({c} * 100) AS INTEGER) >= ?", lambda v: ((v - 1) / 100, v)),
    "max": ("{c} <= ? AND CAST(round({c} * 100) AS INTEGER) <= ?", lambda v: ((v + 1) / 100, v)),
    "contains": ("{c} LIKE ? ESCAPE '\\'", lambda v: (_like_pattern(v),)),
}


@dataclass(frozen=True)
class Filter:
    param: str
    column: str
    op: str
    description: str
    example: str
    selective: bool = False     # a key: a few rows per value at any scale (paging.list_query)


@dataclass(frozen=True)
class Embed:
    """Child rows embedded in a detail: ``key`` holds the rows of ``table`` that point here;
    ``names`` adds the parent's name for a foreign-key column: (column, new key)."""

    key: str
    table: str
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Resource:
    name: str                       # URL segment and table name
    sorts: tuple[str, ...]          # the documented sort orders (each has an index)
    filters: tuple[Filter, ...] = ()
    embeds: tuple[Embed, ...] = ()

    @property
    def table(self) -> Table:
        return SCHEMA.tables[self.name]

    @property
    def noun(self) -> str:
        return NOUNS[self.name]

    @property
    def key(self) -> str:
        return self.table.primary_key or "rowid"

    def list_params(self, without: tuple[str, ...] = ()) -> tuple[Param, ...]:
        columns = self.sorts
        return (
            Param("limit", "integer", f"rows per page, at most {MAX_LIMIT}", DEFAULT_LIMIT,
                  minimum=1, maximum=MAX_LIMIT, example="5"),
            Param("offset", "integer", "rows to skip (after the after= position, if any); "
                  "the next links page by after= instead", 0, minimum=0, example="0"),
            Param("sort", "sort", f"column to sort by, - for descending; ties are broken by "
                  f"{self.key} in the same direction, so pages never overlap", self.key,
                  choices=columns, example=f"-{columns[-1]}"),
            Param("after", "text", f"continue after this row, as the next link writes it: "
                  f"the JSON array [sort value, {self.key}] of the previous page's last row "
                  f"([{self.key}] when sorting by {self.key})", maximum=AFTER_MAX,
                  example=f"[{_example_value(column_of(self.table, columns[-1]))},5]"),
        ) + tuple(filter_param(self, f) for f in self.filters if f.param not in without)


def _example_value(column: Column) -> str:
    """A sort value of the column's type, as the documented after= example carries it."""
    return "5" if column.kind in ("integer", "decimal") else '"m"'


def filter_param(resource: Resource, f: Filter) -> Param:
    column = column_of(resource.table, f.column)
    kind = {"from": "date", "to": "date", "min": "money", "max": "money",
            "contains": "text"}.get(f.op, "integer" if column.kind == "integer" else "text")
    choices = check_values(resource.name, f.column) if kind == "text" and f.op in ("eq", "state") \
        else ()
    bounds = check_range(resource.name, f.column) if kind == "integer" else (None, None)
    return Param(f.param, "choice" if choices else kind, f.description, choices=choices,
                 minimum=bounds[0], maximum=bounds[1], example=f.example)


def column_of(table: Table, name: str) -> Column:
    return next(c for c in table.columns if c.name == name)


def _column_checks(table: str, column: str) -> tuple[str, ...]:
    return TEXTS[table].columns[column].checks


def check_values(table: str, column: str) -> tuple[str, ...]:
    """The values a ``CHECK (column IN ('a', 'b'))`` allows, in the schema's order; () if none."""
    for check in _column_checks(table, column):
        match = _IN.match(check)
        if match and match.group(1) == column:
            return tuple(v.replace("''", "'") for v in _LITERAL.findall(match.group(2)))
    return ()


def check_range(table: str, column: str) -> tuple[int | None, int | None]:
    for check in _column_checks(table, column):
        match = _BETWEEN.match(check)
        if match and match.group(1) == column:
            return int(match.group(2)), int(match.group(3))
    return None, None


# ---- reading rows -------------------------------------------------------------------------

def column_reader(column: Column) -> Callable[[Any], Any]:
    """Money as an exact Decimal with the schema's places; timestamps as ISO 8601 (with T)."""
    if column.kind == "decimal":
        return decimal_reader(column.decimals)
    if column.kind == "timestamp":
        return lambda v: None if v is None else str(v).replace(" ", "T", 1)
    return lambda v: v


# ---- JSON Schema of the rows, for the OpenAPI document -----------------------------------

def component_name(table: str) -> str:
    return "".join(word.capitalize() for word in NOUNS[table].split())


def column_schema(table: str, column: Column) -> dict[str, Any]:
    description = TEXTS[table].columns[column.name].description
    if column.kind == "integer":
        schema: dict[str, Any] = {"type": "integer"}
        low, high = check_range(table, column.name)
        if low is not None:
            schema.update(minimum=low, maximum=high)
    elif column.kind == "decimal":
        schema = {"type": "number", "multipleOf": float(Decimal(1).scaleb(-column.decimals))}
    elif column.kind == "timestamp":
        schema = {"type": "string", "pattern": _TIMESTAMP}
        description += " (ISO 8601 local date and time, no time zone)"
    else:
        schema = {"type": "string"}
        values = check_values(table, column.name)
        if values:
            schema["enum"] = list(values)
    if not column.not_null and not column.primary_key:
        schema["type"] = [schema["type"], "null"]
    return {**schema, "description": description}


def row_schema(table: Table) -> dict[str, Any]:
    return {"type": "object", "description": TEXTS[table.name].purpose,
            "properties": {c.name: column_schema(table.name, c) for c in table.columns},
            "required": list(table.column_names)}


# ---- the resources the API lists ----------------------------------------------------------

RESOURCES: dict[str, Resource] = {r.name: r for r in (
    Resource("users", ('user_id', 'signup_date', 'last_name'), (
        Filter("country", "country", "state", "country name, exact", "Germany"),
        Filter("signup_from", "signup_date", "from", "signed up on or after this day", "2023-06-01"),
        Filter("signup_to", "signup_date", "to", "signed up on or before this day", "2024-06-30"),
        Filter("email", "email", "nocase", "e-mail address, exact but case-insensitive",
               "someone@example.com", selective=True),
    )),
    Resource("products", ('product_id', 'name', 'price'), (
        Filter("category_id", "category_id", "eq", "leaf category", "6"),
        Filter("min_price", "price", "min", "list price at least this", "10"),
        Filter("max_price", "price", "max", "list price at most this", "99.99"),
        Filter("q", "name", "contains", "name contains this text (ASCII letters match either "
               "case; % and _ are literal)", "lamp"),
    )),
    Resource("orders", ('order_id', 'order_date', 'total_amount'), (
        Filter("user_id", "user_id", "eq", "customer", "1", selective=True),
        Filter("status", "status", "state", "fulfilment state", "delivered"),
        Filter("from", "order_date", "from", "placed on or after this day", "2024-01-01"),
        Filter("to", "order_date", "to", "placed on or before this day", "2024-12-31"),
        Filter("min_total", "total_amount", "min", "order total at least this", "100"),
    ), embeds=(
        Embed("items", "order_items", names=(("product_id", "product_name"),)),
        Embed("payments", "payments"),
    )),
    Resource("payments", ('payment_id', 'payment_date'), (
        Filter("order_id", "order_id", "eq", "order paid", "1", selective=True),
        Filter("method", "payment_method", "state", "payment channel", "card"),
        Filter("status", "status", "state", "outcome of the attempt", "failed"),
    )),
    Resource("reviews", ('review_id', 'review_date', 'rating'), (
        Filter("product_id", "product_id", "eq", "product reviewed", "1", selective=True),
        Filter("user_id", "user_id", "eq", "reviewer", "2", selective=True),
        Filter("rating", "rating", "eq", "stars", "5"),
    )),
    Resource("categories", ('category_id', 'name', 'parent_id'), (
        Filter("parent_id", "parent_id", "eq", "parent category", "1", selective=True),
    )),
)}
