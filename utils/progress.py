"""A one-line progress display on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

# What a library calls to report progress: (done, total, rows, label=None). ``Progress``
# instances are one; a test may pass any function of that shape.
OnProgress = Callable[..., None]


class Progress:
    """Call with (done, total, rows[, label]); redraws at most every ``interval`` seconds.

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

    def __call__(self, done: int, total: int, rows: int, label: str | None = None) -> None:
        if not self.enabled:
            return
        if label is not None and label != self.label:  # a new table: a new line, new clock
            self.close()
            self.label, self.started, self.last = label, time.perf_counter(), 0.0
        now = time.perf_counter()
        if now - self.last < self.interval and done < total:
            return
        self.last, elapsed = now, now - self.started
        rate = f"{rows / elapsed:,.0f} rows/s" if elapsed > 0.2 else "- rows/s"
        eta = f"ETA {elapsed * (total - done) / done:.0f} s" if done and elapsed > 0.2 else "ETA -"
        self.stream.write(f"\r{self.label}: {100 * done // max(total, 1)}%, {rows:,} rows, "
                          f"{rate}, {eta}   ")
        self.drawn = True
        if done >= total:  # finished: end the line, so a log line never runs into it
            self.close()
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
