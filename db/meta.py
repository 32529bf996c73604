"""Reading submission_meta back: the provenance the ingester recorded."""
from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from db.schema import quote
from utils.config import META_TABLE


# The settings that identify a dataset, as the report and /api/health show them.
DATASET_KEYS = ("generator", "generator_version", "seed", "scale", "window_start", "window_end",
                "currency")


class Meta(NamedTuple):
    rows: list[tuple]                 # every row, in insertion order (for fingerprints)
    files: dict[str, dict[str, Any]]  # CSV name -> {"sha256", "rows"}
    settings: dict[str, str]          # run setting -> value as text


def read_meta(conn: sqlite3.Connection) -> Meta:
    """submission_meta's rows, by file and by setting; raises sqlite3.Error if unreadable."""
    rows = conn.execute(f"SELECT kind, file_name, sha256, row_count, key, value "
                        f"FROM {quote(META_TABLE)} ORDER BY meta_id").fetchall()
    files = {r[1]: {"sha256": r[2], "rows": r[3]} for r in rows if r[0] == "file"}
    settings = {r[4]: r[5] for r in rows if r[0] == "run"}
    return Meta(rows, files, settings)


def as_number(text: str | None) -> Any:
    """A recorded setting (seed, scale) as a number, as report.json has it; else unchanged."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return text
    return int(value) if value.is_integer() else value
