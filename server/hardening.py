"""Bounds on what a client may send: the request head's sizes, the Host it names, and how
long the server keeps reading what it refused."""
from __future__ import annotations

import http.client
import ipaddress
from functools import lru_cache
from typing import Any, BinaryIO

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


@lru_cache(maxsize=256)   # parsed once per Host value, not once per request
def is_loopback_name(host: str) -> bool:
    """Whether a Host header value (with or without port) names this machine's loopback."""
    name = host if host.endswith("]") else host.rsplit(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


class HeadTooLarge(http.client.LineTooLong):
    """Raised while reading headers; http.server answers LineTooLong with a 431."""

    def __init__(self, message: str) -> None:
        http.client.HTTPException.__init__(self, message)


class BoundedHead:
    """The request stream while http.server reads the headers, with a budget of bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.left = stream, MAX_HEADER_BYTES

    def readline(self, size: int = -1) -> bytes:
        limit = min(MAX_HEADER_LINE, self.left) + 1
        line = self.stream.readline(limit if size < 0 else min(size, limit))
        if len(line) > MAX_HEADER_LINE:
            raise HeadTooLarge(f"a header line is longer than {MAX_HEADER_LINE} bytes")
        self.left -= len(line)
        if self.left < 0:
            raise HeadTooLarge(f"the headers are larger than {MAX_HEADER_BYTES} bytes in all")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
