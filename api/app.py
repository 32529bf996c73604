"""The API as a function of a request: route, parameters, ETag, handler, encoded body.

``Api.respond`` knows nothing of sockets: the server passes the decoded path, the raw
query string, the If-None-Match header and the connection's ``Session``, and sends the
``Response`` back. Failures are ``RequestError``s, which the server turns into JSON.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import threading
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from api.cache import BodyCache
from api.console import Limits
from api.dataset import Database, DataDirs, Snapshot
from api.http_errors import RequestError, bad_parameter, not_found
from api.handlers import Call
from api.routes import ROUTES, match
from api.spec import Route
from queries.params import MAX_QUERY_FIELDS, ParamError, parse_query
from api.tables import SCHEMA
from api.encode import api_json

log = logging.getLogger(__name__)
CSV = "text/csv; charset=utf-8"
GZIP_TAG = "-gzip"   # the server marks a gzipped body's ETag so; either form matches the data


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    body: bytes                 # empty for 304
    media_type: str
    headers: dict[str, str]


class Session:
    """What one HTTP connection keeps between its requests: its own read-only snapshot."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None

    def close(self) -> None:
        if self.snapshot is not None:
            self.snapshot.close()
            self.snapshot = None


class Api:
    def __init__(self, db_path: Path, data_dir: DataDirs, root: Path,
                 routes: dict[str, Route] | None = None, sql_limits: Limits | None = None) -> None:
        self.database = Database(db_path, data_dir, root, SCHEMA, sql_limits)
        self.routes = ROUTES if routes is None else routes
        self.cache = BodyCache()
        self.warmed = threading.Event()   # set when warm() has finished (or given up)

    def respond(self, path: str, query: str, if_none_match: str | None,
                session: Session, accept: str | None = None) -> Response:
        route, path_values, as_csv = self._route(path)
        if route.html_alternative:
            if prefers_html(accept):
                return Response(HTTPStatus.SEE_OTHER, b"", "text/plain; charset=utf-8",
                                {"Location": route.html_alternative, "Vary": "Accept",
                                 "Cache-Control": route.cache})
        pairs = _pairs(query)
        if route.csv is not None and ("format", "csv") in pairs:
            as_csv = True
        params = _parse(route, path_values, pairs, path)
        if route.database:
            try:
                session.snapshot = self.database.snapshot(session.snapshot)
            except RequestError:
                session.snapshot = None
                raise
        headers = {"Cache-Control": route.cache}
        if route.html_alternative:
            headers["Vary"] = "Accept"
        etag = None
        if route.etag == "dataset":
            assert session.snapshot is not None
            # analytics key on their parsed values, which leave out format=: say it here
            etag = _etag(session.snapshot.fingerprint, path,
                         _normalized(params) + ("&format=csv" if as_csv else "")
                         if route.tag == "analytics" else query)
            if etag_matches(if_none_match, etag):
                return _not_modified(route, headers, etag)

        def compute() -> tuple[bytes, str]:
            value = route.handler(Call(params, session.snapshot if route.database else None,
                                       self.database, path, tuple(pairs), self.routes))
            following = (value.get("next") or "") if isinstance(value, dict) else ""
            return (to_csv(value, route.csv) if as_csv else _encode(value)), following
        if route.cached and etag is not None:
            body, following = self.cache.get_or_compute(etag, compute)
        else:
            body, following = compute()
        if route.etag == "body":
            etag = _etag(hashlib.sha256(body).hexdigest())
            if etag_matches(if_none_match, etag):
                return _not_modified(route, headers, etag)
        if etag is not None:
            headers["ETag"] = etag
        if following:  # a page's next page, also for CSV, whose body has no "next"
            headers["Link"] = f'<{following}>; rel="next"'
        return Response(HTTPStatus.OK, body, CSV if as_csv else route.media_type, headers)

    def warm(self) -> None:
        """Compute what the first requests would: the health comparison (hashing the CSVs),
        every cached aggregate (at its defaults, its documented example and each choice of
        its choice parameters) and each list's first page, default and example.

        Run in the background when the server starts; a client that arrives meanwhile
        waits for the same single computation (``BodyCache``), not a second one.
        """
        session = Session()
        try:
            # health (the CSV hashes), then the aggregates (seconds each at scale 100), then
            # the lists' first pages and totals (a fraction of a second each)
            order = {"service": 0, "analytics": 1}
            for route in sorted(self.routes.values(), key=lambda r: order.get(r.tag, 2)):
                if route.name == "health" or (route.cached and "{" not in route.path):
                    for query in _warm_queries(route):
                        self.respond(route.path, query, None, session)
        except Exception as exc:  # no database yet, a replaced one, data being generated: the
            log.info("not warmed: %s", exc)  # first request computes it and reports any error
        finally:
            session.close()
            self.warmed.set()

    def _route(self, path: str) -> tuple[Route, dict[str, str], bool]:
        """The route of a path, its path parameters, and whether PATH.csv asked for CSV."""
        found = match(path, self.routes)
        if found is None and path.endswith(".csv"):
            found = match(path[:-len(".csv")], self.routes)
            if found is not None and found[0].csv is not None:
                return found[0], found[1], True
            found = None
        if found is None:
            raise not_found(f"no API endpoint at {path[:200]}; see /api/ or /api/docs")
        return found[0], found[1], False


def _warm_queries(route: Route) -> list[str]:
    """The defaults and the documented example; for analytics also each choice of a
    choice parameter, at the defaults and at the example's other values."""
    queries = ["", route.example]
    if route.tag == "analytics":
        example = parse_qsl(route.example)
        for param in route.params:
            if param.kind == "choice":
                for choice in param.choices:
                    queries.append(f"{param.name}={choice}")
                    queries.append(urlencode([(k, v) for k, v in example if k != param.name]
                                             + [(param.name, choice)]))
    return list(dict.fromkeys(queries))


def _parse(route: Route, path_values: dict[str, str], pairs: list[tuple[str, str]],
           path: str) -> dict[str, Any]:
    """The route's parameters, parsed as run_query.py --param parses them (same messages)."""
    declared = [p for p in route.params if p.location == "query"]
    if route.csv is not None:   # format=csv|json chooses the encoding, on any CSV-able route
        declared_names = {p.name for p in declared}
        pairs = [(k, v) for k, v in pairs if k != "format" or "format" in declared_names]
    if route.open_params:
        names = {p.name for p in declared}
        pairs = [(k, v) for k, v in pairs if k in names]
    try:
        params = {p.name: p.parse(path_values[p.name])
                  for p in route.params if p.location == "path"}
        params.update(parse_query(declared, pairs, path))
    except ParamError as exc:
        raise bad_parameter(str(exc)) from None
    return params


def _normalized(params: dict[str, Any]) -> str:
    """The parsed values as one text: an analytics body depends on nothing else, so
    ?limit=5, ?limit=05 and ?by=revenue&limit=5 share one ETag and one cached body (a
    list's does: its next link repeats the query as given)."""
    return "&".join(f"{name}={params[name]!r}" for name in sorted(params))


def prefers_html(accept: str | None) -> bool:
    """Whether an Accept header ranks text/html above application/json.

    A browser's does (text/html, then */*;q=0.8); curl's */* and a missing header do not,
    so scripts get JSON by default.
    """
    ranks: dict[str, float] = {}
    for item in (accept or "").lower().split(","):
        media, *options = [part.strip() for part in item.split(";")]
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranks[media] = max(quality, ranks.get(media, 0.0))

    def rank(media: str) -> float:
        for key in (media, media.split("/")[0] + "/*", "*/*"):
            if key in ranks:
                return ranks[key]
        return 0.0
    return rank("text/html") > rank("application/json")


def _pairs(query: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query, keep_blank_values=True, errors="strict",
                         max_num_fields=MAX_QUERY_FIELDS)
    except UnicodeDecodeError:
        raise bad_parameter("the query string is not valid UTF-8 once percent-decoded") from None
    except ValueError:
        raise bad_parameter(f"the query string has more than {MAX_QUERY_FIELDS} parameters") from None


def to_csv(value: Any, columns: tuple[str, ...] | None) -> bytes:
    """A list, a query's rows or a console result as CSV: a header, then one line per row.

    The columns are the route's (a list's table, a query's header), or the body's own
    ``columns`` for /api/sql; money keeps its two decimals, NULL is an empty field.
    """
    names = list(value["columns"]) if "columns" in value else list(columns or ())
    rows = value["rows"] if "rows" in value else value["items"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        cells = [row[n] for n in names] if isinstance(row, dict) else row
        writer.writerow(["" if v is None else format(v, "f") if isinstance(v, Decimal) else v
                         for v in cells])
    return out.getvalue().encode("utf-8")


def _encode(value: Any) -> bytes:
    """Bytes as they are (a handler's own cached body), text as it is (the docs page),
    anything else as JSON with exact Decimals."""
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else api_json(value)).encode("utf-8")


def _etag(*parts: str) -> str:
    return '"' + hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: any listed tag, with or without W/, or *."""
    if not if_none_match:
        return False
    tags = [t.strip().replace(GZIP_TAG + '"', '"') for t in if_none_match.split(",")]
    return "*" in tags or any((t[2:] if t.startswith("W/") else t) == etag for t in tags)


def _not_modified(route: Route, headers: dict[str, str], etag: str) -> Response:
    return Response(HTTPStatus.NOT_MODIFIED, b"", route.media_type, {**headers, "ETag": etag})
