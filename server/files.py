"""The published files as sent: bytes, ETag and headers read once and kept per path.

A static request used to resolve the path (a ``stat`` per segment), read the file and hash
it every time. Now the first request does that and keeps the answer; later requests for
the same path make one ``os.stat`` of the resolved file and serve the kept bytes while its
identity (device, inode, size, modification and change times) is unchanged. A changed or
replaced file (report.json after a rerun) is read again; a removed one is looked up anew.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from server.static import CONTENT_TYPES, PAGE_POLICIES, locate

MAX_FILES = 256           # paths kept; the allow-list publishes a few dozen files


@dataclass(frozen=True)
class StaticFile:
    path: str                          # the resolved file
    identity: tuple[int, ...]
    body: bytes
    content_type: str
    headers: dict[str, str]            # Cache-Control, ETag, and the page's own CSP if any


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class StaticFiles:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[tuple[str, ...], StaticFile] = {}
        self._lock = threading.Lock()

    def known(self, segments: list[str]) -> bool:
        """Whether the path was served as a file (so it is not a directory to redirect)."""
        return tuple(segments) in self._files

    def get(self, segments: list[str]) -> StaticFile:
        """The file a path names, as kept or read now; the RequestError of ``locate`` (404)
        when it is not published. OSError when it cannot be read."""
        key = tuple(segments)
        kept = self._files.get(key)
        if kept is not None:
            try:
                if _identity(os.stat(kept.path)) == kept.identity:
                    return kept
            except OSError:
                pass
        path, cache = locate(self.root, segments)
        stat = os.stat(path)
        body = path.read_bytes()
        if len(body) != stat.st_size:      # written while read: serve it, keep nothing
            stat = None
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'   # the bytes, not the clock
        headers = {"Cache-Control": cache, "ETag": etag}
        policy = PAGE_POLICIES.get(path.relative_to(self.root).as_posix())
        if policy:
            headers["Content-Security-Policy"] = policy
        found = StaticFile(str(path), _identity(stat) if stat else (), body,
                           CONTENT_TYPES[path.suffix], headers)
        if stat is not None:
            with self._lock:
                if len(self._files) >= MAX_FILES:
                    self._files.clear()
                self._files[key] = found
        return found
