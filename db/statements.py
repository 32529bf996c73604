"""Statements run to completion and closed before the next one starts.

CPython finalises a cursor as soon as its last reference goes; PyPy's garbage collector
does so later, and SQLite then refuses a SAVEPOINT or RELEASE while the older statement
is still "in progress". Every write-side statement of the ingest goes through here.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any, Iterable, Sequence


# An explicit cursor, so that it is closed even when the statement fails (a constraint):
# ``conn.execute`` raising would leave its cursor to the garbage collector.

def execute(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> None:
    """Run one statement and close its cursor."""
    with closing(conn.cursor()) as cursor:
        cursor.execute(sql, params)


def execute_many(conn: sqlite3.Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run one statement for every row and close its cursor."""
    with closing(conn.cursor()) as cursor:
        cursor.executemany(sql, rows)


def fetch_one(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first row of a query (or None), its cursor closed."""
    with closing(conn.cursor()) as cursor:
        return cursor.execute(sql, params).fetchone()


def fetch_all(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list:
    """Every row of a query, its cursor closed."""
    with closing(conn.cursor()) as cursor:
        return cursor.execute(sql, params).fetchall()
