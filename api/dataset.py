"""The database behind the API: read-only connections, the dataset's identity and health.

Each HTTP connection holds one ``Snapshot``: a read-only connection (``mode=ro``,
``query_only``) plus what submission_meta says about the data. Before every request
the file is stat'ed; when ``run_all.py`` has replaced it, the snapshot is reopened,
so the API never keeps serving a deleted file. The fingerprint (a hash of
submission_meta, which records every CSV's SHA-256) is what the ETags derive from.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.console import Limits
from api.http_errors import unavailable
from db.meta import read_meta
from db.schema import Schema, quote
from db.connect import connect_readonly
from utils.cli import relative
from utils.errors import KitError, LockedError, os_reason
from utils.fileio import open_input, sha256_file
from utils.locking import reading_data

API_VERSION = "1.0.0"   # part of every ETag: a change in the response shapes invalidates them
REBUILD = "python project/run_all.py"
SQLITE_HEADER = b"SQLite format 3\x00"
CTIME_SLACK_NS = 2_000_000_000  # coarser than any file system's timestamp granularity
CTIME_IS_CHANGE_TIME = os.name != "nt"  # Windows' st_ctime is the creation time: never cache
DATA_WAIT = 5.0                 # how long /api/health waits for a generator replacing the CSVs


@dataclass
class Snapshot:
    """One read-only connection to one version of the database file."""

    conn: sqlite3.Connection
    identity: tuple[int, int, int]
    fingerprint: str
    files: dict[str, dict[str, Any]]     # CSV file name -> sha256 and rows recorded at ingest
    settings: dict[str, str]             # the 'run' rows: seed, scale, generator, ...
    as_of: str = "unknown"               # the day the data stands at (db.meta.Meta.as_of)
    batches: list[dict[str, Any]] = field(default_factory=list)  # change batches applied
    _counts: dict[str, int] | None = field(default=None, repr=False)
    console: Any = field(default=None, repr=False)   # api.console.Console, opened on first use

    def row_counts(self, schema: Schema) -> dict[str, int]:
        if self._counts is None:
            self._counts = {t.name: self.conn.execute(f"SELECT count(*) FROM {quote(t.name)}")
                            .fetchone()[0] for t in schema.data_tables}
        return self._counts

    def close(self) -> None:
        self.conn.close()
        if self.console is not None:
            self.console.close()


class CountCache:
    """Totals of filtered lists by dataset fingerprint, SQL and arguments, bounded in entries.

    The data behind one fingerprint never changes, so a total counted once stays right;
    the next request with the same filters skips the scan (19 ms on orders at scale 100).
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._totals: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self._lock = threading.Lock()

    def total(self, snapshot: Snapshot, sql: str, args: list[Any]) -> int:
        key = (snapshot.fingerprint, sql, *args)
        with self._lock:
            if key in self._totals:
                self._totals.move_to_end(key)
                return self._totals[key]
        (total,) = snapshot.conn.execute(sql, args).fetchone()
        with self._lock:
            self._totals[key] = total
            while len(self._totals) > self.max_entries:
                self._totals.popitem(last=False)
        return total


class Database:
    """Where the database and the CSVs it was loaded from live; opens snapshots of it."""

    def __init__(self, path: Path, data_dir: Path, root: Path, schema: Schema,
                 sql_limits: Limits | None = None) -> None:
        self.path, self.data_dir, self.root, self.schema = Path(path), Path(data_dir), root, schema
        self.sql_limits = sql_limits or Limits()   # the bounds of /api/sql
        self.counts = CountCache()
        self.health_bodies: dict[tuple[str, str], bytes] = {}   # api.handlers.health's cache
        self._row_counts: dict[str, dict[str, int]] = {}
        self._hashes: dict[str, tuple[tuple[int, ...], str]] = {}   # by str(path)
        self._paths: dict[str, str] = {}                              # CSV name -> str(path)
        self._lock = threading.Lock()

    def row_counts(self, snapshot: Snapshot) -> dict[str, int]:
        """Rows per data table, counted once per dataset, not once per connection."""
        with self._lock:
            counts = self._row_counts.get(snapshot.fingerprint)
        if counts is None:
            counts = snapshot.row_counts(self.schema)
            with self._lock:
                self._row_counts = {snapshot.fingerprint: counts}
        return counts

    def repo_relative(self, path: Path) -> str:
        """A path as the API reports it: relative to the repository root when inside it."""
        return relative(path, self.root)

    def snapshot(self, previous: Snapshot | None) -> Snapshot:
        """``previous`` if the file is unchanged, else a fresh snapshot; 503 without a database."""
        try:
            stat = os.stat(self.path)
            identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            identity = None
        if previous is not None and previous.identity == identity:
            return previous
        if previous is not None:
            previous.close()
        if identity is None:
            raise unavailable("no_database", f"there is no database at {self.repo_relative(self.path)} "
                                             f"yet; create it with {REBUILD}")
        return self._open(identity)

    def _open(self, identity: tuple[int, int, int]) -> Snapshot:
        shown = self.repo_relative(self.path)
        try:
            with open_input(self.path, "rb") as handle:  # a FIFO must not hang the request
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise unavailable("database_unavailable", f"cannot read {shown}: {os_reason(exc)}; "
                                                      f"rebuild it with {REBUILD}") from None
        if header != SQLITE_HEADER:  # checked first: a failed open would leave a connection behind
            raise unavailable("database_unavailable", f"{shown} is not an SQLite database; "
                                                      f"rebuild it with {REBUILD}")
        try:
            conn = connect_readonly(self.path)
        except KitError as exc:
            reason = str(exc).replace(str(self.path), shown)  # the API names paths relatively
            raise unavailable("database_unavailable", f"{reason}; rebuild it with {REBUILD}") from None
        try:
            conn.execute("PRAGMA query_only = ON")
            self._check_tables(conn, shown)
            meta = read_meta(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise unavailable("database_unavailable",
                              f"{shown} is not a readable ecommerce-kit database ({exc}); "
                              f"rebuild it with {REBUILD}") from None
        except BaseException:
            conn.close()
            raise
        fingerprint = hashlib.sha256(json.dumps([API_VERSION, meta.rows]).encode()).hexdigest()
        return Snapshot(conn, identity, fingerprint, meta.files, meta.settings, meta.as_of,
                        meta.batches)

    def _check_tables(self, conn: sqlite3.Connection, shown: str) -> None:
        """The API builds SQL from db/schema.sql: an older database must be a 503, not a 500."""
        for table in self.schema.tables.values():
            columns = tuple(r[1] for r in conn.execute(f"PRAGMA table_info({quote(table.name)})"))
            if columns != table.column_names:
                raise unavailable("database_mismatch",
                                  f"table {table.name} of {shown} does not match "
                                  f"{self.repo_relative(self.schema.path)}; rebuild it with {REBUILD}")

    def csv_differences(self, files: dict[str, dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The CSVs in the data directory that differ from submission_meta; None without one.

        When every file still has the identity (inode, size, mtime, ctime) it had when it was
        hashed, the answer is known without the data lock (whose lock file costs ~5 ms to
        create and remove on each request); any change, a replacement included, takes the
        locked path and hashes again.
        """
        known = self._known_digests(files)
        if known is not None:
            return _differences(files, known)
        try:
            with reading_data(self.data_dir, wait=DATA_WAIT):  # never a half-replaced directory
                if not self.data_dir.is_dir():
                    return None
                return _differences(files, {name: self._sha256(self.data_dir / name)
                                            for name in files})
        except LockedError as exc:
            raise unavailable("data_busy", str(exc)) from None

    def _known_digests(self, files: dict[str, dict[str, Any]]) -> dict[str, str] | None:
        """Every file's cached digest if none has changed since it was hashed; else None."""
        known = {}
        with self._lock:
            hashes = dict(self._hashes)
        for name in files:
            path = self._paths.get(name)
            if path is None:   # str(Path) once per name: pathlib costs more than the stat
                path = self._paths.setdefault(name, str(self.data_dir / name))
            try:
                stat = os.stat(path)
            except OSError:
                return None
            cached = hashes.get(path)
            if cached is None or cached[0] != _identity(stat):
                return None
            known[name] = cached[1]
        return known

    def _sha256(self, path: Path) -> str | None:
        """A file's SHA-256, hashed again whenever the file may have been written.

        The change time (ctime) moves on every write and cannot be set back with utime,
        unlike the modification time, so a same-size edit with its mtime restored is still
        seen. A file changed within CTIME_SLACK of being hashed is not cached: a second
        write within the file system's timestamp granularity could keep the same ctime.
        """
        try:
            stat = os.stat(path)
        except OSError:
            return None
        identity = _identity(stat)
        with self._lock:
            cached = self._hashes.get(str(path))
        if cached is not None and cached[0] == identity:
            return cached[1]
        try:
            digest = sha256_file(path)
        except OSError:
            return None
        if CTIME_IS_CHANGE_TIME and \
                time.time_ns() - max(stat.st_ctime_ns, stat.st_mtime_ns) > CTIME_SLACK_NS:
            with self._lock:
                self._hashes[str(path)] = (identity, digest)
        return digest


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _differences(files: dict[str, dict[str, Any]],
                 digests: dict[str, str | None]) -> list[dict[str, Any]]:
    differ = []
    for name, recorded in files.items():
        actual = digests[name]
        if actual != recorded["sha256"]:
            differ.append({"file": name, "problem": "missing" if actual is None else "changed",
                           "recorded_sha256": recorded["sha256"], "sha256": actual})
    return differ
