"""The realism scorecard: each metric of realism.json measured by its query, against its range.

A metric is one row of ``db/report/realism.json`` (id, label, unit, low, high, source,
reference, note, requires) and one query ``queries/realism/<id>.sql`` returning ``value`` and
``basis`` (how many rows the value rests on). A metric whose columns the database lacks
(an older schema) or whose value is undefined (nothing to measure) is "not measurable";
the others are "inside" or "outside" their range. Values are Decimals, so the same data
gives the same bytes.

Cost (issue 17): a query whose work grows with the orders, lines, products or users declares
``every`` and reads only the orders (products, users) whose key is a multiple of it: 1 up to
SAMPLE_ORDERS orders (exact at scale 10 of the issue 16 generator, about 22,000 orders), then
ceil(orders / SAMPLE_ORDERS), so its cost stops growing with the data. The sample is
systematic, hence deterministic; ``basis`` shows its size.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.connect import connect_readonly
from queries.runner import load_query, run_query
from utils.config import QUERIES_DIR
from utils.errors import KitError
from utils.fileio import read_input_text

REALISM_PATH = Path(__file__).resolve().with_name("realism.json")
REALISM_QUERIES = QUERIES_DIR / "realism"
INSIDE, OUTSIDE, NOT_MEASURABLE = "inside", "outside", "not measurable"
SAMPLE_ORDERS = 25_000
_FIELDS = ("id", "label", "unit", "low", "high", "source", "reference", "note", "requires")


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    source: dict[str, str]
    reference: str
    note: str
    requires: tuple[str, ...]

    def contains(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def load_metrics(path: Path = REALISM_PATH) -> list[Metric]:
    """The metrics of realism.json, checked field by field (a KitError names the metric)."""
    try:
        doc = json.loads(read_input_text(path), parse_float=Decimal, parse_int=Decimal)
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read {path}: {exc}") from None
    metrics = []
    for i, entry in enumerate(doc.get("metrics", [])):
        missing = [f for f in _FIELDS if f not in entry]
        if missing:
            raise KitError(f"{path}: metric {i + 1} has no field {missing[0]!r}")
        low, high = entry["low"], entry["high"]
        if low is not None and high is not None and low > high:
            raise KitError(f"{path}: metric {entry['id']}: low {low} is above high {high}")
        metrics.append(Metric(entry["id"], entry["label"], entry["unit"], low, high,
                              dict(entry["source"]), entry["reference"], entry["note"],
                              tuple(entry["requires"])))
    return metrics


def build_scorecard(conn: sqlite3.Connection, metrics: list[Metric] | None = None,
                    queries_dir: Path = REALISM_QUERIES) -> dict[str, Any]:
    """Every metric's value and verdict, and a count of each verdict."""
    present = _columns(conn)
    every = sample_every(conn) if "orders.order_id" in present else 1
    rows = [_measure(conn, m, present, queries_dir, every) for m in metrics or load_metrics()]
    counts = {status.replace(" ", "_"): sum(1 for r in rows if r["status"] == status)
              for status in (INSIDE, OUTSIDE, NOT_MEASURABLE)}
    return {"summary": {"metrics": len(rows), **counts, "sample_every": every}, "metrics": rows}


def sample_every(conn: sqlite3.Connection, limit: int = SAMPLE_ORDERS) -> int:
    """1 for up to ``limit`` orders, else the step that keeps about ``limit`` of them."""
    (orders,) = conn.execute("SELECT count(*) FROM orders").fetchone()
    return max(1, -(-orders // limit))


def scorecard_of(db_path: Path) -> dict[str, Any]:
    """The scorecard of a database file, read through a read-only connection."""
    conn = connect_readonly(db_path)
    try:
        return build_scorecard(conn)
    finally:
        conn.close()


def _measure(conn: sqlite3.Connection, metric: Metric, present: set[str],
             queries_dir: Path, every: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": metric.id, "label": metric.label, "unit": metric.unit,
                             "value": None, "basis": None, "low": metric.low, "high": metric.high,
                             "range": range_text(metric.low, metric.high)}
    missing = [c for c in metric.requires if c not in present]
    if missing:
        status, why = NOT_MEASURABLE, f"the database has no column {', '.join(missing)}"
    else:
        query = load_query(metric.id, queries_dir)
        sampled = {"every": every} if "every" in {p.name for p in query.params} else {}
        row = run_query(conn, query, sampled).rows[0]
        entry["value"], entry["basis"] = row["value"], row["basis"]
        if row["value"] is None:
            status, why = NOT_MEASURABLE, "nothing to measure in this data"
        else:
            status, why = (INSIDE if metric.contains(row["value"]) else OUTSIDE), ""
    entry.update({"status": status, "why": why, "source": metric.source,
                  "reference": metric.reference, "note": metric.note})
    return entry


def _columns(conn: sqlite3.Connection) -> set[str]:
    """Every ``table.column`` of the database, read from SQLite itself."""
    rows = conn.execute("SELECT m.name, c.name FROM sqlite_master AS m "
                        "JOIN pragma_table_info(m.name) AS c WHERE m.type = 'table'")
    return {f"{table}.{column}" for table, column in rows}


def range_text(low: Decimal | None, high: Decimal | None) -> str:
    """``0.05 – 0.2``, ``≥ 1.5``, ``≤ 0.01`` or ``any``."""
    if low is not None and high is not None:
        return f"{low}" if low == high else f"{low} – {high}"
    if low is not None:
        return f"≥ {low}"
    return "any" if high is None else f"≤ {high}"
