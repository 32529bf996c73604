"""What each endpoint answers: functions of a ``Call`` returning a JSON-ready value.

Lists and details are built from the schema (``api.tables``); analytics run the named
queries of queries/ through the same runner as the report, so no SQL is written twice.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

from api.console import sql_params
from api.dataset import REBUILD, Database, Snapshot
from api.http_errors import bad_parameter, not_found, unavailable
from api.paging import CursorError, list_rows, parse_after
from api.rows import exists, get_row
from api.tables import RESOURCES, Resource
from db.meta import DATASET_KEYS, as_number
from queries.runner import Query, load_query, run_query
from utils.fileio import to_json


@dataclass(frozen=True)
class Call:
    """One request as a handler sees it: parsed parameters and the database snapshot."""

    params: dict[str, Any]
    snapshot: Snapshot | None
    database: Database
    path: str                                  # decoded path, e.g. /api/users
    query: tuple[tuple[str, str], ...]         # the query parameters as given, in order
    routes: dict[str, Any]                     # the table dispatched on, for the API's own docs

    @property
    def conn(self) -> sqlite3.Connection:
        assert self.snapshot is not None, "route declared database=False"
        return self.snapshot.conn


Handler = Callable[[Call], Any]


def health(call: Call) -> bytes:
    """Database identity and row counts, and whether data/ still holds the CSVs it was loaded from.

    The CSVs are compared on every request (by stat, hashing a file again when it may have
    changed); the body is built and encoded once per dataset and comparison result.
    """
    snapshot, database = call.snapshot, call.database
    assert snapshot is not None
    differ = database.csv_differences(snapshot.files)
    key = (snapshot.fingerprint, repr(differ))
    body = database.health_bodies.get(key)
    if body is None:
        body = to_json(_health(database, snapshot, differ)).encode("utf-8")
        if len(database.health_bodies) >= 16:
            database.health_bodies.clear()
        database.health_bodies[key] = body
    return body


def _health(database: Database, snapshot: Snapshot,
            differ: list[dict[str, Any]] | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": "degraded" if differ else "ok",
        "database": database.repo_relative(database.path),
        "data_dir": database.shown_data_dirs(),
        "dataset": {**{key: as_number(snapshot.settings.get(key)) for key in DATASET_KEYS},
                    "as_of": snapshot.as_of},
        "batches": [{"from": b["from"], "to": b["to"],
                     "rows": sum(f["rows"] for f in b["files"]),
                     "inserted": sum(f["inserted"] for f in b["files"])}
                    for b in snapshot.batches],
        "row_counts": database.row_counts(snapshot),
        "files": [{"file": name, "rows": meta["rows"], "sha256": meta["sha256"]}
                  for name, meta in snapshot.files.items()],
        "csv_matches_meta": None if differ is None else not differ,
        "csv_differences": differ or [],
    }
    if differ is None:
        result["message"] = (f"no data directory at {result['data_dir']}: the CSVs cannot be "
                             f"compared with the database")
    elif differ:
        names = ", ".join(d["file"] for d in differ)
        result["message"] = (f"{names} in {result['data_dir']} differ from the files the database "
                             f"was loaded from; the API serves the database as loaded. "
                             f"Rebuild with {REBUILD}")
    return result


def page(call: Call, items: list[dict[str, Any]], total: int,
         cursor: list[Any] | None) -> dict[str, Any]:
    """A page of a list, with the link to the next one: the same query, continuing after
    this page's last row (``after``; any ``offset`` was used up by this page)."""
    following = None
    if cursor is not None:
        pairs = [(k, v) for k, v in call.query if k not in ("offset", "after")]
        after = json.dumps(cursor, ensure_ascii=False, separators=(",", ":"))
        following = f"{call.path}?{urlencode(pairs + [('after', after)])}"
    offset = call.params["offset"] if call.params.get("after") is None else None
    return {"items": items, "total": total, "limit": call.params["limit"], "offset": offset,
            "next": following}


def _list(call: Call, resource: Resource, values: dict[str, Any]) -> dict[str, Any]:
    by_key = values["sort"][0] == resource.key
    try:
        after = parse_after(values.get("after"), by_key)
    except CursorError as exc:
        raise bad_parameter(f"parameter after must be a next link's cursor: {exc}") from None
    return page(call, *list_rows(call.conn, resource, {**values, "after": after},
                                 _counter(call)))


def list_handler(resource: Resource) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        return _list(call, resource, call.params)
    handle.__doc__ = f"A page of {resource.name}."
    return handle


def detail_handler(resource: Resource) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        key = call.params["id"]
        row = get_row(call.conn, resource, key)
        if row is None:
            raise not_found(f"there is no {resource.noun} with {resource.key} {key}")
        return row
    handle.__doc__ = f"One {resource.noun}."
    return handle


def user_orders(call: Call) -> dict[str, Any]:
    users, orders = RESOURCES["users"], RESOURCES["orders"]
    key = call.params["id"]
    if not exists(call.conn, users, key):
        raise not_found(f"there is no user with user_id {key}")
    return _list(call, orders, {**call.params, "user_id": key})


def _counter(call: Call) -> Callable[[str, list[Any]], int]:
    """Totals through the database's count cache, for this request's snapshot."""
    snapshot = call.snapshot
    assert snapshot is not None
    return lambda sql, args: call.database.counts.total(snapshot, sql, args)


def query_handler(query: Query) -> Handler:
    """Run a named query with the request's values for the parameters it declares."""
    def handle(call: Call) -> dict[str, Any]:
        return run_query(call.conn, query, {p.name: call.params[p.name] for p in query.params}).as_json()
    handle.__doc__ = query.question
    return handle


KPIS: Query = load_query("kpis")
STATUS_COUNTS: Query = load_query("order_status_counts")


def order_summary(call: Call) -> dict[str, Any]:
    """The headline figures (queries/kpis.sql) and the orders in each state."""
    return {**run_query(call.conn, KPIS).rows[0], "by_status": run_query(call.conn, STATUS_COUNTS).rows}


def sql_console(call: Call) -> dict[str, Any]:
    """One read-only SELECT with the request's other parameters bound by name (api.console),
    on a connection of the database's console pool (api.pool)."""
    snapshot = call.snapshot
    assert snapshot is not None
    try:
        return call.database.consoles.run(snapshot.identity, call.params["sql"],
                                          sql_params(call.query), call.database.sql_limits)
    except sqlite3.Error as exc:   # the console connection could not be opened
        raise unavailable("database_unavailable", f"cannot open the database: {exc}") from None
