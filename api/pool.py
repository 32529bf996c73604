"""The SQL console's connections, shared by every HTTP connection.

A console connection used to be opened per keep-alive HTTP connection and held until the
client left (64 idle clients, 64 open connections). Now a query takes an idle connection
(or opens one), runs, and gives it back; at most ``keep`` stay open while idle. Each is
tied to one version of the database file: when ``run_all.py`` replaces the file, the idle
connections to the old one are closed and new ones opened.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Mapping

from api.console import Console, Limits

KEEP_IDLE = 4     # idle console connections kept open; more only while queries overlap


class ConsolePool:
    def __init__(self, db_path: Path, keep: int = KEEP_IDLE,
                 opener: Callable[[Path], Console] = Console) -> None:
        self.db_path, self.keep, self._open = db_path, keep, opener
        self._idle: list[Console] = []
        self._version: Any = None
        self._lock = threading.Lock()
        self.opened = 0   # connections opened so far (tests read it)

    def run(self, version: Any, sql: str, params: Mapping[str, Any],
            limits: Limits) -> dict[str, Any]:
        """Run one query on a console connection to the database as of ``version`` (the
        file's identity); sqlite3.Error if no connection can be opened."""
        console = self._take(version)
        try:
            return console.run(sql, params, limits)
        finally:
            self._give(version, console)

    def _take(self, version: Any) -> Console:
        with self._lock:
            if version != self._version:
                stale, self._idle, self._version = self._idle, [], version
            else:
                stale = []
            console = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        if console is None:
            console = self._open(self.db_path)
            with self._lock:
                self.opened += 1
        return console

    def _give(self, version: Any, console: Console) -> None:
        with self._lock:
            if version == self._version and len(self._idle) < self.keep:
                self._idle.append(console)
                return
        console.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for console in idle:
            console.close()
