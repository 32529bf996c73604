"""The CLV cohort query and the analytics queries, against hand-worked and independent answers."""
from __future__ import annotations

import json
import unittest
from decimal import Decimal
from pathlib import Path

import helpers
import oracle
from db.ingest.loader import ingest
from db.connect import connect_readonly
from queries.runner import list_queries, load_query, parse_query_file, run_query
from utils.config import CLV_QUERY, SCHEMA_PATH
from utils.errors import KitError, UsageError

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def as_text(rows: list[dict]) -> list[dict]:
    """Decimals as their exact text, the form the golden file stores."""
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in rows]


class TinyDatasetClv(unittest.TestCase):
    """Five users, eight orders: every field of the answer is worked out by hand in the golden file."""

    def setUp(self) -> None:
        self.db = helpers.temp_dir(self) / "tiny.db"
        ingest(FIXTURES / "tiny", self.db, SCHEMA_PATH)
        self.conn = connect_readonly(self.db)
        self.addCleanup(self.conn.close)

    def test_matches_hand_worked_answer(self) -> None:
        expected = json.loads((FIXTURES / "tiny_clv_expected.json").read_text())["rows"]
        self.assertEqual(as_text(run_query(self.conn, load_query(CLV_QUERY)).rows), expected)

    def test_oracle_agrees_on_the_tiny_dataset(self) -> None:
        self.assertEqual(run_query(self.conn, load_query(CLV_QUERY)).rows,
                         oracle.cohort_clv(FIXTURES / "tiny"))

    def test_columns_are_exactly_the_specified_ones(self) -> None:
        self.assertEqual(load_query(CLV_QUERY).column_names, [
            "cohort_month", "cohort_size", "buyers", "orders", "revenue", "avg_order_value",
            "clv", "repeat_rate", "clv_30d", "clv_90d", "clv_365d"])


class GeneratedDatasetAgreesWithOracle(helpers.DatabaseTestCase):
    """Every query the report uses, against a Python re-computation from the CSVs."""
    SEED, SCALE = 11, 0.3

    def test_cohort_clv(self) -> None:
        rows = self.rows(CLV_QUERY)
        self.assertEqual(rows, oracle.cohort_clv(self.data_dir))
        self.assertTrue(any(r["clv_365d"] is not None for r in rows))
        self.assertTrue(any(r["clv_365d"] is None for r in rows))

    def test_kpis(self) -> None:
        self.assertEqual(self.rows("kpis"), [oracle.kpis(self.data_dir)])

    def test_monthly_sales(self) -> None:
        self.assertEqual(self.rows("monthly_sales"), oracle.monthly_sales(self.data_dir))

    def test_payment_methods(self) -> None:
        rows = self.rows("payment_methods")
        self.assertEqual({r["payment_method"]: r for r in rows}, oracle.payment_methods(self.data_dir))
        amounts = [r["completed_amount"] for r in rows]
        self.assertEqual(amounts, sorted(amounts, reverse=True))

    def test_revenue_by_category_rollup(self) -> None:
        rows = self.rows("revenue_by_category")
        rollups = {r["top_category"]: r["revenue"] for r in rows if r["category_id"] is None}
        self.assertEqual(rollups, oracle.revenue_by_top_category(self.data_dir))
        for top, total in rollups.items():  # the leaves add up to their rollup
            leaves = [r["revenue"] for r in rows if r["top_category"] == top and r["category_id"]]
            self.assertEqual(sum(leaves, Decimal("0")), total)

    def test_top_products_by_revenue_and_units(self) -> None:
        units, money = oracle.line_sales(self.data_dir)
        by_revenue = sorted(money, key=lambda p: (-money[p], -units[p], int(p)))[:5]
        by_units = sorted(units, key=lambda p: (-units[p], -money[p], int(p)))[:5]
        got = self.rows("top_products", limit=5, by="revenue")
        self.assertEqual([str(r["product_id"]) for r in got], by_revenue)
        self.assertEqual([r["rank"] for r in got], [1, 2, 3, 4, 5])
        got = self.rows("top_products", limit=5, by="units")
        self.assertEqual([str(r["product_id"]) for r in got], by_units)


class QueryFiles(unittest.TestCase):
    def test_every_query_declares_question_and_columns(self) -> None:
        queries = list_queries()
        self.assertGreaterEqual(len(queries), 6)
        for query in queries:
            with self.subTest(query=query.path.name):
                self.assertTrue(query.question.endswith("?"), query.question)
                self.assertIn("final AS", query.sql)

    def test_unknown_query_is_a_clear_error(self) -> None:
        with self.assertRaisesRegex(UsageError, r"unknown query 'nope' \(known: .*join_query"):
            load_query("nope")

    def test_found_by_file_stem_or_declared_name(self) -> None:
        self.assertEqual(load_query("join_query").path, load_query("cohort_clv").path)

    def test_parameters_are_bound_and_checked(self) -> None:
        query = load_query("top_products")
        self.assertEqual(query.bind(query.parse([("limit", "3")])), {"limit": 3, "by": "revenue"})
        with self.assertRaisesRegex(UsageError, "parameter limit must be an integer from 1"):
            query.parse([("limit", "three")])
        with self.assertRaisesRegex(UsageError, "has no parameter 'bogus'"):
            query.bind({"bogus": 1})

    def test_header_must_match_the_result(self) -> None:
        tmp = helpers.temp_dir(self)
        path = tmp / "bad.sql"
        path.write_text("-- name: bad\n-- question: Why?\n-- columns: a integer\n"
                        "SELECT 1 AS b\n", encoding="utf-8")
        conn = connect_readonly(self._tiny_db(tmp))
        self.addCleanup(conn.close)
        with self.assertRaisesRegex(KitError, r"declares columns \['a'\] but the query returns \['b'\]"):
            run_query(conn, parse_query_file(path))

    def test_database_is_opened_read_only(self) -> None:
        conn = connect_readonly(self._tiny_db(helpers.temp_dir(self)))
        self.addCleanup(conn.close)
        with self.assertRaisesRegex(Exception, "readonly"):
            conn.execute("DELETE FROM orders")

    def test_missing_database_names_the_command(self) -> None:
        with self.assertRaisesRegex(KitError, r"no database at .*; run ingest.py --ingest"):
            connect_readonly(Path("/nonexistent/ecommerce.db"))

    def _tiny_db(self, tmp: Path) -> Path:
        db = tmp / "tiny.db"
        ingest(FIXTURES / "tiny", db, SCHEMA_PATH)
        return db


if __name__ == "__main__":
    unittest.main()
