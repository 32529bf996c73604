"""The OpenAPI 3.1 document and the /api/docs page, both generated from the route table.

Nothing here lists endpoints: every path, parameter and response schema comes from the
``Route`` objects the server dispatches on, so the document cannot miss a route.
"""
from __future__ import annotations

import html
from typing import Any, Iterable
from urllib.parse import quote

from api.dataset import API_VERSION
from api.spec import Route
from queries.runner import Query
from utils.config import KIT_NAME

TITLE = f"{KIT_NAME} read-only API"
TAGS = {
    "service": "Health of the server and its data, and this documentation.",
    "tables": "The tables of db/schema.sql: paginated lists with filters and sorting, and "
              "single rows.",
    "analytics": "Named queries of queries/, the same SQL the report runs.",
    "sql": "Your own read-only SELECT over the same database, bounded in time and rows.",
}
CSV_NOTE = ("a header of column names, then one line per row; money with two decimals, "
            "NULL as an empty field")
SQL_RESULT = {
    "type": "object", "required": ["columns", "rows", "truncated", "elapsed_ms"],
    "properties": {
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": {"type": "array", "description": "one value per "
                 "column: number, text, null (a BLOB as hex text)"}},
        "truncated": {"type": "boolean", "description": "more rows matched than the cap"},
        "elapsed_ms": {"type": "number", "description": "time SQLite spent, in milliseconds"}}}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "machine-readable: bad_parameter, "
                     "not_found, method_not_allowed, no_database, ..."},
            "message": {"type": "string", "description": "one line; names the offending "
                        "parameter, id or file"}}}}}
ERRORS = {
    "400": "A parameter is unknown, repeated or invalid; the message names it.",
    "404": "No such row, or no such endpoint.",
    "503": "No usable database yet: run python project/run_all.py.",
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_schema(item: dict[str, Any]) -> dict[str, Any]:
    """A page of a list: the rows, the total the filters match, and the next page's URL."""
    return {
        "type": "object", "required": ["items", "total", "limit", "offset", "next"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer", "minimum": 0, "description": "rows the filters match"},
            "limit": {"type": "integer"},
            "offset": {"type": ["integer", "null"], "description": "the offset asked for; "
                       "null on a page reached by after="},
            "next": {"type": ["string", "null"], "description": "this query continuing after "
                     "this page's last row (after=, keyset paging: no OFFSET scan), as a "
                     "path; also sent as a Link header; null on the last page"}}}


_QUERY_TYPES = {"integer": "integer", "real": "number", "text": "string"}


def query_component(query: Query) -> tuple[str, dict[str, Any]]:
    """The row schema of a named query, from its header (a column may be null)."""
    properties = {}
    for name, kind, places in query.columns:
        schema: dict[str, Any] = {"type": [_QUERY_TYPES.get(kind, "number"), "null"]}
        if kind == "decimal":
            schema["multipleOf"] = float(10 ** -(places or 0))
        properties[name] = schema
    component = "".join(part.capitalize() for part in query.name.split("_")) + "Row"
    return component, {"type": "object", "description": query.question,
                       "properties": properties, "required": query.column_names}


def query_result_schema(component: str, query: Query) -> dict[str, Any]:
    return {"type": "object", "required": ["query", "columns", "rows"],
            "description": f"queries/{query.path.name}: {query.question}",
            "properties": {"query": {"const": query.name},
                           "columns": {"type": "array", "items": {"type": "string"}},
                           "rows": {"type": "array", "items": ref(component)}}}


def example_path(route: Route) -> str:
    """The route's path with its path parameters' examples filled in."""
    path = route.path
    for param in route.params:
        if param.location == "path":
            path = path.replace("{" + param.name + "}", quote(str(param.example), safe=""))
    return path


def example_url(route: Route) -> str:
    return example_path(route) + (f"?{route.example}" if route.example else "")


INDEX_SCHEMA = {
    "type": "object", "required": ["title", "version", "docs", "openapi", "endpoints"],
    "properties": {
        "title": {"type": "string"}, "version": {"type": "string"},
        "docs": {"type": "string", "description": "this list as a page, with each parameter"},
        "openapi": {"type": "string", "description": "the OpenAPI 3.1 document"},
        "dashboard": {"type": "string"},
        "endpoints": {"type": "array", "items": {
            "type": "object", "required": ["path", "summary", "tag", "example"],
            "properties": {"path": {"type": "string"}, "summary": {"type": "string"},
                           "tag": {"enum": list(TAGS)},
                           "example": {"type": "string",
                                       "description": "a working request to this endpoint"}}}}}}


def index(routes: Iterable[Route]) -> dict[str, Any]:
    """What /api/ answers: every endpoint of the route table with an example link."""
    return {"title": TITLE, "version": API_VERSION, "docs": "/api/docs",
            "openapi": "/api/openapi.json", "dashboard": "/frontend/",
            "endpoints": [{"path": r.path, "summary": r.summary, "tag": r.tag,
                           "example": example_url(r)} for r in routes]}


def document(routes: Iterable[Route]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for route in routes:
        paths[route.path] = {"get": _operation(route)}
        schemas.update(route.schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": API_VERSION, "description": (
            "Read-only JSON over the SQLite database the kit builds, served by "
            "serve_frontend.py. Every endpoint answers GET and HEAD; other methods get 405. "
            "Money is a number with two decimals, in the currency /api/health names "
            "(dataset.currency); times are ISO 8601 local times. "
            "Responses carry an ETag derived from the dataset; send it back in "
            "If-None-Match to get 304.")},
        "servers": [{"url": "/"}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": {code: {"description": text, "content": {
                "application/json": {"schema": ref("Error")}}} for code, text in ERRORS.items()},
        },
    }


def _operation(route: Route) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": route.summary,
                          "content": {route.media_type.split(";")[0]: {"schema": route.response}}}
    if route.csv is not None:
        ok["content"]["text/csv"] = {"schema": {"type": "string", "description": CSV_NOTE}}
    if route.etag != "none":
        ok["headers"] = {"ETag": {"schema": {"type": "string"}, "description":
                                  "send it back in If-None-Match to get 304 while it is current"}}
    responses: dict[str, Any] = {"200": ok}
    if route.html_alternative:
        responses["303"] = {
            "description": f"A client that ranks text/html above application/json in Accept "
                           f"(a browser) is redirected to {route.html_alternative}.",
            "headers": {"Location": {"schema": {"const": route.html_alternative}}}}
    if route.etag != "none":
        responses["304"] = {"description": "Not modified: the ETag in If-None-Match is current."}
    responses["400"] = {"$ref": "#/components/responses/400"}
    if any(p.location == "path" for p in route.params):
        responses["404"] = {"$ref": "#/components/responses/404"}
    if route.database:
        responses["503"] = {"$ref": "#/components/responses/503"}
    operation = {"operationId": route.name, "summary": route.summary, "tags": [route.tag],
                 "parameters": [p.openapi() for p in route.params], "responses": responses}
    description = " ".join(filter(None, (route.description, _csv_text(route))))
    if description:
        operation["description"] = description
    return operation


def _csv_text(route: Route) -> str:
    return "" if route.csv is None else \
        f"The same as CSV at {route.path}.csv (or with format=csv): {CSV_NOTE}."


def docs_page(routes: Iterable[Route]) -> str:
    """A static page listing every endpoint with its parameters and an example link.

    No script and no inline style, so it works under the server's Content-Security-Policy.
    """
    routes = list(routes)
    e = html.escape
    sections = []
    for tag, text in TAGS.items():
        items = [_endpoint_html(route) for route in routes if route.tag == tag]
        sections.append(f"<section class=\"panel\" id=\"{e(tag)}\"><div class=\"panel-head\">"
                        f"<h2>{e(tag.capitalize())}</h2><p class=\"panel-note\">{e(text)}</p>"
                        f"</div>\n{''.join(items)}</section>\n")
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <title>{e(TITLE)}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/frontend/style.css">
</head>
<body class="api-docs">
  <header class="site-header">
    <div class="wrap">
      <p class="eyebrow">{e(KIT_NAME)}</p>
      <h1>Read-only JSON API</h1>
      <p class="lede">Every endpoint answers GET and HEAD from the database opened read-only.
        Errors are JSON <code>{{"error": {{"code", "message"}}}}</code> with their HTTP status:
        400 for a bad parameter, 404 for an unknown id or path, 405 for other methods, 503
        without a database. Lists take <code>limit</code>, <code>offset</code> and
        <code>sort</code> (<code>-</code> for descending) and answer
        <code>{{"items", "total", "limit", "offset", "next"}}</code>.</p>
      <p class="header-links"><a href="/api/openapi.json">OpenAPI 3.1 document</a>
        <a href="/frontend/">Dashboard</a></p>
    </div>
  </header>
  <main class="wrap">
    {"".join(sections)}
  </main>
</body>
</html>
"""


def _endpoint_html(route: Route) -> str:
    """One endpoint of the docs page: method, path, summary, example link, parameters."""
    e = html.escape
    url = example_url(route)
    note = f'<p class="muted">{e(route.description)}</p>' if route.description else ""
    if route.csv is not None:
        csv_url = example_path(route) + ".csv" + (f"?{route.example}" if route.example else "")
        note += (f'<p class="example">As CSV: <a href="{e(csv_url)}"><code>{e(csv_url)}'
                 f'</code></a> (or <code>format=csv</code>)</p>')
    rows = "".join(
        f"<tr><th scope=\"row\"><code>{e(p.name)}</code></th><td>{e(p.location)}</td>"
        f"<td>{e(_values_text(p))}</td><td>{e(p.description)}</td></tr>"
        for p in route.params)
    table = (f"<div class=\"table-scroll\"><table class=\"data-table compact\"><thead><tr>"
             f"<th scope=\"col\">Parameter</th><th scope=\"col\">In</th>"
             f"<th scope=\"col\">Values</th><th scope=\"col\">Meaning</th></tr></thead>"
             f"<tbody>{rows}</tbody></table></div>") if rows else ""
    return (f"<article class=\"endpoint\" id=\"{e(route.name)}\"><h3><span class=\"method\">GET"
            f"</span> <code>{e(route.path)}</code></h3><p>{e(route.summary)}.</p>"
            f"{note}"
            f"<p class=\"example\">Example: <a href=\"{e(url)}\"><code>{e(url)}</code></a></p>"
            f"{table}</article>\n")


def _values_text(param: Any) -> str:
    """What a parameter accepts, in words, for the docs page."""
    schema = param.schema()
    if param.kind == "sort":
        text = f"{', '.join(param.choices)}; prefix - for descending"
    elif "enum" in schema:
        text = " | ".join(str(v) for v in schema["enum"])
    elif schema.get("format") == "date":
        text = "date YYYY-MM-DD"
    elif "pattern" in schema:
        text = "amount, e.g. 19.99"
    elif schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        text = f"integer {low}-{high}" if low is not None and high is not None and high < 2**31 \
            else f"integer \u2265 {low}" if low is not None else "integer"
    else:
        text = "text"
    return text + (f" (default {schema['default']})" if "default" in schema else "")
