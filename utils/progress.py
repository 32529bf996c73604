"""A one-line progress display on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call with (done, total, rows); redraws at most every ``interval`` seconds.

    Silent unless ``enabled`` and the stream is a terminal, so progress never reaches
    a log file, a pipe or an output file.
    """

    def __init__(self, label: str, enabled: bool = True, stream: TextIO | None = None,
                 interval: float = 0.25) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.label, self.interval = label, interval
        self.started = self.last = time.perf_counter()
        self.drawn = False

    def __call__(self, done: int, total: int, rows: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.last < self.interval and done < total:
            return
        self.last, elapsed = now, max(now - self.started, 1e-9)
        rate = rows / elapsed
        eta = elapsed * (total - done) / done if done else 0.0
        self.stream.write(f"\r{self.label}: {done}/{total} ({100 * done // max(total, 1)}%), "
                          f"{rows:,} rows, {rate:,.0f} rows/s, ETA {eta:.0f} s   ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
