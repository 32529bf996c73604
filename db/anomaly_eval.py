"""Scores the anomaly query against the generator's ground truth (data/labels/anomalies.csv)."""
from __future__ import annotations

import csv
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from utils.errors import KitError

LABELS = Path("labels") / "anomalies.csv"


def read_labels(data_dir: Path) -> dict[int, str] | None:
    """order_id -> planted pattern, or None when the dataset carries no labels."""
    path = Path(data_dir) / LABELS
    if not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return {int(row["order_id"]): row["pattern"] for row in csv.DictReader(handle)}
    except (OSError, KeyError, ValueError, csv.Error) as exc:
        raise KitError(f"{path}: unreadable anomaly labels: {exc}") from None


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score(findings: list[dict[str, Any]], labels: dict[int, str] | None) -> dict[str, Any]:
    """Order-level precision and recall overall, and recall per planted pattern."""
    flagged = {row["order_id"] for row in findings}
    rules = Counter(row["pattern"] for row in findings)
    result: dict[str, Any] = {"flagged_orders": len(flagged), "findings_by_rule": dict(sorted(rules.items()))}
    if labels is None:
        result.update(labelled_orders=None, true_positives=None, precision=None, recall=None,
                      by_pattern=[], note=f"no {LABELS.as_posix()} in the data directory")
        return result
    hits = flagged & labels.keys()
    planted = Counter(labels.values())
    found = Counter(labels[order] for order in hits)
    result.update(
        labelled_orders=len(labels), true_positives=len(hits),
        precision=_ratio(len(hits), len(flagged)), recall=_ratio(len(hits), len(labels)),
        by_pattern=[{"pattern": p, "planted": planted[p], "found": found[p],
                     "recall": _ratio(found[p], planted[p])} for p in sorted(planted)])
    return result
