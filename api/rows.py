"""Single rows of a table resource, with their embedded children, by primary key.

The SQL and the value converters of each resource are built once (``_reader``): a detail
request only binds its key, runs the statements and converts the values.
"""
from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import Any, Callable

from api.tables import RESOURCES, SCHEMA, Resource, column_reader, quote

Converter = Callable[[Any], Any]


@lru_cache(maxsize=None)
def _reader(resource_name: str) -> tuple[str, tuple[str, ...], tuple[Converter, ...]]:
    """The SELECT of one row by key, its column names and converters."""
    resource = RESOURCES[resource_name]
    table = resource.table
    sql = (f"SELECT {', '.join(quote(c) for c in table.column_names)} "
           f"FROM {quote(table.name)} WHERE {quote(resource.key)} = ?")
    return sql, table.column_names, tuple(column_reader(c) for c in table.columns)


@lru_cache(maxsize=None)
def _children_reader(resource_name: str, embed_key: str
                     ) -> tuple[str, tuple[str, ...], tuple[Converter, ...]]:
    """The SELECT of an embed's child rows by parent key, with the names it adds."""
    resource = RESOURCES[resource_name]
    embed = next(e for e in resource.embeds if e.key == embed_key)
    child = SCHEMA.tables[embed.table]
    link = next(fk.column for fk in child.foreign_keys if fk.parent == resource.name)
    select = [f"c.{quote(c)}" for c in child.column_names]
    names = list(child.column_names)
    joins, converters = [], [column_reader(c) for c in child.columns]
    for i, (column, key_name) in enumerate(embed.names):
        fk = next(fk for fk in child.foreign_keys if fk.column == column)
        select.append(f"p{i}.{quote('name')} AS {quote(key_name)}")
        names.append(key_name)
        joins.append(f" LEFT JOIN {quote(fk.parent)} AS p{i} "
                     f"ON p{i}.{quote(fk.parent_column)} = c.{quote(column)}")
        converters.append(lambda v: v)
    order = quote(child.primary_key or "rowid")
    sql = (f"SELECT {', '.join(select)} FROM {quote(child.name)} AS c"
           f"{''.join(joins)} WHERE c.{quote(link)} = ? ORDER BY c.{order}")
    return sql, tuple(names), tuple(converters)


def _read(conn: sqlite3.Connection, reader: tuple[str, tuple[str, ...], tuple[Converter, ...]],
          key: int) -> list[dict[str, Any]]:
    sql, names, converters = reader
    return [{n: fn(v) for n, fn, v in zip(names, converters, row)}
            for row in conn.execute(sql, (key,))]


def get_row(conn: sqlite3.Connection, resource: Resource, key: int) -> dict[str, Any] | None:
    """The row with primary key ``key``, with its embedded child rows; None if there is none."""
    rows = _read(conn, _reader(resource.name), key)
    if not rows:
        return None
    row = rows[0]
    for embed in resource.embeds:
        row[embed.key] = _read(conn, _children_reader(resource.name, embed.key), key)
    return row


def exists(conn: sqlite3.Connection, resource: Resource, key: int) -> bool:
    return conn.execute(f"SELECT 1 FROM {quote(resource.name)} WHERE {quote(resource.key)} = ?",
                        (key,)).fetchone() is not None
