"""Pages of a table resource: the filters' WHERE, the sort, and keyset ("after") paging.

A page is ``ORDER BY sort column, key`` (both in the sort's direction, so one index scanned
forwards or backwards gives the order) and continues from the last row of the previous
page: ``after`` carries that row's sort value and key, and the next page starts right
after it with a range condition on the index instead of an ``OFFSET`` scan. ``offset``
still works (it skips rows after the cursor, if any), for the clients that use it.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from api.tables import OPERATORS, RESOURCES, Resource, column_of, column_reader, quote


RANGES = ("from", "to", "min", "max")


class CursorError(ValueError):
    """An ``after`` value that is not a cursor this API wrote."""


@dataclass(frozen=True)
class ListQuery:
    """The SQL of one page and of its total, with their arguments (for EXPLAIN tests too)."""

    count_sql: str
    count_args: list[Any]
    page_sql: str
    page_args: list[Any]


def parse_after(text: str | None, by_key: bool) -> tuple[Any, ...] | None:
    """``[value, key]`` (``[key]`` when sorting by the key) from an ``after`` parameter."""
    if text is None:
        return None
    try:
        cursor = json.loads(text)
    except ValueError:
        raise CursorError("not JSON") from None
    size = 1 if by_key else 2
    if (not isinstance(cursor, list) or len(cursor) != size
            or not isinstance(cursor[-1], int) or isinstance(cursor[-1], bool)
            or not all(v is None or isinstance(v, (str, int, float)) for v in cursor)):
        raise CursorError(f"expected a JSON array of {size} value{'s' if size > 1 else ''} "
                          f"ending with the row key")
    return tuple(cursor)


def _after_condition(resource: Resource, column: str, descending: bool,
                     after: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """Rows strictly after ``after`` in the order ``column, key`` (both ascending or both
    descending). SQLite sorts NULL first, so NULLs come first ascending and last descending."""
    key, c = quote(resource.key), quote(column)
    less = "<" if descending else ">"
    if column == resource.key:
        return f"{key} {less} ?", [after[0]]
    value, row_key = after
    if column_of(resource.table, column).not_null:
        return f"({c}, {key}) {less} (?, ?)", [value, row_key]
    if value is None:
        return ((f"({c} IS NULL AND {key} < ?)", [row_key]) if descending
                else (f"({c} IS NOT NULL OR {key} > ?)", [row_key]))
    tail = f" OR {c} IS NULL" if descending else ""
    return f"(({c}, {key}) {less} (?, ?){tail})", [value, row_key]


def list_query(resource: Resource, values: dict[str, Any]) -> ListQuery:
    """The SQL of the page ``values`` (parsed parameters) select, fetching one row more
    than the limit so the page knows whether another follows."""
    table = resource.table
    column, descending = values["sort"]
    given = [f for f in resource.filters if values.get(f.param) is not None]
    selective = any(f.selective for f in given)
    scanned = (any(f.op == "contains" for f in given)   # LIKE '%text%' reads every row anyway
               or len({f.column for f in given}) > 1)
    clauses: list[str] = []       # for the count
    walked: list[str] = []        # for the page
    args: list[Any] = []
    for f in given:
        template, bind = OPERATORS[f.op]
        # "+column" keeps SQLite from using an index for that test. With a selective filter
        # (a key: a few rows per value) only its index is used and the few rows are sorted;
        # else a range on another column than the sort's is checked while walking the sort
        # order's index, instead of sorting the whole range in a temporary b-tree. A count
        # that one index cannot answer alone (contains; filters on two columns) reads the
        # table once instead of an index range with a lookup per entry (2 s vs 0.15 s).
        counted = not f.selective and (selective or scanned)
        paged = (selective and not f.selective) or (
            not selective and f.op in RANGES and f.column != column)
        clauses.append(template.format(c=("+" if counted else "") + quote(f.column)))
        walked.append(template.format(c=("+" if paged else "") + quote(f.column)))
        args.extend(bind(values[f.param]))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    count_sql = f"SELECT count(*) FROM {quote(table.name)}{where}"
    direction = " DESC" if descending else ""
    order = f"{quote(column)}{direction}"
    if column != resource.key:
        order += f", {quote(resource.key)}{direction}"
    page_clauses, page_args = walked, list(args)
    after = values.get("after")
    if after is not None:
        condition, extra = _after_condition(resource, column, descending, after)
        page_clauses.append(condition)
        page_args.extend(extra)
    page_where = f" WHERE {' AND '.join(page_clauses)}" if page_clauses else ""
    page_sql = (f"SELECT {', '.join(quote(c) for c in table.column_names)} FROM "
                f"{quote(table.name)}{page_where} ORDER BY {order} LIMIT ? OFFSET ?")
    return ListQuery(count_sql, args, page_sql,
                     [*page_args, values["limit"] + 1, values.get("offset") or 0])


@lru_cache(maxsize=None)
def _converters(name: str) -> tuple[Callable[[Any], Any], ...]:
    return tuple(column_reader(c) for c in RESOURCES[name].table.columns)


def list_rows(conn: sqlite3.Connection, resource: Resource, values: dict[str, Any],
              count: Callable[[str, list[Any]], int] | None = None
              ) -> tuple[list[dict[str, Any]], int, list[Any] | None]:
    """One page, the total the filters match, and the cursor of the next page (None on
    the last). ``count(sql, args)`` answers the total (the API's cache: the data cannot
    change under one ETag); without it the count runs here."""
    query = list_query(resource, values)
    total = (count(query.count_sql, query.count_args) if count
             else conn.execute(query.count_sql, query.count_args).fetchone()[0])
    raw = conn.execute(query.page_sql, query.page_args).fetchall()
    limit = values["limit"]
    names = resource.table.column_names
    cursor = None
    if len(raw) > limit:
        raw = raw[:limit]
        last = dict(zip(names, raw[-1]))
        column = values["sort"][0]
        cursor = [last[resource.key]] if column == resource.key else [last[column],
                                                                       last[resource.key]]
    converters = _converters(resource.name)
    rows = [{n: fn(v) for n, fn, v in zip(names, converters, row)} for row in raw]
    return rows, total, cursor
