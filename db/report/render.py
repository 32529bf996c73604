"""report.md: the report as people read it, rendered from the report.json dictionary."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from utils.fileio import to_json, write_outputs


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
    out += _realism_lines(report["realism"])
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
