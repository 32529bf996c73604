"""Load named queries from queries/*.sql, run them read-only, export CSV and JSON.

A query file starts with a header that documents it and that this runner trusts:

    -- name: top_products
    -- question: Which products bring the most revenue (or units)?
    -- params: limit integer 1..500 = 10, by choice revenue|units = revenue
    -- columns: rank integer, product_id integer, name text, revenue decimal(2)

Parameters are declared in queries/params.py's syntax and parsed by the same code
as the API's (``Query.parse``); they are bound by name (``:limit``), never
formatted into the SQL. The
declared columns must match the cursor's, and ``decimal(n)`` columns become exact
``Decimal`` values with n places, written as such to CSV and JSON.
"""
from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from queries.params import Param, ParamError, parse_declaration, parse_query
from utils.config import QUERIES_DIR
from utils.errors import KitError, UsageError
from utils.fileio import to_json, write_outputs
from utils.sqlfile import read_sql_file

_COLUMN = re.compile(r"^([a-z_][a-z0-9_]*)\s+(text|integer|real|decimal\((\d)\))$")


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[tuple[str, str, int | None], ...]   # (name, kind, decimals)
    sql: str
    path: Path

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def parse(self, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Parameter values from text (``--param NAME=VALUE``), checked as the API checks them."""
        return parse_query(self.params, pairs, f"query {self.path.stem}")

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Already parsed values, each missing one at its declared default."""
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            raise UsageError(f"query {self.name} has no parameter {unknown[0]!r}")
        defaults = self.parse([])
        return {p.name: values[p.name] if p.name in values else defaults[p.name]
                for p in self.params}


@dataclass(frozen=True)
class Result:
    query: Query
    rows: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query.name, "columns": self.query.column_names, "rows": self.rows}


def parse_query_file(path: Path) -> Query:
    """A query from its .sql file: the header (name, question, params, columns) and the SQL."""
    f = read_sql_file(path)
    columns = []
    for part in f.require("columns").split(","):
        match = _COLUMN.match(part.strip())
        if not match:
            raise KitError(f"{path}: cannot read column declaration {part.strip()!r}")
        name, kind, places = match.groups()
        columns.append((name, "decimal" if places else kind, int(places) if places else None))
    params = []
    declared = f.header.get("params", "none")
    if declared != "none":
        for part in declared.split(","):
            try:
                params.append(parse_declaration(part))
            except (ValueError, ParamError) as exc:
                raise KitError(f"{path}: {exc}") from None
    return Query(f.require("name"), f.require("question"), tuple(params), tuple(columns),
                 f.sql, path)


def list_queries(directory: Path = QUERIES_DIR) -> list[Query]:
    return [parse_query_file(p) for p in sorted(Path(directory).glob("*.sql"))]


def load_query(name: str, directory: Path = QUERIES_DIR) -> Query:
    """A query by its file stem (``join_query``) or its declared name (``cohort_clv``)."""
    path = Path(directory) / f"{name}.sql"
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and path.is_file():
        return parse_query_file(path)
    queries = list_queries(directory)
    for query in queries:
        if query.name == name:
            return query
    known = ", ".join(q.path.stem for q in queries)
    raise UsageError(f"unknown query {name!r} (known: {known})")


def run_query(conn: sqlite3.Connection, query: Query,
              params: Mapping[str, Any] | None = None) -> Result:
    values = query.bind(params)
    try:
        cursor = conn.execute(query.sql, values)
        names = [d[0] for d in cursor.description]
        if names != query.column_names:
            raise KitError(f"{query.path}: header declares columns {query.column_names} "
                           f"but the query returns {names}")
        convert = [decimal_reader(places or 0) if kind == "decimal" else _as_is
                   for _, kind, places in query.columns]
        rows = [{name: fn(value) for name, fn, value in zip(names, convert, row)}
                for row in cursor]  # a read error can come mid-way, while stepping
    except sqlite3.Error as exc:
        where = f" on {conn.path}" if getattr(conn, "path", None) else ""
        raise KitError(f"query {query.name} failed{where}: {exc}") from None
    return Result(query, rows)


def _as_is(value: Any) -> Any:
    return value


def decimal_reader(places: int) -> Callable[[Any], Decimal | None]:
    """SQLite's REAL money as an exact Decimal with ``places`` decimals (None stays None)."""
    quantum = Decimal(1).scaleb(-places)

    def to_decimal(value: Any) -> Decimal | None:
        # repr of a float is its shortest round-trip text, so cents/100 reads back exactly
        return None if value is None else Decimal(repr(value)).quantize(quantum)
    return to_decimal


def csv_text(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.query.column_names)
    for row in result.rows:
        writer.writerow("" if v is None else v for v in row.values())
    return buffer.getvalue()


def write_result(result: Result, out_dir: Path, stem: str) -> list[Path]:
    """Write ``<stem>.csv`` and ``<stem>.json`` (each atomically); return their paths."""
    return write_outputs(out_dir, {f"{stem}.csv": csv_text(result),
                                   f"{stem}.json": to_json(result.as_json())}, "results")
