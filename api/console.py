"""The SQL console behind /api/sql: one read-only SELECT, bounded in time and in rows.

Safe by construction, not by reading the SQL: the connection is opened ``mode=ro`` with
``PRAGMA query_only``, and an SQLite authorizer allows only what a SELECT needs (reading
columns, sqlite_master included, calling functions other than ``load_extension``,
recursive CTEs). Anything else, ATTACH, any PRAGMA (the table-valued ``pragma_table_info``
too: it asks to write sqlite_master internally), a transaction, a write, is refused by
SQLite while the statement is prepared. A statement that prepared without a SELECT
(``BEGIN``, ``REINDEX`` of nothing) is refused too. A
progress handler stops a query at the time limit; rows beyond the cap are not fetched.
"""
from __future__ import annotations

import math
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from api.http_errors import bad_parameter

DEFAULT_TIME_LIMIT = 1.0     # seconds a query may run (serve_frontend.py --sql-time-limit)
DEFAULT_MAX_ROWS = 1000      # rows returned at most; more sets "truncated" (--sql-max-rows)
PROGRESS_STEPS = 100         # SQLite virtual-machine steps between two looks at the clock
MAX_VALUE_BYTES = 1_000_000  # the longest string or BLOB a query may build (SQLITE_LIMIT_LENGTH)
MAX_RESULT_BYTES = 8_000_000  # about this much result text at most; more sets "truncated"
HEAP_LIMIT = 512 * 2**20     # Python < 3.11 has no setlimit: SQLite's whole heap is capped instead
RESERVED = ("sql", "format")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,18})")   # no leading zeros: "0042" stays text  # query-string names that are not SQL parameters

# load_extension loads code; fts3_tokenizer reveals and accepts raw pointers
_FUNCTIONS_REFUSED = frozenset(("load_extension", "fts3_tokenizer"))


@dataclass(frozen=True)
class Limits:
    """The console's bounds, set once per server."""

    time_limit: float = DEFAULT_TIME_LIMIT
    max_rows: int = DEFAULT_MAX_ROWS


class Console:
    """One read-only connection with the authorizer installed for good."""

    def __init__(self, db_path: Path) -> None:
        # cached_statements=0: every statement is prepared again, so the authorizer sees it
        self.conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True,
                                    cached_statements=0, check_same_thread=False)
        self.conn.execute("PRAGMA query_only = ON")
        if hasattr(self.conn, "setlimit"):  # Python 3.11+: no value may outgrow the cap
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        else:  # a process-wide bound on SQLite's memory, far above what the kit itself uses
            self.conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT}")
        # read the schema now: its first parse reports internal steps to an authorizer
        self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        self._saw_select = False
        # Python < 3.11 keeps at least 5 prepared statements whatever cached_statements says,
        # and a statement taken from that cache is not authorized again: the texts the
        # authorizer passed as a SELECT on this connection are remembered
        self._selects: set[str] = set()
        self.conn.set_authorizer(self._authorize)

    def close(self) -> None:
        self.conn.close()

    def _authorize(self, action: int, arg1: Any, arg2: Any, db: Any, trigger: Any) -> int:
        if action == sqlite3.SQLITE_SELECT:
            self._saw_select = True
            return sqlite3.SQLITE_OK
        if action in (sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            return sqlite3.SQLITE_DENY if str(arg2).lower() in _FUNCTIONS_REFUSED \
                else sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    def run(self, sql: str, params: Mapping[str, int | str | None], limits: Limits) -> dict[str, Any]:
        """``{"columns", "rows", "truncated", "elapsed_ms"}``; any SQLite error is a 400."""
        if not (sql or "").strip():
            raise bad_parameter("parameter sql is required: one SELECT statement")
        start = time.perf_counter()
        deadline = start + limits.time_limit
        self.conn.set_progress_handler(lambda: time.perf_counter() > deadline, PROGRESS_STEPS)
        self._saw_select = False
        cursor = None
        try:
            cursor = self.conn.execute(sql, dict(params))
            if not (self._saw_select or sql in self._selects) or cursor.description is None:
                raise bad_parameter("only a SELECT (or WITH ... SELECT) statement can run here")
            if len(self._selects) >= 256:
                self._selects.clear()
            self._selects.add(sql)
            rows, truncated = _fetch(cursor, limits.max_rows, deadline)
        except (sqlite3.Error, sqlite3.Warning) as exc:  # Warning: two statements, Python < 3.11
            raise bad_parameter(_message(exc, limits, time.perf_counter() > deadline, sql)) from None
        except MemoryError:
            raise bad_parameter("the query needs more memory than the console allows; "
                                "ask for less") from None
        finally:
            if cursor is not None:
                cursor.close()
            self.conn.set_progress_handler(None, PROGRESS_STEPS)
        elapsed = time.perf_counter() - start
        return {"columns": [d[0] for d in cursor.description],
                "rows": rows,
                "truncated": truncated,
                "elapsed_ms": round(elapsed * 1000, 3)}


def _fetch(cursor: sqlite3.Cursor, max_rows: int, deadline: float) -> tuple[list, bool]:
    """Up to ``max_rows`` rows and about MAX_RESULT_BYTES of values, within the deadline."""
    rows: list[list[Any]] = []
    size = 0
    for row in cursor:
        if len(rows) == max_rows or size > MAX_RESULT_BYTES:
            return rows, True
        if time.perf_counter() > deadline:
            raise sqlite3.OperationalError("interrupted")
        values = [_value(v) for v in row]
        size += sum(len(v) if isinstance(v, str) else 8 for v in values)
        rows.append(values)
    return rows, False


def _message(exc: sqlite3.Error, limits: Limits, late: bool, sql: str) -> str:
    text = str(exc)
    number = _BINDING_NUMBER.search(text)   # Python < 3.11 numbers the parameter; name it
    if number:
        names = _parameter_names(sql)
        index = int(number.group(1)) - 1
        if 0 <= index < len(names):
            text = f"{text.rstrip('.')} ({names[index]})"
    if late and text == "interrupted":
        return (f"the query was stopped at the time limit of {limits.time_limit:g} s; "
                f"narrow it (WHERE, LIMIT) or ask for less")
    if text == "not authorized":
        return ("not authorized: only reading is allowed here (one SELECT; no writes, "
                "ATTACH, PRAGMA settings or load_extension)")
    return f"SQLite: {text}"


_BINDING_NUMBER = re.compile(r"binding (\d+)\.?$")
# literals and comments first, so a ":name" inside them is not taken for a parameter
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|([:@$][A-Za-z_]\w*)",
                     re.S)


def _parameter_names(sql: str) -> list[str]:
    """The named parameters in the order SQLite numbers them (first appearance)."""
    names: list[str] = []
    for match in _TOKENS.finditer(sql):
        if match.group(1) and match.group(1) not in names:
            names.append(match.group(1))
    return names


def _value(value: Any) -> Any:
    """A result value as JSON can carry it: BLOBs as hex text, infinities as text."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def sql_params(pairs: tuple[tuple[str, str], ...]) -> dict[str, int | str | None]:
    """The named SQL parameters of a request: every query-string pair but sql and format.

    An empty value binds NULL, as an empty field means "not given" everywhere in the API
    (the library's queries read a NULL date as an open end). A value written as an integer
    binds as one: SQLite compares an expression without column affinity (``rank <= :limit``)
    to text as text, so ``'10'`` would let every rank through; a column with text affinity
    still compares the integer as text.
    """
    params: dict[str, int | str | None] = {}
    for name, value in pairs:
        if name in RESERVED:
            continue
        if name in params:
            raise bad_parameter(f"parameter {name[:40]} is given more than once")
        params[name] = _bound(value)
    return params


def _bound(text: str) -> int | str | None:
    if not text:
        return None
    if _INTEGER.fullmatch(text) and -2**63 <= int(text) < 2**63:
        return int(text)
    return text
