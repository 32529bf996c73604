"""What db/schema.sql defines, as SQLite itself reports it.

Nothing here repeats the schema: tables, columns, declared types, keys and
foreign keys come from ``PRAGMA table_info`` and ``PRAGMA foreign_key_list``
after the script has been executed in an in-memory database.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from utils.config import META_TABLE
from utils.errors import SchemaError, os_reason
from utils.fileio import read_input_text

_DECIMAL = re.compile(r"^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$")


@dataclass(frozen=True)
class Column:
    name: str
    declared: str          # the declared type, upper-case, as written in schema.sql
    not_null: bool
    primary_key: bool

    @property
    def kind(self) -> str:
        """How CSV text converts: integer, decimal, timestamp, date, real or text."""
        declared = self.declared
        if declared == "INTEGER":
            return "integer"
        if _DECIMAL.match(declared):
            return "decimal"
        if declared in ("TIMESTAMP", "DATETIME"):
            return "timestamp"
        if declared == "DATE":
            return "date"
        if declared in ("REAL", "FLOAT", "DOUBLE"):
            return "real"
        return "text"

    @property
    def decimals(self) -> int:
        """The scale s of DECIMAL(p,s): digits after the point."""
        match = _DECIMAL.match(self.declared)
        return int(match.group(2)) if match else 0

    @property
    def precision(self) -> int:
        """The precision p of DECIMAL(p,s): digits in all, so p - s before the point."""
        match = _DECIMAL.match(self.declared)
        return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def primary_key(self) -> str | None:
        keys = [c.name for c in self.columns if c.primary_key]
        return keys[0] if len(keys) == 1 else None

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"


@dataclass(frozen=True)
class Schema:
    path: Path
    sql: str
    tables: dict[str, Table]       # every table, in load order (parents first)
    indexes: tuple[str, ...]       # CREATE INDEX statements, run after the load

    @property
    def data_tables(self) -> list[Table]:
        """Tables loaded from CSV files, parents before children."""
        return [t for t in self.tables.values() if t.name != META_TABLE]

    def table_sql(self) -> str:
        """The schema without its indexes: what the loader creates before inserting."""
        sql = self.sql
        for statement in self.indexes:
            sql = sql.replace(statement, "")
        return sql


def quote(identifier: str) -> str:
    """Quote an SQL identifier (the one place identifiers are put into SQL text)."""
    return '"' + identifier.replace('"', '""') + '"'


def load_schema(path: Path) -> Schema:
    try:
        sql = read_input_text(path)
    except OSError as exc:
        raise SchemaError(f"cannot read schema {path}: {os_reason(exc)}") from None
    conn = sqlite3.connect(":memory:")
    try:
        try:
            conn.executescript(sql)
        except sqlite3.Error as exc:
            raise SchemaError(f"{path}: {exc}") from None
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        tables = {name: _introspect(conn, name) for name in names}
        indexes = tuple(row[0] for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"))
    finally:
        conn.close()
    for statement in indexes:
        if statement not in sql:
            raise SchemaError(f"{path}: write each CREATE INDEX on one line as SQLite echoes it: "
                              f"{statement}")
    ordered = {name: tables[name] for name in load_order(tables)}
    return Schema(Path(path), sql, ordered, indexes)


def _introspect(conn: sqlite3.Connection, name: str) -> Table:
    columns = tuple(
        Column(row[1], (row[2] or "").upper(), bool(row[3]), bool(row[5]))
        for row in conn.execute(f"PRAGMA table_info({quote(name)})"))
    foreign_keys = tuple(
        ForeignKey(row[3], row[2], row[4])
        for row in conn.execute(f"PRAGMA foreign_key_list({quote(name)})"))
    return Table(name, columns, foreign_keys)


def load_order(tables: dict[str, Table]) -> list[str]:
    """Topological order over foreign keys, ties by name; self-references allowed."""
    pending = {name: {fk.parent for fk in t.foreign_keys if fk.parent != name}
               for name, t in tables.items()}
    for name, parents in pending.items():
        unknown = parents - tables.keys()
        if unknown:
            raise SchemaError(f"table {name} references unknown table {sorted(unknown)[0]}")
    order: list[str] = []
    while pending:
        ready = sorted(name for name, parents in pending.items() if not parents - set(order))
        if not ready:
            raise SchemaError("foreign keys form a cycle between tables: "
                              + ", ".join(sorted(pending)))
        order.append(ready[0])
        del pending[ready[0]]
    return order
