"""The integrity and trends report: report.json for machines, report.md for people.

Integrity: row counts (CSV, plus the rows change batches inserted, vs database), each
CSV's SHA-256 against the one recorded in submission_meta at ingest, SQLite's foreign-key
check, and every business check in db/checks/. Trends come from the named queries in queries/.
Nothing machine- or time-dependent goes in, so the same data gives the same bytes.
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.report.anomaly_eval import read_labels, score
from db.report.tally import hash_and_count
from db.checks import load_checks, run_check
from db.sources import DataInput, Dataset, reading_dataset
from db.meta import DATASET_KEYS, as_number, read_meta
from db.schema import load_schema, quote
from db.connect import connect_readonly
from queries.runner import load_query, run_query
from utils.config import CHECKS_DIR, KIT_NAME, META_TABLE, QUERIES_DIR
from utils.errors import KitError
from utils.fileio import to_json, write_outputs


def build_report(db_path: Path, data_dir: DataInput, schema_path: Path,
                 checks_dir: Path = CHECKS_DIR, queries_dir: Path = QUERIES_DIR) -> dict[str, Any]:
    """``data_dir``: the CSVs the database was ingested from (a directory, or its parts)."""
    schema = load_schema(schema_path)
    with reading_dataset(data_dir, must_exist=False) as dataset:  # never half-replaced CSVs
        conn = connect_readonly(db_path)
        try:
            meta = _meta(conn)
            tables = [_table_entry(conn, t.name, t.csv_name, dataset, meta["files"],
                                   meta["inserted"].get(t.csv_name, 0))
                      for t in schema.data_tables]
            checks = _structural_checks(conn, tables)
            for check in load_checks(checks_dir):
                outcome = run_check(conn, check)
                checks.append(_check_entry(check.name, check.description, check.table,
                                           outcome.violations,
                                           [f"{check.table} {row[0]}: {row[1]}" for row in outcome.examples]))
            def query(name: str, **params: Any) -> list[dict[str, Any]]:
                return run_query(conn, load_query(name, queries_dir), params).rows
            kpis = query("kpis")[0]
            trends = {
                "monthly": query("monthly_sales"),
                "payment_methods": query("payment_methods"),
                "revenue_by_category": [
                    {"category_id": r["top_category_id"], "category": r["top_category"],
                     "units": r["units"], "revenue": r["revenue"], "revenue_share": r["revenue_share"]}
                    for r in query("revenue_by_category") if r["category_id"] is None],
                "top_products": query("top_products", limit=10, by="revenue"),
            }
            anomalies = _anomalies(conn, query("anomalies"), dataset, meta["batches"])
        finally:
            conn.close()
    failed = [c["name"] for c in checks if not c["passed"]]
    return {
        "report": f"{KIT_NAME} integrity and trends",
        "dataset": meta["run"],
        "batches": meta["batches"],
        "passed": not failed,
        "summary": {"checks": len(checks), "passed": len(checks) - len(failed),
                    "failed": len(failed), "failed_checks": failed},
        "tables": tables,
        "checks": checks,
        "kpis": kpis,
        "trends": trends,
        "anomalies": anomalies,
    }


def _meta(conn: sqlite3.Connection) -> dict[str, Any]:
    try:
        meta = read_meta(conn)
    except sqlite3.Error as exc:
        raise KitError(f"the database has no readable {META_TABLE}: {exc}; re-run ingest") from None
    settings = meta.settings
    # Only dataset identity: python/sqlite versions would make the report machine-dependent.
    run_info = {key: settings.get(key, "unknown") for key in DATASET_KEYS}
    for key in ("seed", "scale"):
        run_info[key] = as_number(run_info[key])
    run_info["as_of"] = meta.as_of
    inserted: dict[str, int] = {}
    for batch in meta.batches:
        for entry in batch["files"]:
            inserted[entry["file"]] = inserted.get(entry["file"], 0) + entry["inserted"]
    return {"files": meta.files, "run": run_info, "batches": meta.batches, "inserted": inserted}


def _anomalies(conn: sqlite3.Connection, findings: list[dict[str, Any]], dataset: Dataset,
               batches: list[dict[str, Any]]) -> dict[str, Any]:
    """The anomaly query scored against the labels; after change batches, the labels are the
    base snapshot's, so only the orders placed by its as-of day are scored."""
    if not batches:
        return score(findings, _labels(dataset))
    day = batches[0]["from"]
    later = {row[0] for row in conn.execute("SELECT order_id FROM orders WHERE order_date > ?",
                                            (f"{day} 23:59:59",))}
    result = score([f for f in findings if f["order_id"] not in later], _labels(dataset))
    result["scope"] = (f"orders placed by {day}, the snapshot the labels come with; the "
                       f"{len(later)} orders of the change batches are not scored")
    return result


def _table_entry(conn: sqlite3.Connection, table: str, csv_name: str, dataset: Dataset,
                 recorded: dict[str, dict], batch_inserted: int) -> dict[str, Any]:
    (db_rows,) = conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()
    files = [_file_entry(name, path, recorded) for name, path in dataset.files(csv_name)]
    if not dataset.parts:
        one = files[0]
        return {"table": table, "file": csv_name, "csv_rows": one["csv_rows"], "db_rows": db_rows,
                "recorded_rows": one["recorded_rows"], "batch_inserted": batch_inserted,
                "sha256": one["sha256"],
                "recorded_sha256": one["recorded_sha256"], "sha256_matches": one["sha256_matches"]}

    def total(key: str) -> int | None:
        values = [f[key] for f in files]
        return None if None in values else sum(values)
    return {"table": table, "file": csv_name, "csv_rows": total("csv_rows"), "db_rows": db_rows,
            "recorded_rows": total("recorded_rows"), "batch_inserted": batch_inserted,
            "sha256": None, "recorded_sha256": None,
            "sha256_matches": all(f["sha256_matches"] for f in files), "parts": files}


def _file_entry(name: str, path: Path, recorded: dict[str, dict]) -> dict[str, Any]:
    """One CSV (or part file) against the SHA-256 and row count recorded at ingest."""
    csv_rows = sha = None
    if path.is_file():
        sha, csv_rows = hash_and_count(path)  # the tamper check: always redone
    entry = recorded.get(name, {})
    return {"file": name, "csv_rows": csv_rows, "recorded_rows": entry.get("rows"),
            "sha256": sha, "recorded_sha256": entry.get("sha256"),
            "sha256_matches": sha is not None and sha == entry.get("sha256")}


def _labels(dataset: Dataset) -> dict[int, str] | None:
    """The planted anomalies' labels, of every part."""
    labels: dict[int, str] = {}
    for directory in dataset.directories:
        found = read_labels(directory)
        if found is None:
            return None
        labels.update(found)
    return labels


def _check_entry(name: str, description: str, table: str | None, violations: int,
                 examples: list[str]) -> dict[str, Any]:
    return {"name": name, "description": description, "table": table,
            "passed": violations == 0, "violations": violations, "examples": examples}


def _structural_checks(conn: sqlite3.Connection, tables: list[dict]) -> list[dict[str, Any]]:
    count_problems = [
        f"{t['file']}: {t['csv_rows']} CSV rows"
        + (f" + {t['batch_inserted']} inserted by batches" if t["batch_inserted"] else "")
        + f", {t['db_rows']} in the database" for t in tables
        if t["csv_rows"] is None or t["csv_rows"] + t["batch_inserted"] != t["db_rows"]]
    hash_problems = [f"{f['file']}: " + ("missing" if f["sha256"] is None else
                                          "SHA-256 differs from submission_meta (edited after ingest?)")
                     for t in tables for f in t.get("parts", [t]) if not f["sha256_matches"]]
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    return [
        _check_entry("row_counts_match", "every table has as many rows as its CSV plus the rows "
                     "change batches inserted",
                     None, len(count_problems), count_problems[:5]),
        _check_entry("csv_sha256_matches_meta",
                     "every CSV's SHA-256 equals the one recorded in submission_meta at ingest",
                     None, len(hash_problems), hash_problems[:5]),
        _check_entry("foreign_keys", "PRAGMA foreign_key_check finds no dangling reference",
                     None, len(fk), [f"{r[0]} row {r[1]} -> {r[2]}" for r in fk[:5]]),
    ]


def write_report(report: dict[str, Any], out_dir: Path) -> list[Path]:
    return write_outputs(out_dir, {"report.json": to_json(report),
                                   "report.md": render_markdown(report)}, "the report")


def _group_numbers(value: Any) -> str:
    """Integers and Decimals with thousands separators (1,234.50); text as it is; None a dash."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_group_numbers(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: dict[str, Any]) -> str:
    d, s, k = report["dataset"], report["summary"], report["kpis"]
    verdict = "all checks passed" if report["passed"] else \
        f"{s['failed']} check(s) FAILED: {', '.join(s['failed_checks'])}"
    money = f" ({d['currency']})" if d.get("currency", "unknown") != "unknown" else ""
    out = ["# Integrity and trends report", "",
           f"Dataset: seed {d['seed']}, scale {d['scale']}, {d['generator']} "
           f"{d['generator_version']}, window {d['window_start']} to {d['window_end']}"
           f"{f', amounts in ' + d['currency'] if money else ''}. As of {d['as_of']}"
           f"{_batches_text(report['batches'])}.", "",
           f"**Result: {verdict}** ({s['passed']} of {s['checks']} passed).", "",
           "## Headline figures", "",
           "Revenue orders are paid, shipped or delivered.", ""]
    out += _table([f"revenue{money}", "revenue orders", "customers", f"average order value{money}",
                   "repeat-purchase rate", "all orders", "users"],
                  [[k["revenue"], k["orders"], k["customers"], k["avg_order_value"],
                    k["repeat_purchase_rate"], k["all_orders"], k["users"]]])
    out += _batches_table(report["batches"])
    out += ["## Row counts and file hashes", ""]
    out += _table(["table", "CSV rows", "database rows", "SHA-256 (CSV)", "matches submission_meta"],
                  [[t["table"], t["csv_rows"], t["db_rows"],
                    (t["sha256"] or "missing")[:16], "yes" if t["sha256_matches"] else "NO"]
                   for t in report["tables"]])
    out += ["## Integrity checks", ""]
    out += _table(["check", "result", "violations", "what it asserts"],
                  [[c["name"], "pass" if c["passed"] else "FAIL", c["violations"], c["description"]]
                   for c in report["checks"]])
    for c in report["checks"]:
        if c["examples"]:
            out += [f"Examples for `{c['name']}`:", ""] + [f"- {e}" for e in c["examples"]] + [""]
    t = report["trends"]
    out += ["## Revenue by month", ""]
    out += _table(["month", "orders", f"revenue{money}", f"average order value{money}"],
                  [[m["month"], m["orders"], m["revenue"], m["avg_order_value"]] for m in t["monthly"]])
    out += ["## Payment methods", ""]
    out += _table(["method", "attempts", "completed", "failed", "refunded", f"completed amount{money}",
                   "failure rate", "share of amount"],
                  [[p["payment_method"], p["payments"], p["completed"], p["failed"], p["refunded"],
                    p["completed_amount"], p["failure_rate"], p["amount_share"]]
                   for p in t["payment_methods"]])
    out += ["## Revenue by top-level category", ""]
    out += _table(["category", "units", f"revenue{money}", "share"],
                  [[c["category"], c["units"], c["revenue"], c["revenue_share"]]
                   for c in t["revenue_by_category"]])
    out += ["## Top 10 products by revenue", ""]
    out += _table(["rank", "product", "category", "units", f"revenue{money}"],
                  [[p["rank"], f"{p['name']} (#{p['product_id']})", p["category"], p["units"],
                    p["revenue"]] for p in t["top_products"]])
    out += _anomaly_lines(report["anomalies"])
    return "\n".join(out).rstrip("\n") + "\n"


def _anomaly_lines(a: dict[str, Any]) -> list[str]:
    out = ["## Anomaly detection (queries/anomalies.sql)", ""]
    if a.get("scope"):
        out += [f"Scored: {a['scope']}.", ""]
    if a["labelled_orders"] is None:
        out += [f"{a['flagged_orders']} orders flagged; {a['note']}, so no precision or recall.", ""]
    else:  # a ratio is None when nothing was flagged or nothing planted (a small scale, a zero rate)
        out += [f"{a['flagged_orders']} orders flagged, {a['labelled_orders']} planted: "
                f"precision {_ratio_text(a['precision'])}, recall {_ratio_text(a['recall'])}.", ""]
        out += _table(["planted pattern", "planted orders", "found", "recall"],
                      [[p["pattern"], p["planted"], p["found"], p["recall"]]
                       for p in a["by_pattern"]])
    return out


def _batches_table(batches: list[dict[str, Any]]) -> list[str]:
    """The change batches applied, oldest first (nothing for a database as ingested)."""
    if not batches:
        return []
    return ["## Change batches applied", ""] + _table(
        ["from (exclusive)", "to", "rows", "inserted", "updated"],
        [[b["from"], b["to"], sum(f["rows"] for f in b["files"]),
          sum(f["inserted"] for f in b["files"]), sum(f["rows"] - f["inserted"] for f in b["files"])]
         for b in batches])


def _batches_text(batches: list[dict[str, Any]]) -> str:
    """How the database came to its as-of day: the snapshot's day and the batches since."""
    if not batches:
        return ""
    return (f" (the snapshot as of {batches[0]['from']} and {len(batches)} change "
            f"batch{'es' if len(batches) > 1 else ''} applied, through {batches[-1]['to']})")


def _ratio_text(ratio: Any) -> str:
    """A precision or recall, or "n/a" when its denominator is zero."""
    return "n/a" if ratio is None else str(ratio)
