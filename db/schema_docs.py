"""What db/schema.py does not report: comments, CHECK text and UNIQUE constraints.

SQLite reports columns, types, keys and foreign keys (``db.schema.load_schema``).
It does not report the ``-- table:`` purpose above a CREATE TABLE, the
``-- description`` after each column, or the text of CHECK constraints; those are
read from the statement text by a small scanner that respects quotes, parentheses
and comments. UNIQUE constraints are asked of SQLite (``PRAGMA index_list``).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from db.schema import ForeignKey, Schema, Table, quote
from utils.errors import SchemaError

_CREATE = re.compile(r'CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|\w+)\s*\(',
                     re.IGNORECASE)
_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|CHECK|UNIQUE|PRIMARY|FOREIGN)\b", re.IGNORECASE)
_INDEX = re.compile(r"CREATE (UNIQUE )?INDEX (\w+) ON (\w+) \(([\w, ]+)\);?", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnText:
    name: str
    description: str
    checks: tuple[str, ...]      # CHECK expressions written on the column, without CHECK ( )


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool


@dataclass(frozen=True)
class TableText:
    name: str
    purpose: str
    columns: dict[str, ColumnText]
    checks: tuple[str, ...]      # table-level CHECK expressions
    constraints: tuple[str, ...]  # other table-level constraints as written: UNIQUE (a, b)


def read_schema_text(schema: Schema) -> dict[str, TableText]:
    """Every CREATE TABLE of ``schema.sql`` with its comments and CHECK text, by table name."""
    tables = {}
    for match in _CREATE.finditer(schema.sql):
        name = _unquote(match.group(1))
        items = _split_items(schema.sql, match.end(), schema.path, name)
        tables[name] = _table_text(name, _purpose(schema.sql, match.start()), items)
    missing = sorted(set(schema.tables) - set(tables))
    if missing:
        raise SchemaError(f"{schema.path}: cannot find the CREATE TABLE text of {missing[0]}")
    for name, table in schema.tables.items():
        if list(tables[name].columns) != list(table.column_names):
            raise SchemaError(f"{schema.path}: the text of table {name} does not list the columns "
                              f"SQLite reports ({', '.join(table.column_names)})")
    return tables


def unique_keys(schema: Schema) -> dict[str, list[tuple[str, ...]]]:
    """The UNIQUE constraints of each table (not the primary key), as SQLite reports them."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema.table_sql())
        found: dict[str, list[tuple[str, ...]]] = {}
        for name in schema.tables:
            keys = []
            for row in conn.execute(f"PRAGMA index_list({quote(name)})"):
                if row[3] == "u":   # origin 'u': a UNIQUE constraint, not the key or an index
                    keys.append(tuple(r[2] for r in conn.execute(
                        f"PRAGMA index_info({quote(row[1])})")))
            found[name] = sorted(keys)
        return found
    finally:
        conn.close()


def parse_index(statement: str) -> Index:
    """A plain ``CREATE [UNIQUE] INDEX name ON table (columns)``; anything fancier is refused."""
    match = _INDEX.fullmatch(squash(statement))
    if not match:
        raise SchemaError(f"cannot read index (write CREATE INDEX name ON table (columns)): "
                          f"{statement}")
    unique, name, table, columns = match.groups()
    names = []
    for column in columns.split(","):   # a column, or a column COLLATE name (SQLite's own
        words = column.split()          # collations; other databases index the column)
        if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "COLLATE"):
            raise SchemaError(f"cannot read index column {column.strip()!r}: {statement}")
        names.append(words[0])
    return Index(name, table, tuple(names), bool(unique))


def foreign_keys(table: Table) -> list[ForeignKey]:
    """The table's foreign keys in column order (SQLite lists them last-declared first)."""
    return sorted(table.foreign_keys, key=lambda fk: table.column_names.index(fk.column))


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space, outside quoted literals."""
    parts = re.split(f"({_LITERAL.pattern})", text)
    return "".join(part if i % 2 else re.sub(r"\s+", " ", part)
                   for i, part in enumerate(parts)).strip()


def _unquote(identifier: str) -> str:
    if identifier.startswith('"'):
        return identifier[1:-1].replace('""', '"')
    return identifier


def _purpose(sql: str, start: int) -> str:
    """The ``-- table:`` comment in the block of comment lines directly above ``start``."""
    lines = sql[:start].rstrip("\n").split("\n")
    block: list[str] = []
    while lines and lines[-1].lstrip().startswith("--"):
        block.insert(0, lines.pop().strip()[2:].strip())
    for i, line in enumerate(block):
        if line.startswith("table:"):
            return " ".join([line[len("table:"):].strip()] + block[i + 1:])
    return ""


@dataclass
class _Item:
    code: str
    comments: list[str]


def _split_items(sql: str, start: int, path: object, table: str) -> list[_Item]:
    """Split a CREATE TABLE body at top-level commas; comments go to the item they follow.

    A comment on the same line after an item's comma belongs to that item, so
    ``name TEXT,  -- the name`` documents ``name``.
    """
    items: list[_Item] = []
    code: list[str] = []
    comments: list[str] = []
    depth, i = 0, start
    while i < len(sql):
        ch = sql[i]
        if ch in "'\"":
            literal = _LITERAL.match(sql, i)
            if not literal:
                raise SchemaError(f"{path}: unterminated quote in table {table}")
            code.append(literal.group())
            i = literal.end()
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            pending = "".join(code)
            after_comma = items and not pending.strip() and "\n" not in pending
            (items[-1].comments if after_comma else comments).append(sql[i + 2:end].strip())
            i = end
            continue
        if ch == ")" and depth == 0:
            items.append(_Item("".join(code), comments))
            return items
        if ch == "," and depth == 0:
            items.append(_Item("".join(code), comments))
            code, comments = [], []
            i += 1
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        code.append(ch)
        i += 1
    raise SchemaError(f"{path}: table {table} has no closing parenthesis")


def _table_text(name: str, purpose: str, items: list[_Item]) -> TableText:
    columns: dict[str, ColumnText] = {}
    checks: list[str] = []
    constraints: list[str] = []
    for item in items:
        code = squash(item.code)
        if _TABLE_CONSTRAINT.match(code):
            found = _checks(code)
            checks.extend(found)
            if not found:
                constraints.append(code)
            continue
        column = _unquote(re.match(r'"(?:[^"]|"")+"|\S+', code).group())
        columns[column] = ColumnText(column, " ".join(item.comments), tuple(_checks(code)))
    return TableText(name, purpose, columns, tuple(checks), tuple(constraints))


def _checks(code: str) -> list[str]:
    """The expressions inside each ``CHECK ( ... )`` of a definition, literals respected."""
    masked = _LITERAL.sub(lambda m: "_" * len(m.group()), code)
    found = []
    for match in _CHECK.finditer(masked):
        depth, i = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(masked[i], 0)
            i += 1
        found.append(code[match.end():i - 1].strip())
    return found
