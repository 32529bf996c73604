"""What may be served: the allow-list of published paths, their types and cache policies.

Every request path is split into percent-decoded segments, checked for anything that
could name another file (dot segments, encoded separators, backslashes, NUL, drive
letters), matched against PUBLISHED, resolved with symlinks followed, and matched again,
so a link cannot lead out of the allowed set.
"""
from __future__ import annotations

import re
from fnmatch import fnmatchcase
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Sequence
from urllib.parse import unquote

from api.http_errors import RequestError, not_found
from utils.config import FRONTEND_DIR, ROOT

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


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")   # a segment that is its own decoded name


def unpublished(path: str) -> RequestError:
    """The 404 for a path outside the allow-list, or missing."""
    return not_found(f"nothing is published at {path}")


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
        if _PLAIN.fullmatch(part) and part not in (".", ".."):   # nothing to decode or refuse
            segments.append(part)
            continue
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


def locate(root: Path, segments: list[str]) -> tuple[Path, str]:
    """The file a path names, and its Cache-Control; 404 unless it and its real path are published.

    ``root`` must already be resolved. Checking the resolved path again is what stops a
    symlink inside frontend/ from reaching the database, a CSV or a file outside the tree.
    """
    url = "/" + "/".join(segments)
    parts = segments[:-1] + ["index.html"] if segments[-1] == "" else segments
    if cache_policy(parts) is None:
        raise unpublished(url)
    try:
        real = root.joinpath(*parts).resolve()
        real_parts = real.relative_to(root).parts
    except (OSError, ValueError, RuntimeError):  # RuntimeError: symlink loop on Python < 3.13
        raise unpublished(url) from None
    cache = cache_policy(real_parts)
    if cache is None or not real.is_file():
        raise unpublished(url)
    return real, cache
