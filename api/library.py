"""What the SQL console shows beside the editor: the tables with their columns (from
db/schema.sql) and every named query of queries/ as an example with its default values."""
from __future__ import annotations

from typing import Any

from api.tables import SCHEMA, TEXTS
from queries.runner import list_queries

LIBRARY_SCHEMA = {
    "type": "object", "required": ["tables", "queries"],
    "properties": {
        "tables": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "purpose": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "type": {"type": "string"},
                "description": {"type": "string"}}}}}}},
        "queries": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "file": {"type": "string"},
            "question": {"type": "string"}, "sql": {"type": "string"},
            "params": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "each :name's default as text; empty for NULL"}}}}}}


def library() -> dict[str, Any]:
    """Tables and columns as the schema declares them; each query's SQL and defaults."""
    tables = [{"name": t.name, "purpose": TEXTS[t.name].purpose,
               "columns": [{"name": c.name, "type": c.declared,
                            "description": TEXTS[t.name].columns[c.name].description}
                           for c in t.columns]}
              for t in SCHEMA.tables.values()]
    queries = [{"name": q.name, "file": f"queries/{q.path.name}", "question": q.question,
                "sql": q.sql.strip(),
                "params": {p.name: "" if p.default is None else str(p.default) for p in q.params}}
               for q in list_queries()]
    return {"tables": tables, "queries": queries}
