"""Business-invariant checks: one SQL file per check in db/checks/, run by ingest and report.

Each file's header names the check, the table and column it is about and what it
asserts; its query returns the violating rows: the table's key, then a detail.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from utils.config import CHECKS_DIR
from utils.errors import KitError
from utils.sqlfile import read_sql_file


@dataclass(frozen=True)
class Check:
    name: str
    table: str
    column: str
    description: str
    sql: str


@dataclass(frozen=True)
class Outcome:
    check: Check
    violations: int
    examples: list[tuple]      # up to ``limit`` of (key, detail)

    @property
    def passed(self) -> bool:
        return self.violations == 0


def load_checks(directory: Path = CHECKS_DIR) -> list[Check]:
    checks = []
    for path in sorted(Path(directory).glob("*.sql")):
        f = read_sql_file(path)
        checks.append(Check(f.require("check"), f.require("table"), f.require("column"),
                            f.require("description"), f.sql))
    if not checks:
        raise KitError(f"no checks found in {directory}")
    return checks


def run_check(conn: sqlite3.Connection, check: Check, limit: int = 5) -> Outcome:
    examples, count = [], 0
    with closing(conn.cursor()) as cursor:  # closed before the ingest's next step (PyPy)
        try:
            cursor.execute(check.sql)
        except sqlite3.Error as exc:
            raise KitError(f"check {check.name} failed to run: {exc}") from None
        for row in cursor:
            count += 1
            if len(examples) < limit:
                examples.append(tuple(row))
    return Outcome(check, count, examples)
