"""The route table: what the server dispatches on, what /api/openapi.json and /api/docs describe.

A path is matched segment by segment; ``{name}`` matches one segment, which the route's
path parameter of that name then parses (so ``/api/users/abc`` is a 400 naming ``id``).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from api import handlers, library, openapi
from api.spec import HTML, JSON, Route
from api.tables import RESOURCES, SCHEMA, Resource, component_name, row_schema
from queries.params import Param
from queries.runner import Query, load_query
from utils.config import CLV_QUERY

def _id(resource: Resource) -> Param:
    return Param("id", "integer", f"{resource.key} of the {resource.noun}", example="1",
                 location="path")


def _components(*tables: str) -> dict[str, Any]:
    return {component_name(t): row_schema(SCHEMA.tables[t]) for t in tables}


def _list_route(resource: Resource, example: str) -> Route:
    item = component_name(resource.name)
    return Route(f"/api/{resource.name}", f"list_{resource.name}", handlers.list_handler(resource),
                 f"A page of {resource.name}, filtered and sorted", "tables",
                 resource.list_params(), openapi.page_schema(openapi.ref(item)),
                 _components(resource.name), example=example, csv=resource.table.column_names)


def _detail_route(resource: Resource) -> Route:
    return Route(f"/api/{resource.name}/{{id}}", f"get_{resource.noun.replace(' ', '_')}",
                 handlers.detail_handler(resource), f"One {resource.noun} by {resource.key}",
                 "tables", (_id(resource),), openapi.ref(component_name(resource.name)),
                 _components(resource.name))


def _order_detail_route(resource: Resource) -> Route:
    """The order with its lines and payments (the resource's embeds)."""
    item = {"allOf": [openapi.ref("OrderItem"), {"type": "object", "properties": {
        "product_name": {"type": ["string", "null"], "description": "the product's name"}}}]}
    detail = {"allOf": [openapi.ref("Order"), {
        "type": "object", "required": ["items", "payments"],
        "properties": {"items": {"type": "array", "items": item},
                       "payments": {"type": "array", "items": openapi.ref("Payment")}}}]}
    return dataclasses.replace(
        _detail_route(resource), response=openapi.ref("OrderDetail"),
        schemas={"OrderDetail": detail, **_components("orders", "order_items", "payments")},
        description="The order with its lines (items, each with the product's name) and its "
                    "payment attempts.")


def _query_route(path: str, name: str, query: Query, summary: str,
                 params: tuple[Param, ...] = (), example: str = "") -> Route:
    """An endpoint that runs one named query; its rows' schema comes from the query's header."""
    handler = handlers.query_handler(query)
    component, schema = openapi.query_component(query)
    return Route(path, name, handler, summary, "analytics", params,
                 openapi.query_result_schema(component, query), {component: schema},
                 example=example, description=f"Runs queries/{query.path.name}: {query.question}",
                 cached=True, csv=tuple(query.column_names))


def _declared(query: Query, name: str, description: str, example: str) -> Param:
    """A parameter exactly as the query file's header declares it, documented for the API."""
    param = next(p for p in query.params if p.name == name)
    return dataclasses.replace(param, description=description, example=example)


def _health_schema() -> dict[str, Any]:
    nullable_text = {"type": ["string", "null"]}
    return {"type": "object", "required": ["status", "database", "csv_matches_meta"],
            "properties": {
                "status": {"enum": ["ok", "degraded"],
                           "description": "degraded when a CSV differs from submission_meta"},
                "database": {"type": "string"}, "data_dir": {"type": "string"},
                "dataset": {"type": "object", "properties": {"currency": {
                    "type": "string", "description": "ISO 4217 code every amount is in, as the "
                    "generator declared it (unknown for data without a manifest)"}, "as_of": {
                    "type": "string", "description": "the day the data stands at (YYYY-MM-DD): "
                    "an as-of snapshot's day advanced by each batch applied, else the window's "
                    "last day"}}},
                "batches": {"type": "array", "description": "change batches applied since the "
                            "ingest (ingest.py --apply), oldest first",
                            "items": {"type": "object", "properties": {
                                "from": {"type": "string"}, "to": {"type": "string"},
                                "rows": {"type": "integer"}, "inserted": {"type": "integer"}}}},
                "row_counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                "files": {"type": "array", "items": {"type": "object", "properties": {
                    "file": {"type": "string"}, "rows": {"type": "integer"},
                    "sha256": {"type": "string"}}}},
                "csv_matches_meta": {"type": ["boolean", "null"],
                                     "description": "null when there is no data directory"},
                "csv_differences": {"type": "array", "items": {"type": "object", "properties": {
                    "file": {"type": "string"}, "problem": {"enum": ["missing", "changed"]},
                    "recorded_sha256": {"type": "string"}, "sha256": nullable_text}}},
                "message": {"type": "string"}}}


def _table_routes() -> list[Route]:
    """Pages, filters and single rows of the database's tables."""
    r = RESOURCES
    return [
        _list_route(r["users"], "country=Germany&sort=-signup_date&limit=5"),
        _list_route(r["products"], "q=lamp&sort=-price&limit=5"),
        _list_route(r["orders"], "status=delivered&from=2024-01-01&to=2024-12-31&limit=5"),
        _list_route(r["payments"], "method=card&status=failed&limit=5"),
        _list_route(r["reviews"], "rating=5&sort=-review_date&limit=5"),
        _list_route(r["categories"], "sort=name"),
        _detail_route(r["users"]),
        _detail_route(r["products"]),
        _order_detail_route(r["orders"]),
        Route("/api/users/{id}/orders", "list_user_orders", handlers.user_orders,
              "A page of one user's orders", "tables",
              (_id(r["users"]),) + r["orders"].list_params(without=("user_id",)),
              openapi.page_schema(openapi.ref("Order")), _components("orders"),
              example="sort=-order_date", csv=r["orders"].table.column_names),
    ]


def _analytics_routes() -> list[Route]:
    """The named queries of queries/ as JSON: KPIs, revenue, top lists, cohorts."""
    top_customers, top_products = load_query("top_customers"), load_query("top_products")
    daily = load_query("revenue_daily")
    _, kpis_schema = openapi.query_component(handlers.KPIS)
    status_name, status_schema = openapi.query_component(handlers.STATUS_COUNTS)
    summary = {"type": "object", "required": [*handlers.KPIS.column_names, "by_status"],
               "properties": {**kpis_schema["properties"], "by_status": {
                   "type": "array", "items": openapi.ref(status_name)}}}
    return [
        Route("/api/orders/stats/summary", "order_summary", handlers.order_summary,
              "Revenue, orders, customers, average order value and orders per status",
              "analytics", response=summary, schemas={status_name: status_schema}, cached=True,
              description="queries/kpis.sql's figures (revenue orders are paid, shipped or "
                          "delivered) and queries/order_status_counts.sql's rows as by_status."),
        _query_route("/api/analytics/revenue/daily", "revenue_daily", daily,
                     "Revenue per day", (
                         _declared(daily, "from", "first day (inclusive)", "2024-03-01"),
                         _declared(daily, "to", "last day (inclusive)", "2024-03-31")),
                     example="from=2024-03-01&to=2024-03-31"),
        _query_route("/api/analytics/revenue/monthly", "revenue_monthly",
                     load_query("revenue_monthly"), "Revenue per month, running total and change"),
        _query_route("/api/analytics/top-customers", "top_customers", top_customers,
                     "The best customers by spend",
                     (_declared(top_customers, "limit", "how many customers", "5"),),
                     example="limit=5"),
        _query_route("/api/analytics/top-products", "top_products", top_products,
                     "The best-selling products", (
                         _declared(top_products, "limit", "how many products", "5"),
                         _declared(top_products, "by", "rank by revenue or by units sold",
                                   "units")),
                     example="limit=5&by=units"),
        _query_route("/api/analytics/cohort-clv", "cohort_clv", load_query(CLV_QUERY),
                     "Customer lifetime value by signup cohort (the rows of query_result.json)"),
    ]


MAX_SQL = 8000   # characters: the request line is bounded by the server anyway
SQL_DEFAULT = "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY status"


def _sql_route() -> Route:
    """/api/sql: one read-only SELECT of the reader's own (api.console)."""
    params = (Param("sql", "text", "one SELECT or WITH ... SELECT statement; :name "
                    "placeholders take the other query parameters of the same name "
                    "(default: the orders per status)", default=SQL_DEFAULT, maximum=MAX_SQL,
                    example="SELECT status, count(*) AS orders FROM orders GROUP BY status"),
              Param("format", "choice", "json, or csv (the same as /api/sql.csv)",
                    default="json", choices=("json", "csv"), example="json"))
    return Route("/api/sql", "run_sql", handlers.sql_console,
                 "Run one read-only SELECT and get its columns and rows", "sql", params,
                 openapi.SQL_RESULT, example="sql=SELECT+status%2C+count%28%2A%29+AS+orders+"
                 "FROM+orders+WHERE+total_amount+%3E%3D+%3Amin+GROUP+BY+status&min=100",
                 description="The connection is read-only (mode=ro, query_only) and an "
                 "authorizer allows only reading: writes, ATTACH, PRAGMA settings, transactions "
                 "and load_extension are refused with SQLite's message as a 400. A query is "
                 "stopped at the server's time limit (default 1 s, serve_frontend.py "
                 "--sql-time-limit) with a 400; at most --sql-max-rows rows (default 1000) "
                 "are returned, with truncated true when there were more.",
                 csv=(), open_params=True)


def _build() -> dict[str, Route]:
    routes = [
        Route(INDEX, "index", lambda call: openapi.index(call.routes.values()),
              "Every endpoint with an example link (also at /api/); a browser is sent to "
              "/api/docs", "service", response=openapi.INDEX_SCHEMA, database=False,
              etag="body", html_alternative="/api/docs"),
        Route("/api/health", "health", handlers.health, "Database identity, row counts and "
              "whether the CSVs still match it", "service", response=_health_schema(),
              etag="none", cache="no-store"),
        *_table_routes(),
        *_analytics_routes(),
        _sql_route(),
        Route("/api/sql/library", "sql_library", lambda call: library.library(),
              "The tables and columns, and every named query as an example for /api/sql", "sql",
              response=library.LIBRARY_SCHEMA, database=False, etag="body"),
        Route("/api/openapi.json", "openapi", lambda call: openapi.document(call.routes.values()),
              "This API as an OpenAPI 3.1 document", "service",
              response={"type": "object", "description": "OpenAPI 3.1"}, database=False,
              etag="body"),
        Route("/api/docs", "docs", lambda call: openapi.docs_page(call.routes.values()),
              "This API as a page of endpoints with example links", "service",
              response={"type": "string"}, database=False, etag="body", media_type=HTML),
    ]
    return {route.path: route for route in routes}


INDEX = "/api"   # also answers at /api/, the address serve_frontend.py prints
ROUTES: dict[str, Route] = _build()


def match(path: str, routes: dict[str, Any]) -> tuple[Any, dict[str, str]] | None:
    """The route for a decoded path and its path parameters' text, or None."""
    route = routes.get(INDEX if path == INDEX + "/" else path)
    if route is not None:
        return route, {}
    segments = path.split("/")
    for pattern, route in routes.items():
        parts = pattern.split("/")
        if len(parts) != len(segments) or "{" not in pattern:
            continue
        values = {}
        for part, segment in zip(parts, segments):
            if part.startswith("{") and part.endswith("}") and segment:
                values[part[1:-1]] = segment
            elif part != segment:
                break
        else:
            return route, values
    return None
