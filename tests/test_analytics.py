"""Issue 4's analytics library: each query against an independent Python computation."""
from __future__ import annotations

import unittest
from decimal import Decimal

import helpers
import oracle
from queries.runner import list_queries, run_query


class AnalyticsAgreeWithOracle(helpers.DatabaseTestCase):
    SEED, SCALE = 17, 0.3

    def test_revenue_per_user_covers_every_user(self) -> None:
        got = [(r["user_id"], r["orders"], r["revenue"]) for r in self.rows("revenue_per_user")]
        self.assertEqual(got, oracle.revenue_per_user(self.data_dir))

    def test_top_customers(self) -> None:
        expected = [r for r in oracle.revenue_per_user(self.data_dir) if r[1]][:7]
        got = self.rows("top_customers", limit=7)
        self.assertEqual([(r["user_id"], r["orders"], r["revenue"]) for r in got], expected)
        total = sum(sum(v) for v in oracle.per_user_revenue(self.data_dir).values())
        self.assertEqual(got[0]["revenue_share"], oracle.ratio(expected[0][2], total, oracle.BASIS))

    def test_customer_aov(self) -> None:
        spend = oracle.per_user_revenue(self.data_dir)
        got = {r["user_id"]: r["avg_order_value"] for r in self.rows("customer_aov")}
        self.assertEqual(got, {int(u): oracle.ratio(sum(v), len(v), oracle.CENT)
                               for u, v in spend.items()})

    def test_daily_weekly_monthly_series(self) -> None:
        daily = oracle.revenue_series(self.data_dir, lambda t: t.date().isoformat())
        self.assertEqual([(r["day"], r["orders"], r["revenue"]) for r in self.rows("revenue_daily")],
                         daily)
        window = [d for d in daily if "2024-03-01" <= d[0] <= "2024-03-31"]
        got = self.rows("revenue_daily", **{"from": "2024-03-01", "to": "2024-03-31"})
        self.assertEqual([(r["day"], r["orders"], r["revenue"]) for r in got], window)
        weekly = oracle.revenue_series(self.data_dir, oracle.week_start)
        self.assertEqual([(r["week_start"], r["orders"], r["revenue"])
                          for r in self.rows("revenue_weekly")], weekly)
        monthly = oracle.revenue_series(self.data_dir, lambda t: t.strftime("%Y-%m"))
        got = self.rows("revenue_monthly")
        self.assertEqual([(r["month"], r["revenue"]) for r in got], [(m, v) for m, _, v in monthly])
        self.assertEqual(got[-1]["cumulative_revenue"], sum(v for _, _, v in monthly))
        self.assertIsNone(got[0]["change_from_previous"])

    def test_power_users_split_the_revenue(self) -> None:
        spend = sorted(((sum(v), int(u)) for u, v in oracle.per_user_revenue(self.data_dir).items()),
                       key=lambda r: (-r[0], r[1]))
        top_n = -(-len(spend) // 10)  # ntile(10) puts the remainder in the first tiles
        rows = {r["segment"]: r for r in self.rows("power_users")}
        self.assertEqual(rows["top 10%"]["customers"], top_n)
        self.assertEqual(rows["top 10%"]["revenue"], sum(s for s, _ in spend[:top_n]))
        self.assertEqual(rows["top 10%"]["revenue_share"] + rows["other 90%"]["revenue_share"],
                         Decimal("1.0000"))

    def test_every_query_runs_and_has_rows(self) -> None:
        for query in list_queries():
            with self.subTest(query=query.name):
                self.assertTrue(run_query(self.conn, query).rows)


if __name__ == "__main__":
    unittest.main()
