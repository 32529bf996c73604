"""One connection's requests: GET/HEAD of the allow-listed files and of /api/, JSON errors
for everything else, and the request head bounded in size (``hardening``)."""
from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Protocol

from api.app import Api, Session, etag_matches
from api.http_errors import RequestError
from server.compress import negotiate
from server.hardening import (HTTP_ERROR_CODES, LINGER_BYTES, LINGER_SECONDS, MAX_REQUEST_LINE,
                              BoundedHead, is_loopback_name)
from server.files import StaticFiles
from server.static import FRONTEND_URL, JSON_TYPE, SECURITY_HEADERS, locate, split_path, unpublished

log = logging.getLogger(__name__)


class Settings(Protocol):
    """What a handler reads from its server (server.serve.DashboardServer)."""

    root: Path
    quiet: bool
    request_timeout: float
    api: Api
    files: StaticFiles
    loopback_only: bool


class DashboardHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the allow-listed files and the /api/ route table; JSON errors for the rest."""

    server: Settings  # type: ignore[assignment]
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
        stream, self.rfile = self.rfile, BoundedHead(self.rfile)  # type: ignore[assignment]
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
        if segments[-1] != "" and not self.server.files.known(segments) \
                and root.joinpath(*segments).is_dir():
            try:
                locate(root, segments + [""])
            except RequestError:
                raise unpublished("/" + "/".join(segments)) from None
            self._redirect(HTTPStatus.MOVED_PERMANENTLY, "/" + "/".join(segments) + "/")
            return
        try:
            found = self.server.files.get(segments)
        except OSError as exc:
            log.warning("cannot read %s: %s", "/".join(segments), exc)
            raise unpublished("/" + "/".join(segments)) from None
        if etag_matches(self.headers.get("If-None-Match"), found.headers["ETag"]):
            headers = {k: v for k, v in found.headers.items() if k != "Content-Security-Policy"}
            self._send(HTTPStatus.NOT_MODIFIED, b"", found.content_type, headers)
            return
        self._send(HTTPStatus.OK, found.body, found.content_type, found.headers)

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
        if status in (HTTPStatus.OK, HTTPStatus.NOT_MODIFIED):
            request = getattr(self, "headers", None)
            body, headers = negotiate(
                body, content_type, headers, request and request.get("Accept-Encoding"),
                request and request.get("If-None-Match"), status == HTTPStatus.NOT_MODIFIED)
        self.send_response(status)
        entity = {} if status == HTTPStatus.NOT_MODIFIED else {
            "Content-Type": content_type, "Content-Length": str(len(body))}
        fields = {**entity, **SECURITY_HEADERS, **headers}
        if self.close_connection:
            fields["Connection"] = "close"
        buffered = getattr(self, "_headers_buffer", None)  # http.server's, absent for HTTP/0.9
        if buffered is not None:   # send_header's lines, encoded in one piece
            buffered.append("".join(f"{name}: {value}\r\n" for name, value in fields.items())
                            .encode("latin-1", "strict"))
        if buffered is None:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        buffered.append(b"\r\n")  # what end_headers adds; then the body, in the same write:
        if self.command != "HEAD":  # one send per response instead of two (measured: the
            buffered.append(body)   # second sendall was a third of the server's time)
        self.flush_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if not self.server.quiet:
            log.info("%s - [%s] %s", self.address_string(), self.log_date_time_string(),
                     format % args)
