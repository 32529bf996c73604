"""Validation of a loaded database before its commit, each fault named by file, line, column.

Constraint failures of a row, dates off the calendar, dangling foreign keys, row counts
and the business checks of db/checks/: each becomes a ``DataError`` that points back
into the CSV the offending row came from.
"""
from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING, Iterable

from db.checks import Check, run_check
from db.ingest.locate import find_line
from db.ingest.values import ValueProblem, converter
from db.schema import Schema, Table, quote
from db.statements import fetch_all, fetch_one
from utils.errors import DataError

if TYPE_CHECKING:
    from db.sources import Dataset
    from db.ingest.csvload import CsvSource
    from db.ingest.provenance import LoadedFile

_FAILED_COLUMN = re.compile(r"constraint failed: (\w+)\.(\w+)")


def constraint_error(exc: sqlite3.IntegrityError, source: CsvSource, line: int) -> DataError:
    message = str(exc)
    match = _FAILED_COLUMN.search(message)
    if match:
        column = match.group(2)
        if message.startswith("UNIQUE"):
            what = "primary key" if column == source.table.primary_key else "unique value"
            return source.error(f"duplicate {what} (UNIQUE {match.group(1)}.{column})", line, column)
        return source.error(message, line, column)
    if message.startswith("CHECK constraint failed:"):
        expression = " ".join(message.split(":", 1)[1].split())  # as written: may span lines
        return source.error(f"violates CHECK ({expression})", line,
                            _first_column(expression, source.table.column_names))
    return source.error(message, line)


def _first_column(expression: str, columns: tuple[str, ...]) -> str | None:
    """The column a CHECK expression names first: the one it is about.

    "parent_id IS NULL OR parent_id <> category_id" is about parent_id, not category_id.
    """
    found = {}
    for column in columns:
        match = re.search(rf"\b{re.escape(column)}\b", expression)
        if match:
            found[column] = match.start()
    return min(found, key=found.__getitem__) if found else None


def check_calendar(conn: sqlite3.Connection, schema: Schema, dataset: Dataset) -> None:
    """Dates and timestamps that are well formed but not on the calendar (2024-02-30).

    The fast path checks only their shape; the schema's CHECKs normally catch the rest at
    insert time, and this scan covers a column that has none (a full scan of its table).
    """
    for table in schema.data_tables:
        for column in table.columns:
            if column.kind not in ("timestamp", "date"):
                continue
            function = "datetime" if column.kind == "timestamp" else "date"
            if _calendar_checked(conn, table, column.name, function):
                continue  # every stored row already passed exactly this test
            name = quote(column.name)
            row = fetch_one(conn, f"SELECT rowid, {name} FROM {quote(table.name)} WHERE {name} IS NOT "
                            f"NULL AND {function}({name}, '+0 days') IS NOT {name} LIMIT 1")
            if row is not None:
                try:
                    converter(column)(row[1])
                    message = f"{row[1]!r} is not a valid {column.kind}"
                except ValueProblem as exc:
                    message = str(exc)
                name, line = _line_of(table, dataset, row[0])
                raise DataError(name, message, line, column.name)


def _calendar_checked(conn: sqlite3.Connection, table: Table, column: str, function: str) -> bool:
    """Whether the table declares the CHECK ``{function}(column, '+0 days') IS column``."""
    (sql,) = fetch_one(conn, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (table.name,))
    name = re.escape(column)
    return re.search(rf"\bCHECK\s*\(\s*{function}\(\s*{name}\s*,\s*'\+0 days'\s*\)\s+IS\s+"
                     rf"{name}\s*\)", sql, re.IGNORECASE) is not None


def check_foreign_keys(conn: sqlite3.Connection, schema: Schema, dataset: Dataset) -> None:
    violation = fetch_one(conn, "PRAGMA foreign_key_check")
    if violation is None:
        return
    table_name, rowid, parent, fk_index = violation
    table = schema.tables[table_name]
    fk_rows = fetch_all(conn, f"PRAGMA foreign_key_list({quote(table_name)})")
    fk = next(row for row in fk_rows if row[0] == fk_index)
    column, parent_column = fk[3], fk[4] or "rowid"
    value = fetch_one(conn, f"SELECT {quote(column)} FROM {quote(table_name)} WHERE rowid = ?",
                      (rowid,))[0]
    name, line = _line_of(table, dataset, rowid)
    raise DataError(name, f"{value} does not match any {parent}.{parent_column} "
                          f"(dangling foreign key)", line, column)


def _line_of(table: Table, dataset: Dataset, key: object) -> tuple[str, int | None]:
    """The file (its name in errors) and line of the row whose primary key is ``key``."""
    files = dataset.files(table.csv_name)
    if table.primary_key:
        for name, path in files:
            line = find_line(path, table, table.primary_key, key)
            if line is not None:
                return name, line
    return (files[0][0] if len(files) == 1 else table.csv_name), None


def check_counts(conn: sqlite3.Connection, loaded: Iterable[LoadedFile]) -> None:
    read: dict[str, int] = {}
    names: dict[str, str] = {}
    for item in loaded:  # a table's parts: their rows together
        read[item.table] = read.get(item.table, 0) + item.rows
        names[item.table] = item.file_name if item.table not in names else f"{item.table} parts"
    for table, rows in read.items():
        (count,) = fetch_one(conn, f"SELECT count(*) FROM {quote(table)}")
        if count != rows:
            raise DataError(names[table], f"{rows} rows read but {count} in the database")


def check_invariants(conn: sqlite3.Connection, schema: Schema, checks: list[Check],
                      dataset: Dataset) -> None:
    for check in checks:
        outcome = run_check(conn, check, limit=1)
        if outcome.passed:
            continue
        key, detail = (list(outcome.examples[0]) + [None, None])[:2]
        table = schema.tables[check.table]
        more = f" (and {outcome.violations - 1} more)" if outcome.violations > 1 else ""
        name, line = _line_of(table, dataset, key)
        raise DataError(name, f"{_one_line(detail)}: breaks check {check.name}, "
                        f"{check.description}{more}", line, check.column)


def _one_line(value: object) -> str:
    """A check's detail quotes CSV values, which may hold line breaks; keep the error one line."""
    return str(value).replace("\r", "\\r").replace("\n", "\\n")
