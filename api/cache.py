"""Response bodies kept by ETag: the dataset cannot change under one, so neither can they."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable


class BodyCache:
    """Response bodies by ETag (a body, or a body and its Link), least recently used first
    out, bounded in bytes.

    An ETag names the dataset (submission_meta's hashes) and the request target, so a
    cached body is right for as long as its ETag is; a new database makes new ETags.
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._bodies: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[str, threading.Lock] = {}

    def get_or_compute(self, etag: str, compute: Callable[[], Any]) -> Any:
        """The cached body, or compute it once: concurrent misses wait for the first.

        Without this, N clients arriving together on a cold aggregate would each run the
        same multi-second query (measured: p99 9 s with 16 clients at scale 100).
        """
        body = self.get(etag)
        if body is not None:
            return body
        with self._lock:
            flight = self._pending.setdefault(etag, threading.Lock())
        try:
            with flight:
                body = self.get(etag)
                if body is None:
                    body = compute()
                    self.put(etag, body)
                return body
        finally:
            with self._lock:
                self._pending.pop(etag, None)

    def get(self, etag: str) -> Any:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: Any) -> None:
        size = _size(body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self.size += size
            while self.size > self.max_bytes:
                _, old = self._bodies.popitem(last=False)
                self.size -= _size(old)


def _size(entry: Any) -> int:
    return len(entry) if isinstance(entry, bytes) else sum(len(part) for part in entry)
