#!/usr/bin/env python3
"""Serve the dashboard (frontend/), the published artifacts and the read-only JSON API.

Every request path is split into percent-decoded segments, checked for anything
that could name another file (dot segments, encoded separators, backslashes,
NUL, drive letters), matched against the PUBLISHED allow-list, resolved with
symlinks followed, and matched again, so a link cannot lead out of the allowed
set. /api/ is dispatched through API_ROUTES (api/routes.py), over the database
opened read-only; every error is JSON with its status. Request heads are bounded
(line, header and total sizes), so an oversized request gets a JSON 4xx.
"""
from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import logging
import os
import re
import signal
import socket
import socketserver
import sys
import time
from fnmatch import fnmatchcase
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable, Sequence
from urllib.parse import unquote

from api.app import Api, Session
from api.errors import RequestError
from api.routes import ROUTES
from api.spec import Route
from utils import cli
from utils.config import DATA_DIR, DB_PATH, FRONTEND_DIR, ROOT
from utils.errors import KitError

PROG = "serve_frontend.py"
log = logging.getLogger("serve_frontend")

# What may be served: a path relative to --root ('*' matches within one segment) and the
# Cache-Control it is served with. Anything not matched here is 404, whatever exists on disk.
PUBLISHED: dict[str, str] = {
    f"{FRONTEND_DIR.relative_to(ROOT).as_posix()}/*": "no-cache",
    "report.json": "no-store",
    "query_result.json": "no-store",
    "docs/profile.html": "no-cache",
}
FRONTEND_URL = f"/{FRONTEND_DIR.relative_to(ROOT).as_posix()}/"

# Fixed here rather than taken from `mimetypes`, which reads the Windows registry
# (where .js is sometimes text/plain). A suffix missing from this table is not served.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
JSON_TYPE = "application/json; charset=utf-8"   # what the server writes itself: errors, the API

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
# The data profile is one generated page with its CSS inline (style element and attributes)
# and no script at all: it may use inline style, and nothing may run.
PAGE_POLICIES = {
    "docs/profile.html": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                         "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

# Bounds on a request head. http.server alone allows a 64 KiB request line and 100 header
# lines of 64 KiB each; real browsers send a few hundred bytes to a few KiB.
MAX_REQUEST_LINE = 8 * 1024       # longer: 414
MAX_HEADER_LINE = 8 * 1024        # longer: 431
MAX_HEADER_BYTES = 32 * 1024      # all header lines together; more: 431 (over 100 lines: 431 too)
# Error codes for what http.server itself refuses; fixed here because HTTPStatus phrases
# change between Python versions (414 is "Request-URI Too Long" before 3.13, then "URI Too Long").
HTTP_ERROR_CODES = {400: "bad_request", 408: "request_timeout", 414: "uri_too_long",
                    431: "headers_too_large", 501: "not_implemented",
                    505: "http_version_not_supported"}
# After refusing a request whose rest is unread, read and discard at most this much of it
# before closing: closing with unread input sends a reset, which can destroy the answer.
LINGER_SECONDS, LINGER_BYTES = 1.0, 1 << 20


def is_loopback_name(host: str) -> bool:
    """Whether a Host header value (with or without port) names this machine's loopback."""
    name = host if host.endswith("]") else host.rsplit(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def not_found(path: str) -> RequestError:
    return RequestError(HTTPStatus.NOT_FOUND, "not_found", f"nothing is published at {path}")


# The read-only JSON API: URL path pattern -> Route (handler, parameters, response schema).
# The same table produces /api/openapi.json; anything under /api/ not matched here is a JSON 404.
API_ROUTES: dict[str, Route] = ROUTES


def split_path(target: str) -> list[str]:
    """The request target's path as decoded segments ('' last for a trailing slash).

    Raises a 400 for anything that could address a file other than by plain names:
    absolute-form targets, empty or dot segments, and segments whose decoded text
    holds a separator, a drive colon, a control character or invalid UTF-8.
    """
    if not target.startswith("/"):
        raise RequestError(HTTPStatus.BAD_REQUEST, "bad_path", "the request path must start with /")
    raw = target.split("?", 1)[0].split("#", 1)[0]
    parts = raw[1:].split("/")
    segments = []
    for i, part in enumerate(parts):
        try:
            name = unquote(part, errors="strict")
        except UnicodeDecodeError:
            name = "\0"
        if (name in (".", "..") or (name == "" and i < len(parts) - 1)
                or any(c in "/\\:" or ord(c) < 32 or ord(c) == 127 for c in name)):
            raise RequestError(HTTPStatus.BAD_REQUEST, "bad_path",
                               f"the request path {raw[:200]!r} is not a plain file path")
        segments.append(name)
    return segments


def cache_policy(parts: Sequence[str]) -> str | None:
    """The Cache-Control for a root-relative path the allow-list publishes, else None."""
    if not parts or any(p.startswith(".") for p in parts):
        return None
    if PurePosixPath(parts[-1]).suffix not in CONTENT_TYPES:
        return None
    for pattern, cache in PUBLISHED.items():
        pattern_parts = pattern.split("/")
        if len(pattern_parts) == len(parts) and all(
                fnmatchcase(part, pat) for part, pat in zip(parts, pattern_parts)):
            return cache
    return None


class _HeadTooLarge(http.client.LineTooLong):
    """Raised while reading headers; http.server answers LineTooLong with a 431."""

    def __init__(self, message: str) -> None:
        http.client.HTTPException.__init__(self, message)


class _BoundedHead:
    """The request stream while http.server reads the headers, with a budget of bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.left = stream, MAX_HEADER_BYTES

    def readline(self, size: int = -1) -> bytes:
        limit = min(MAX_HEADER_LINE, self.left) + 1
        line = self.stream.readline(limit if size < 0 else min(size, limit))
        if len(line) > MAX_HEADER_LINE:
            raise _HeadTooLarge(f"a header line is longer than {MAX_HEADER_LINE} bytes")
        self.left -= len(line)
        if self.left < 0:
            raise _HeadTooLarge(f"the headers are larger than {MAX_HEADER_BYTES} bytes in all")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def locate(root: Path, segments: list[str]) -> tuple[Path, str]:
    """The file a path names, and its Cache-Control; 404 unless it and its real path are published.

    ``root`` must already be resolved. Checking the resolved path again is what stops a
    symlink inside frontend/ from reaching the database, a CSV or a file outside the tree.
    """
    url = "/" + "/".join(segments)
    parts = segments[:-1] + ["index.html"] if segments[-1] == "" else segments
    if cache_policy(parts) is None:
        raise not_found(url)
    try:
        real = root.joinpath(*parts).resolve()
        real_parts = real.relative_to(root).parts
    except (OSError, ValueError, RuntimeError):  # RuntimeError: symlink loop on Python < 3.13
        raise not_found(url) from None
    cache = cache_policy(real_parts)
    if cache is None or not real.is_file():
        raise not_found(url)
    return real, cache


class DashboardHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the allow-listed files and the /api/ route table; JSON errors for the rest."""

    server: DashboardServer
    protocol_version = "HTTP/1.1"     # keep-alive: the page's three requests share a connection
    disable_nagle_algorithm = True    # else ~40 ms per keep-alive response (Nagle + delayed ACK)
    server_version = "ecommerce-kit"

    def version_string(self) -> str:
        return self.server_version  # not the Python version: nothing a client needs

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # a silent client frees its thread after this
        self.api_session = Session()                # this connection's own read-only database handle
        self.linger = False                         # set when refusing a request that has unread input
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
            if self.linger:
                self._drain()
        finally:
            self.api_session.close()

    def _drain(self) -> None:
        """Send FIN, then discard what the client still sends (bounded), then let it close."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            left = LINGER_BYTES
            while left > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.connection.settimeout(remaining)
                chunk = self.connection.recv(min(65536, left))
                if not chunk:
                    break
                left -= len(chunk)

    def parse_request(self) -> bool:
        """http.server's parsing, with the request line and the headers bounded in size."""
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline, self.request_version, self.command = "", "", ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG,
                            f"the request line is longer than {MAX_REQUEST_LINE} bytes")
            return False
        stream, self.rfile = self.rfile, _BoundedHead(self.rfile)  # type: ignore[assignment]
        try:
            return super().parse_request()
        finally:
            self.rfile = stream

    def do_GET(self) -> None:
        if self.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = self.linger = True  # a body is never read: it must not pose
            #                                           # as the next request, nor reset the answer
        try:
            self._check_host()
            segments = split_path(self.path)
            if segments[0] == "api":
                self._api("/" + "/".join(segments))
            else:
                self._static(segments)
        except RequestError as exc:
            self._send_error(exc)
        except (ConnectionError, socket.timeout):
            self.close_connection = True  # the client left or stalled mid-response: nobody to tell
        except Exception:  # a bug: log it, answer 500, never send a traceback to the client
            log.exception("error handling %s", self.requestline)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send_error(RequestError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error",
                                              "the server failed to handle this request"))

    do_HEAD = do_GET  # _send leaves the body out for HEAD

    def _method_not_allowed(self) -> None:
        self.close_connection = True  # an unread request body would corrupt the next request
        self._send_error(RequestError(HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                                      f"{self.command} is not supported; use GET or HEAD"),
                         {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _method_not_allowed

    def _check_host(self) -> None:
        """On a loopback-only server, refuse foreign Host names: DNS-rebinding protection."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            raise RequestError(HTTPStatus.BAD_REQUEST, "bad_host", "more than one Host header")
        host = hosts[0].strip().lower() if hosts else ""
        if self.server.loopback_only and host and not is_loopback_name(host):
            raise RequestError(HTTPStatus.BAD_REQUEST, "bad_host",
                               f"Host {host[:100]!r} is not served by this loopback-only server")

    def _api(self, path: str) -> None:
        query = self.path.partition("?")[2].partition("#")[0]
        response = self.server.api.respond(path, query, self.headers.get("If-None-Match"),
                                           self.api_session, self.headers.get("Accept"))
        self._send(response.status, response.body, response.media_type, response.headers)

    def _static(self, segments: list[str]) -> None:
        if segments == [""]:
            self._redirect(HTTPStatus.FOUND, FRONTEND_URL)
            return
        root = self.server.root
        if segments[-1] != "" and root.joinpath(*segments).is_dir():
            try:
                locate(root, segments + [""])
            except RequestError:
                raise not_found("/" + "/".join(segments)) from None
            self._redirect(HTTPStatus.MOVED_PERMANENTLY, "/" + "/".join(segments) + "/")
            return
        path, cache = locate(root, segments)
        try:
            body = path.read_bytes()
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
            raise not_found("/" + "/".join(segments)) from None
        headers = {"Cache-Control": cache}
        policy = PAGE_POLICIES.get(path.relative_to(root).as_posix())
        if policy:
            headers["Content-Security-Policy"] = policy
        self._send(HTTPStatus.OK, body, CONTENT_TYPES[path.suffix], headers)

    def _redirect(self, status: HTTPStatus, location: str) -> None:
        self._send(status, b"", "text/plain; charset=utf-8", {"Location": location})

    def _send_error(self, error: RequestError, extra: dict[str, str] | None = None) -> None:
        self.linger = self.close_connection  # the request may have more bytes we never read
        body = json.dumps(error.as_json()).encode() + b"\n"
        self._send(error.status, body, JSON_TYPE, {"Cache-Control": "no-store", **(extra or {})})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, header too long...) as JSON too."""
        status = HTTPStatus(code)
        self.close_connection = True
        text = message or status.description
        if explain and code == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
            text = f"{text}: {explain}"  # which limit: too many headers, or too large
        error_code = HTTP_ERROR_CODES.get(code) or re.sub(r"[^a-z0-9]+", "_", status.phrase.lower())
        self._send_error(RequestError(status, error_code, text))

    def _send(self, status: HTTPStatus, body: bytes, content_type: str,
              headers: dict[str, str]) -> None:
        self.send_response(status)
        entity = {} if status == HTTPStatus.NOT_MODIFIED else {
            "Content-Type": content_type, "Content-Length": str(len(body))}
        for name, value in {**entity, **SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if not self.server.quiet:
            log.info("%s - [%s] %s", self.address_string(), self.log_date_time_string(),
                     format % args)


class DashboardServer(ThreadingHTTPServer):
    """A thread per connection, so a slow client does not hold up the others."""

    daemon_threads = True
    request_queue_size = 64  # socketserver's 5 drops a burst of connections (1 s SYN retry)
    # On Windows SO_REUSEADDR lets a second server bind a port already in use; ask for
    # exclusive use there instead, so "port in use" is reported on every platform.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address: tuple[str, int], root: Path, quiet: bool,
                 request_timeout: float, api: Api) -> None:
        self.root, self.quiet, self.request_timeout, self.api = root, quiet, request_timeout, api
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, DashboardHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a reverse DNS lookup that
        # can take seconds on some machines; nothing here needs the fully qualified name.
        if os.name == "nt" and hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        if self.address_family == socket.AF_INET6 and hasattr(socket, "IPV6_V6ONLY"):
            with contextlib.suppress(OSError):  # '::' serves IPv4 too, as http.server's does
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request is routine; anything else gets the full traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            log.debug("connection from %s dropped: %s", client_address[0], sys.exc_info()[1])
            return
        super().handle_error(request, client_address)

    @property
    def loopback_only(self) -> bool:
        try:
            return ipaddress.ip_address(self.server_address[0]).is_loopback
        except ValueError:
            return False

    @property
    def url(self) -> str:
        """The dashboard's address as a browser on this machine opens it."""
        return f"{self.origins[0]}{FRONTEND_URL}"

    @property
    def origins(self) -> list[str]:
        """http://host:port for each address a browser can open, this machine's first.

        A wildcard address (0.0.0.0, ::) is where the server listens, not an address a
        browser can open: it is shown as the loopback address, and as this machine's
        address on the network when that is known.
        """
        host, port = self.server_address[:2]
        if not ipaddress.ip_address(host).is_unspecified:
            return [f"http://{_url_host(host)}:{port}"]
        hosts = [self._loopback()]
        outward = outward_address(socket.AF_INET if hosts[0] == "127.0.0.1" else socket.AF_INET6)
        if outward is not None:
            hosts.append(outward)
        return [f"http://{_url_host(h)}:{port}" for h in hosts]

    def _loopback(self) -> str:
        """127.0.0.1 unless the server listens on IPv6 only."""
        if self.address_family != socket.AF_INET6:
            return "127.0.0.1"
        try:
            v6only = self.socket.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
        except (OSError, AttributeError):
            v6only = 1
        return "::1" if v6only else "127.0.0.1"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def outward_address(family: int) -> str | None:
    """This machine's address on its default route, or None (no route, or loopback only).

    Connecting a UDP socket sends nothing: the kernel only picks the route and the local
    address for it. No DNS lookup (gethostbyname(gethostname()) can take seconds, and
    often answers 127.0.1.1). The target is a documentation address (RFC 5737, 3849).
    """
    target = "192.0.2.1" if family == socket.AF_INET else "2001:db8::1"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    return None if ip.is_loopback or ip.is_unspecified or ip.is_link_local else str(ip)


def make_server(host: str = "127.0.0.1", port: int = 8000, root: Path = ROOT,
                quiet: bool = False, request_timeout: float = 10.0, db_path: Path | None = None,
                data_dir: Path | None = None) -> DashboardServer:
    """A bound, listening server for ``root`` (not yet serving); port 0 picks a free port.

    The API reads ``db_path`` (default: db/ecommerce.db under ``root``) and compares it with
    the CSVs in ``data_dir`` (default: data/ under ``root``). Neither has to exist yet: until
    the database does, the API answers 503 and the dashboard says so.
    """
    root = Path(root).resolve()
    index = root / FRONTEND_DIR.relative_to(ROOT) / "index.html"
    if not index.is_file():
        raise KitError(f"no dashboard at {index}; is --root the repository?")
    api = Api(Path(db_path) if db_path else root / DB_PATH.relative_to(ROOT),
              Path(data_dir) if data_dir else root / DATA_DIR.relative_to(ROOT), root, API_ROUTES)
    try:
        return DashboardServer((host, port), root, quiet, request_timeout, api)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = " (another server is running there? try --port 0)" if port else ""
        raise KitError(f"cannot listen on {host}:{port}: {reason}{hint}") from None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(server: DashboardServer, announce: Callable[[], None]) -> None:
    """Announce, then serve until Ctrl-C (SIGINT) or SIGTERM; either ends the process cleanly.

    The handlers are set explicitly: a process started from a background job inherits an
    ignored SIGINT, and a supervisor stops services with SIGTERM. They are set before the
    announcement, so a signal sent as soon as the URL is printed still ends cleanly.
    """
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        announce()
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def port_arg(text: str) -> int:
    port = cli.int_arg(text)
    if not 0 <= port <= 65535:
        raise cli.argparse.ArgumentTypeError(f"must be 0-65535, got {text!r}")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on; 0.0.0.0 exposes the dashboard to the network")
    parser.add_argument("--port", type=port_arg, default=8000, help="TCP port; 0 picks a free one")
    parser.add_argument("--root", type=cli.path_arg, default=None,
                        help="repository whose frontend/ and report files are served "
                             "(default: the one this script is in, whatever the working directory)")
    parser.add_argument("--db", type=cli.path_arg, default=None,
                        help="SQLite database the /api/ endpoints read, opened read-only "
                             "(default: db/ecommerce.db under --root)")
    parser.add_argument("--data-dir", type=cli.path_arg, default=None,
                        help="CSV directory /api/health compares with the SHA-256s recorded "
                             "in the database (default: data/ under --root)")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        with make_server(args.host, args.port, root=args.root or ROOT, quiet=args.quiet,
                         db_path=args.db, data_dir=args.data_dir) as server:
            def announce() -> None:
                local, *network = server.origins
                print(f"Server running at {local}{FRONTEND_URL}", flush=True)
                if network:
                    print(f"From other machines (listening on {args.host}): "
                          f"{', '.join(o + FRONTEND_URL for o in network)}", flush=True)
                print(f"API: {local}/api/ (documented at {local}/api/docs)", flush=True)
            serve_until_stopped(server, announce)
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
