"""An independent re-computation of the analytics from the CSVs, in plain Python with Decimal.

It shares no code with the SQL: if both agree to the cent on generated data,
the queries compute what their headers say.
"""
from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REVENUE = ("paid", "shipped", "delivered")
CENT, BASIS = Decimal("0.01"), Decimal("0.0001")


def read(data_dir: Path, table: str) -> list[dict[str, str]]:
    with open(Path(data_dir) / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def ratio(numerator, denominator, quantum: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def cohort_clv(data_dir: Path) -> list[dict]:
    users = read(data_dir, "users")
    orders = read(data_dir, "orders")
    manifest = data_dir / "manifest.json"  # an as-of snapshot: maturity by its day
    as_of = json.loads(manifest.read_text(encoding="utf-8")).get("as_of") \
        if manifest.is_file() else None
    latest = date.fromisoformat(as_of) if as_of else max(ts(o["order_date"]) for o in orders).date()
    signup = {u["user_id"]: ts(u["signup_date"]) for u in users}
    by_user: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for o in orders:
        if o["status"] in REVENUE:
            by_user[o["user_id"]].append((ts(o["order_date"]), Decimal(o["total_amount"])))
    cohorts: dict[str, list[str]] = defaultdict(list)
    for u in users:
        cohorts[u["signup_date"][:7]].append(u["user_id"])
    rows = []
    for month in sorted(cohorts):
        members = cohorts[month]
        year, mon = int(month[:4]), int(month[5:])
        last_day = (date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1))
        buyers = [m for m in members if by_user[m]]
        n_orders = sum(len(by_user[m]) for m in members)
        revenue = sum((a for m in members for _, a in by_user[m]), Decimal("0"))
        row = {
            "cohort_month": month, "cohort_size": len(members), "buyers": len(buyers),
            "orders": n_orders, "revenue": revenue.quantize(CENT),
            "avg_order_value": ratio(revenue, n_orders, CENT),
            "clv": ratio(revenue, len(members), CENT),
            "repeat_rate": ratio(sum(1 for m in buyers if len(by_user[m]) >= 2), len(buyers), BASIS),
        }
        for days in (30, 90, 365):
            if last_day + timedelta(days=days) > latest:
                row[f"clv_{days}d"] = None
                continue
            early = sum((a for m in members for when, a in by_user[m]
                         if (when - signup[m]).total_seconds() < days * 86400), Decimal("0"))
            row[f"clv_{days}d"] = ratio(early, len(members), CENT)
        rows.append(row)
    return rows


def kpis(data_dir: Path) -> dict:
    orders = [o for o in read(data_dir, "orders") if o["status"] in REVENUE]
    revenue = sum((Decimal(o["total_amount"]) for o in orders), Decimal("0"))
    per_user = Counter(o["user_id"] for o in orders)
    return {
        "revenue": revenue.quantize(CENT), "orders": len(orders), "customers": len(per_user),
        "avg_order_value": ratio(revenue, len(orders), CENT),
        "repeat_purchase_rate": ratio(sum(1 for n in per_user.values() if n >= 2), len(per_user), BASIS),
        "all_orders": len(read(data_dir, "orders")), "users": len(read(data_dir, "users")),
    }


def monthly_sales(data_dir: Path) -> list[dict]:
    months: dict[str, list[Decimal]] = defaultdict(list)
    for o in read(data_dir, "orders"):
        if o["status"] in REVENUE:
            months[o["order_date"][:7]].append(Decimal(o["total_amount"]))
    return [{"month": m, "orders": len(v), "revenue": sum(v, Decimal("0")).quantize(CENT),
             "avg_order_value": ratio(sum(v, Decimal("0")), len(v), CENT)}
            for m, v in sorted(months.items())]


def payment_methods(data_dir: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    payments = read(data_dir, "payments")
    total = sum((Decimal(p["amount"]) for p in payments if p["status"] == "completed"), Decimal("0"))
    for method in sorted({p["payment_method"] for p in payments}):
        mine = [p for p in payments if p["payment_method"] == method]
        status = Counter(p["status"] for p in mine)
        amount = sum((Decimal(p["amount"]) for p in mine if p["status"] == "completed"), Decimal("0"))
        out[method] = {"payment_method": method, "payments": len(mine),
                       "completed": status["completed"], "failed": status["failed"],
                       "refunded": status["refunded"], "completed_amount": amount.quantize(CENT),
                       "failure_rate": ratio(status["failed"], len(mine), BASIS),
                       "amount_share": ratio(amount, total, BASIS)}
    return out


def line_sales(data_dir: Path) -> tuple[dict[str, int], dict[str, Decimal]]:
    """Units and revenue per product_id over the lines of revenue orders."""
    revenue_orders = {o["order_id"] for o in read(data_dir, "orders") if o["status"] in REVENUE}
    units: Counter = Counter()
    money: dict[str, Decimal] = defaultdict(Decimal)
    for line in read(data_dir, "order_items"):
        if line["order_id"] in revenue_orders:
            units[line["product_id"]] += int(line["quantity"])
            money[line["product_id"]] += Decimal(line["line_total"])
    return units, money


def revenue_by_top_category(data_dir: Path) -> dict[str, Decimal]:
    categories = {c["category_id"]: c for c in read(data_dir, "categories")}
    product_category = {p["product_id"]: p["category_id"] for p in read(data_dir, "products")}
    _, money = line_sales(data_dir)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for product, amount in money.items():
        leaf = categories[product_category[product]]
        top = categories[leaf["parent_id"]] if leaf["parent_id"] else leaf
        out[top["name"]] += amount
    return dict(out)


def revenue_orders(data_dir: Path) -> list[dict[str, str]]:
    return [o for o in read(data_dir, "orders") if o["status"] in REVENUE]


def per_user_revenue(data_dir: Path) -> dict[str, list[Decimal]]:
    out: dict[str, list[Decimal]] = defaultdict(list)
    for o in revenue_orders(data_dir):
        out[o["user_id"]].append(Decimal(o["total_amount"]))
    return out


def revenue_per_user(data_dir: Path) -> list[tuple[int, int, Decimal]]:
    spend = per_user_revenue(data_dir)
    rows = [(int(u["user_id"]), len(spend[u["user_id"]]),
             sum(spend[u["user_id"]], Decimal("0")).quantize(CENT)) for u in read(data_dir, "users")]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def revenue_series(data_dir: Path, key) -> list[tuple[str, int, Decimal]]:
    buckets: dict[str, list[Decimal]] = defaultdict(list)
    for o in revenue_orders(data_dir):
        buckets[key(ts(o["order_date"]))].append(Decimal(o["total_amount"]))
    return [(k, len(v), sum(v, Decimal("0")).quantize(CENT)) for k, v in sorted(buckets.items())]


def week_start(when: datetime) -> str:
    return (when.date() - timedelta(days=when.weekday())).isoformat()
