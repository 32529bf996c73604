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
    batches: list[dict[str, Any]]     # applied change batches in order: {"from", "to", "files"}

    @property
    def as_of(self) -> str:
        """The day the database stands at: the snapshot's as-of date advanced by each batch,
        or (a full dataset) the window's last day."""
        return self.settings.get("as_of") or self.settings.get("window_end", "unknown")[:10]


def read_meta(conn: sqlite3.Connection) -> Meta:
    """submission_meta's rows, by file and by setting; raises sqlite3.Error if unreadable."""
    rows = conn.execute(f"SELECT kind, file_name, sha256, row_count, key, value, inserted "
                        f"FROM {quote(META_TABLE)} ORDER BY meta_id").fetchall()
    files = {r[1]: {"sha256": r[2], "rows": r[3]} for r in rows if r[0] == "file"}
    settings = {r[4]: r[5] for r in rows if r[0] == "run"}
    batches: dict[tuple[str, str], dict[str, Any]] = {}
    for _, name, sha256, count, end, start, inserted in (r for r in rows if r[0] == "batch"):
        batch = batches.setdefault((start, end), {"from": start, "to": end, "files": []})
        batch["files"].append({"file": name, "sha256": sha256, "rows": count,
                               "inserted": inserted})
    return Meta(rows, files, settings, list(batches.values()))


def as_number(text: str | None) -> Any:
    """A recorded setting (seed, scale) as a number, as report.json has it; else unchanged."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return text
    return int(value) if value.is_integer() else value
