"""The integrity and trends report: report.json for machines, report.md for people.

Integrity: row counts (CSV vs database), each CSV's SHA-256 against the one
recorded in submission_meta at ingest, SQLite's foreign-key check, and every
business check in db/checks/. Trends come from the named queries in queries/; the
realism scorecard (db/report/realism.py) from queries/realism/ against realism.json's ranges.
Nothing machine- or time-dependent goes in, so the same data gives the same bytes.
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.report.anomaly_eval import read_labels, score
from db.report.realism import build_scorecard
from db.report.tally import hash_and_count
from db.checks import load_checks, run_check
from db.meta import DATASET_KEYS, as_number, read_meta
from db.schema import load_schema, quote
from db.connect import connect_readonly
from queries.runner import load_query, run_query
from utils.config import CHECKS_DIR, KIT_NAME, META_TABLE, QUERIES_DIR
from utils.errors import KitError
from utils.fileio import to_json, write_outputs
from utils.locking import reading_data


def build_report(db_path: Path, data_dir: Path, schema_path: Path,
                 checks_dir: Path = CHECKS_DIR, queries_dir: Path = QUERIES_DIR) -> dict[str, Any]:
    schema = load_schema(schema_path)
    with reading_data(Path(data_dir)):  # never the CSVs of a half-replaced data directory
        conn = connect_readonly(db_path)
        try:
            meta = _meta(conn)
            tables = [_table_entry(conn, t.name, t.csv_name, Path(data_dir), meta["files"])
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
            anomalies = score(query("anomalies"), read_labels(Path(data_dir)))
            realism = build_scorecard(conn)
        finally:
            conn.close()
    failed = [c["name"] for c in checks if not c["passed"]]
    return {
        "report": f"{KIT_NAME} integrity and trends",
        "dataset": meta["run"],
        "passed": not failed,
        "summary": {"checks": len(checks), "passed": len(checks) - len(failed),
                    "failed": len(failed), "failed_checks": failed},
        "tables": tables,
        "checks": checks,
        "kpis": kpis,
        "trends": trends,
        "anomalies": anomalies,
        "realism": realism,
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
    return {"files": meta.files, "run": run_info}


def _table_entry(conn: sqlite3.Connection, table: str, csv_name: str, data_dir: Path,
                 recorded: dict[str, dict]) -> dict[str, Any]:
    (db_rows,) = conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()
    path = data_dir / csv_name
    csv_rows = sha = None
    if path.is_file():
        sha, csv_rows = hash_and_count(path)  # the tamper check: always redone
    entry = recorded.get(csv_name, {})
    return {
        "table": table, "file": csv_name,
        "csv_rows": csv_rows, "db_rows": db_rows, "recorded_rows": entry.get("rows"),
        "sha256": sha, "recorded_sha256": entry.get("sha256"),
        "sha256_matches": sha is not None and sha == entry.get("sha256"),
    }


def _check_entry(name: str, description: str, table: str | None, violations: int,
                 examples: list[str]) -> dict[str, Any]:
    return {"name": name, "description": description, "table": table,
            "passed": violations == 0, "violations": violations, "examples": examples}


def _structural_checks(conn: sqlite3.Connection, tables: list[dict]) -> list[dict[str, Any]]:
    count_problems = [f"{t['file']}: {t['csv_rows']} CSV rows, {t['db_rows']} in the database"
                      for t in tables if t["csv_rows"] != t["db_rows"]]
    hash_problems = [f"{t['file']}: " + ("missing" if t["sha256"] is None else
                                          "SHA-256 differs from submission_meta (edited after ingest?)")
                     for t in tables if not t["sha256_matches"]]
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    return [
        _check_entry("row_counts_match", "every CSV has as many data rows as its table",
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
           f"{f', amounts in ' + d['currency'] if money else ''}.", "",
           f"**Result: {verdict}** ({s['passed']} of {s['checks']} passed).", "",
           "## Headline figures", "",
           "Revenue orders are paid, shipped or delivered.", ""]
    out += _table([f"revenue{money}", "revenue orders", "customers", f"average order value{money}",
                   "repeat-purchase rate", "all orders", "users"],
                  [[k["revenue"], k["orders"], k["customers"], k["avg_order_value"],
                    k["repeat_purchase_rate"], k["all_orders"], k["users"]]])
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
    a = report["anomalies"]
    out += ["## Anomaly detection (queries/anomalies.sql)", ""]
    if a["labelled_orders"] is None:
        out += [f"{a['flagged_orders']} orders flagged; {a['note']}, so no precision or recall.", ""]
    else:  # a ratio is None when nothing was flagged or nothing planted (a small scale, a zero rate)
        out += [f"{a['flagged_orders']} orders flagged, {a['labelled_orders']} planted: "
                f"precision {_ratio_text(a['precision'])}, recall {_ratio_text(a['recall'])}.", ""]
        out += _table(["planted pattern", "planted orders", "found", "recall"],
                      [[p["pattern"], p["planted"], p["found"], p["recall"]]
                       for p in a["by_pattern"]])
    out += _realism_lines(report["realism"])
    return "\n".join(out).rstrip("\n") + "\n"


def _realism_lines(realism: dict[str, Any]) -> list[str]:
    """The scorecard: each metric's value against its sourced range (db/report/realism.json)."""
    s = realism["summary"]
    out = ["## Realism scorecard", "",
           f"{s['inside']} of {s['metrics']} metrics inside their reference range, "
           f"{s['outside']} outside, {s['not_measurable']} not measurable "
           "(queries/realism/, ranges and sources in db/report/realism.json)"
           + ("." if s["sample_every"] == 1 else
              f"; metrics whose work grows with the data read every "
              f"{s['sample_every']}th order, product or user."), ""]
    out += _table(["metric", "value", "range", "verdict", "reference", "source"],
                  [[f"{m['label']} (`{m['id']}`)", m["value"], m["range"],
                    m["status"] + (f": {m['why']}" if m["why"] else ""), m["reference"],
                    f"[{m['source']['name']}]({m['source']['url']})"]
                   for m in realism["metrics"]])
    return out


def _ratio_text(ratio: Any) -> str:
    """A precision or recall, or "n/a" when its denominator is zero."""
    return "n/a" if ratio is None else str(ratio)
