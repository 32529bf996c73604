"""Issue 4: the data behaves like a shop. Fixed seeds, honest thresholds, no SQL involved."""
from __future__ import annotations

import math
import statistics
import unittest
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import helpers
import oracle
from db.report.anomaly_eval import read_labels, score
from db.connect import connect_readonly
from queries.runner import load_query, run_query


class Distributions(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.data_dir = helpers.small_dataset(helpers.temp_dir(cls.case), seed=42, scale=2)
        cls.t = {name: oracle.read(cls.data_dir, name) for name in
                 ("users", "products", "orders", "order_items", "reviews", "payments")}
        cls.spend = oracle.per_user_revenue(cls.data_dir)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def test_log_prices_roughly_symmetric_per_category(self) -> None:
        by_category = defaultdict(list)
        for p in self.t["products"]:
            by_category[p["category_id"]].append(math.log(float(p["price"])))
        medians = []
        for category, logs in by_category.items():
            if len(logs) < 30:
                continue
            mean, sd = statistics.fmean(logs), statistics.pstdev(logs)
            skew = sum((x - mean) ** 3 for x in logs) / len(logs) / sd ** 3
            self.assertLess(abs(skew), 0.8, f"category {category}: skew {skew:.2f}")
            medians.append(statistics.median(logs))
        self.assertGreater(max(medians) - min(medians), math.log(20))  # categories differ in level

    def test_top_decile_of_users_holds_over_30_percent_of_revenue(self) -> None:
        totals = sorted((sum(v) for v in self.spend.values()), reverse=True)
        top = totals[:len(self.t["users"]) // 10]
        self.assertGreater(sum(top) / sum(totals), Decimal("0.30"))

    def test_at_least_40_percent_one_time_buyers_and_overdispersion(self) -> None:
        counts = [len(v) for v in self.spend.values()]
        self.assertGreaterEqual(sum(1 for c in counts if c == 1) / len(counts), 0.40)
        all_users = counts + [0] * (len(self.t["users"]) - len(counts))
        # Poisson would give variance = mean; BG/NBD churn with gamma rates gives well over it
        self.assertGreater(statistics.pvariance(all_users), 1.5 * statistics.fmean(all_users))

    def test_popularity_is_zipf_like(self) -> None:
        units = Counter()
        for line in self.t["order_items"]:
            units[line["product_id"]] += int(line["quantity"])
        ranked = sorted(units.values(), reverse=True)
        top = ranked[:len(self.t["products"]) // 10]
        self.assertGreater(sum(top) / sum(ranked), 0.25)

    def test_basket_size_decays(self) -> None:
        sizes = Counter(Counter(line["order_id"] for line in self.t["order_items"]).values())
        self.assertGreater(sizes[1], sizes[2])
        self.assertGreater(sizes[2], sizes[3])
        self.assertGreater(sizes[3], sizes[5])

    def test_demand_falls_with_price_and_baskets_are_small(self) -> None:
        price = {p["product_id"]: Decimal(p["price"]) for p in self.t["products"]}
        units = Counter()
        for line in self.t["order_items"]:
            units[line["product_id"]] += int(line["quantity"])
        cheap = [units[p] for p, v in price.items() if v < 30]
        dear = [units[p] for p, v in price.items() if v >= 300]
        self.assertGreater(statistics.fmean(cheap), 2 * statistics.fmean(dear))
        sizes = Counter(Counter(line["order_id"] for line in self.t["order_items"]).values())
        self.assertGreater(sizes[1] / sum(sizes.values()), 0.6)
        totals = [Decimal(o["total_amount"]) for o in self.t["orders"]]
        self.assertTrue(80 < statistics.fmean(totals) < 200)
        self.assertLess(sum(t > 500 for t in totals) / len(totals), 0.08)

    def test_late_deliveries_weigh_toward_one_star_and_reviews_are_rare(self) -> None:
        orders = {o["order_id"]: o for o in self.t["orders"]}
        line_order = {}
        for line in self.t["order_items"]:
            order = orders[line["order_id"]]
            if order["delivered_at"]:
                line_order[(order["user_id"], line["product_id"])] = order
        ones: dict[bool, list[bool]] = defaultdict(list)
        for review in self.t["reviews"]:
            order = line_order[(review["user_id"], review["product_id"])]
            late = (oracle.ts(order["delivered_at"]) - oracle.ts(order["order_date"])).days >= 7
            ones[late].append(review["rating"] == "1")
        self.assertGreater(statistics.fmean(ones[True]), 3 * statistics.fmean(ones[False]))
        self.assertLess(len(self.t["reviews"]) / len(orders), 0.10)

    def test_fashion_returned_most_books_least(self) -> None:
        top = {c["category_id"]: c["parent_id"] for c in oracle.read(self.data_dir, "categories")}
        names = {c["category_id"]: c["name"] for c in oracle.read(self.data_dir, "categories")}
        category = {p["product_id"]: names[top[p["category_id"]]] for p in self.t["products"]}
        refunds = Counter((p["order_id"], p["amount"]) for p in self.t["payments"]
                          if p["status"] == "refunded")
        lines, returned = Counter(), Counter()
        for line in self.t["order_items"]:
            key = (line["order_id"], line["line_total"])
            lines[category[line["product_id"]]] += 1
            if refunds[key]:
                refunds[key] -= 1
                returned[category[line["product_id"]]] += 1
        rate = {name: returned[name] / lines[name] for name in lines}
        self.assertEqual(max(rate, key=rate.get), "Fashion")
        self.assertEqual(min(rate, key=rate.get), "Books & Media")

    def test_event_days_and_time_zones(self) -> None:
        daily = Counter(o["order_date"][:10] for o in self.t["orders"])
        november = sorted(daily[f"2024-11-{d:02d}"] for d in range(1, 31))
        self.assertGreater(daily["2024-11-29"], 3 * november[15])  # Black Friday 2024
        country = {u["user_id"]: u["country"] for u in self.t["users"]}
        hours: dict[str, Counter] = defaultdict(Counter)
        for o in self.t["orders"]:
            hours[country[o["user_id"]]][int(o["order_date"][11:13])] += 1
        peak = {c: hours[c].most_common(1)[0][0] for c in ("India", "United States")}
        self.assertNotEqual(peak["India"], peak["United States"])  # stored in UTC

    def test_payment_mix_differs_by_country(self) -> None:
        country = {u["user_id"]: u["country"] for u in self.t["users"]}
        by_order = {o["order_id"]: country[o["user_id"]] for o in self.t["orders"]}
        mix: dict[str, Counter] = defaultdict(Counter)
        for p in self.t["payments"]:
            if p["status"] == "completed":
                mix[by_order[p["order_id"]]][p["payment_method"]] += 1
        share = {c: {m: n / sum(mix[c].values()) for m, n in mix[c].items()} for c in mix}
        self.assertGreater(share["Netherlands"]["bank"], 2 * share["United States"]["bank"])
        self.assertGreater(share["Germany"]["paypal"], share["United States"]["paypal"])

    def test_q4_revenue_per_day_above_the_yearly_mean(self) -> None:
        for year in (2023, 2024):
            days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days
            revenue = [(o["order_date"][5:7], Decimal(o["total_amount"]))
                       for o in oracle.revenue_orders(self.data_dir) if o["order_date"].startswith(str(year))]
            yearly = sum(v for _, v in revenue) / days_in_year
            q4 = sum(v for m, v in revenue if m in ("10", "11", "12")) / 92
            self.assertGreater(q4, yearly, year)

    def test_weekends_busier_and_signups_grow(self) -> None:
        weekday = Counter(oracle.ts(o["order_date"]).weekday() for o in self.t["orders"])
        self.assertGreater((weekday[5] + weekday[6]) / 2, sum(weekday[d] for d in range(5)) / 5)
        years = Counter(u["signup_date"][:4] for u in self.t["users"])
        self.assertGreater(years["2024"], 1.5 * years["2023"])

    def test_ratings_are_j_shaped(self) -> None:
        ratings = Counter(int(r["rating"]) for r in self.t["reviews"])
        self.assertGreater(ratings[5], ratings[4])
        self.assertGreater(ratings[4], ratings[3])
        self.assertGreater(ratings[1], ratings[2])  # the hook of the J
        self.assertGreater(ratings[5], 0.4 * sum(ratings.values()))

    def test_status_and_payment_mix(self) -> None:
        orders = self.t["orders"]
        status = Counter(o["status"] for o in orders)
        self.assertGreater(status["delivered"] / len(orders), 0.8)
        for rare in ("cancelled", "refunded"):
            self.assertTrue(0.01 < status[rare] / len(orders) < 0.06, rare)
        pending = [o["order_date"] for o in orders if o["status"] == "pending"]
        self.assertTrue(pending and min(pending) >= "2024-12-24")  # only near the window's end
        methods = Counter(p["payment_method"] for p in self.t["payments"])
        self.assertGreater(methods["card"], methods["paypal"])
        self.assertGreater(methods["paypal"], methods["bank"])

    def test_names_and_products_look_real(self) -> None:
        self.assertGreaterEqual(len({u["country"] for u in self.t["users"]}), 12)
        self.assertGreaterEqual(len({u["first_name"] for u in self.t["users"]}), 150)
        self.assertFalse(any(p["name"].startswith("Product") for p in self.t["products"]))


class PlantedAnomalies(unittest.TestCase):
    """The anomaly query finds the planted patterns: recall >= 0.9 and precision >= 0.8."""

    def test_precision_and_recall_at_scale_1_and_5(self) -> None:
        for scale in (1, 5):
            with self.subTest(scale=scale):
                data_dir, db = helpers.small_database(helpers.temp_dir(self), seed=42, scale=scale)
                conn = connect_readonly(db)
                self.addCleanup(conn.close)
                labels = read_labels(data_dir)
                result = score(run_query(conn, load_query("anomalies")).rows, labels)
                self.assertGreaterEqual(len(set(labels.values())), 3)
                self.assertGreaterEqual(result["recall"], Decimal("0.9"), result)
                self.assertGreaterEqual(result["precision"], Decimal("0.8"), result)


if __name__ == "__main__":
    unittest.main()
