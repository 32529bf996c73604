"""Test-made as-of snapshots and change batches, cut from one full dataset.

Independent of the generator's own --as-of and --changes: a row exists as of a day when
its own time (signup, order, review) is on or before that day's end; an order brings
its lines and payments; products and categories always exist. So that batches also
update rows, every fifth user lives in "Old Town" until ten days after signing up.
Batches are the difference between two such snapshots, in the batch format of
/work/notes/batch_format.md (an ``op`` column, then the table's columns).
"""
from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

from utils.config import MANIFEST_NAME
from utils.fileio import sha256_file

TABLES = ("categories", "users", "products", "orders", "order_items", "payments", "reviews")
TIMES = {"users": "signup_date", "orders": "order_date", "reviews": "review_date"}
SETTINGS = ("generator", "generator_version", "seed", "scale", "window", "currency",
            "rate_overrides")


def read_tables(data_dir: Path) -> dict[str, tuple[list[str], list[list[str]]]]:
    tables = {}
    for name in TABLES:
        with open(data_dir / f"{name}.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        tables[name] = (rows[0], rows[1:])
    return tables


def as_of(tables: dict, day: date) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
    """Every table as it stood at the end of ``day``: key -> row."""
    end = f"{day} 23:59:59"
    result = {}
    for name, (header, rows) in tables.items():
        index = header.index(TIMES[name]) if name in TIMES else None
        kept = [list(r) for r in rows if index is None or r[index] <= end]
        result[name] = (header, {int(r[0]): r for r in kept})
    orders = result["orders"][1]
    for name in ("order_items", "payments"):
        header, rows = tables[name]
        at = header.index("order_id")
        result[name] = (header, {int(r[0]): list(r) for r in rows if int(r[at]) in orders})
    header, users = result["users"]
    signed = header.index("signup_date")
    for key, row in users.items():
        moved = date.fromisoformat(row[signed][:10]) + timedelta(days=10)
        if key % 5 == 0 and day < moved:
            row[header.index("city")] = "Old Town"
    return result


def _write(path: Path, header: list[str], rows: list[list[str]]) -> int:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def write_snapshot(full: Path, day: date, out: Path) -> Path:
    """The snapshot as of ``day`` of the dataset in ``full``, with its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    source = json.loads((full / MANIFEST_NAME).read_text(encoding="utf-8"))
    files = []
    for name, (header, rows) in as_of(read_tables(full), day).items():
        count = _write(out / f"{name}.csv", header, [rows[k] for k in sorted(rows)])
        files.append({"file": f"{name}.csv", "table": name, "rows": count,
                      "sha256": sha256_file(out / f"{name}.csv")})
    manifest = {k: source[k] for k in SETTINGS if k in source}
    manifest.update({"as_of": day.isoformat(), "files": files})
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


def write_changes(full: Path, start: date, end: date, out: Path, **override) -> Path:
    """The change batch (start, end] of the dataset in ``full``; ``override`` edits the
    manifest (another seed, a wrong "from")."""
    out.mkdir(parents=True, exist_ok=True)
    tables = read_tables(full)
    before, after = as_of(tables, start), as_of(tables, end)
    source = json.loads((full / MANIFEST_NAME).read_text(encoding="utf-8"))
    files = {}
    for name in TABLES:
        header, old = before[name]
        _, new = after[name]
        rows = [["insert" if k not in old else "update"] + new[k]
                for k in sorted(new) if old.get(k) != new[k]]
        path = out / f"{name}.csv"
        count = _write(path, ["op"] + header, rows)
        files[path.name] = {"sha256": sha256_file(path), "rows": count}
    manifest = {"kind": "changes", **{k: source[k] for k in SETTINGS if k in source},
                "from": start.isoformat(), "to": end.isoformat(), "files": files}
    manifest.update(override)
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


def window(full: Path) -> tuple[date, date]:
    manifest = json.loads((full / MANIFEST_NAME).read_text(encoding="utf-8"))
    return (date.fromisoformat(manifest["window"]["start"][:10]),
            date.fromisoformat(manifest["window"]["end"][:10]))
