"""The data profile: hand-worked statistics, invariants on generated data, the static HTML page."""
from __future__ import annotations

import contextlib
import io
import logging
import math
import shutil
import sqlite3
import unittest
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import helpers
from db.ingest.loader import ingest
from db.profile.profiler import build_profile, write_profile
from db.profile.page import render_html
from utils.config import SCHEMA_PATH
from utils.fileio import sha256_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def column(profile: dict, table: str, name: str) -> dict:
    entry = next(t for t in profile["tables"] if t["table"] == table)
    return next(c for c in entry["columns"] if c["column"] == name)


def table_entry(profile: dict, table: str) -> dict:
    return next(t for t in profile["tables"] if t["table"] == table)


class TinyDatasetProfile(unittest.TestCase):
    """Eight orders: every number below is worked out by hand from tests/fixtures/tiny."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.db = helpers.temp_dir(cls.case) / "tiny.db"
        ingest(FIXTURES / "tiny", cls.db, SCHEMA_PATH)
        cls.profile = build_profile(cls.db)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def test_money_statistics(self) -> None:
        total = column(self.profile, "orders", "total_amount")
        # 10, 51, 10, 25.50, 10, 20, 25.50, 10: sum 162, squared deviations 1421
        self.assertEqual((total["count"], total["nulls"], total["distinct"]), (8, 0, 4))
        self.assertEqual((total["min"], total["max"]), (Decimal("10.00"), Decimal("51.00")))
        self.assertEqual(total["mean"], Decimal("20.25"))
        self.assertEqual(total["stddev"], Decimal("14.2478"))   # sqrt(1421 / 7)
        self.assertEqual(total["quartiles"], {"q1": Decimal("10"), "median": Decimal("15"),
                                              "q3": Decimal("25.5")})
        self.assertEqual(total["inferred"], "decimal(1)")  # by the values: 25.50 needs one place
        bins = [(str(b["from"]), str(b["to"]), b["count"]) for b in total["histogram"]]
        self.assertEqual(bins[0], ("10.00", "14.99", 4))         # bins 5.00 wide
        self.assertEqual(bins[2:4], [("20.00", "24.99", 1), ("25.00", "29.99", 2)])
        self.assertEqual(bins[-1], ("50.00", "51.00", 1))
        self.assertEqual(sum(b[2] for b in bins), 8)

    def test_text_and_time_columns(self) -> None:
        status = column(self.profile, "orders", "status")
        self.assertEqual(status["top"][:2], [{"value": "delivered", "count": 3},
                                             {"value": "cancelled", "count": 1}])
        # delivered x3, cancelled, shipped, refunded, paid, pending: 62 characters in 8 values
        self.assertEqual(status["length"], {"min": 4, "max": 9, "mean": Decimal("7.75")})
        dates = column(self.profile, "orders", "order_date")
        self.assertEqual(dates["inferred"], "timestamp")
        self.assertEqual([(m["month"], m["count"]) for m in dates["months"]],
                         [("2024-01", 1), ("2024-02", 4), ("2024-03", 1), ("2024-04", 1),
                          ("2024-05", 1)])

    def test_keys_and_references_are_not_averaged(self) -> None:
        key = column(self.profile, "orders", "order_id")
        self.assertEqual(key["role"], "key")
        self.assertNotIn("mean", key)
        parent = column(self.profile, "categories", "parent_id")
        self.assertEqual((parent["role"], parent["nulls"], parent["count"]), ("reference", 1, 1))

    def test_pearson_correlation(self) -> None:
        items = table_entry(self.profile, "order_items")
        pairs = {(p["x"], p["y"]): p["pearson"] for p in items["correlations"]}
        self.assertEqual(set(pairs), {("quantity", "unit_price"), ("quantity", "line_total"),
                                      ("unit_price", "line_total")})
        quantity = [1, 2, 1, 1, 1, 2, 1, 1]
        line_total = [10, 51, 10, 25.5, 10, 20, 25.5, 10]
        self.assertEqual(pairs[("quantity", "line_total")], _pearson(quantity, line_total))

    def test_duplicate_rows_are_counted(self) -> None:
        copy = helpers.temp_dir(self) / "dup.db"
        shutil.copy(self.db, copy)
        conn = sqlite3.connect(copy)
        conn.execute("INSERT INTO orders (order_id, user_id, order_date, status, total_amount, "
                     "shipped_at, delivered_at) SELECT 100, user_id, order_date, status, "
                     "total_amount, shipped_at, delivered_at FROM orders "
                     "WHERE order_id = 2")
        conn.commit()
        conn.close()
        orders = table_entry(build_profile(copy), "orders")
        self.assertEqual((orders["rows"], orders["duplicate_rows"], orders["duplicate_keys"]),
                         (9, 1, 0))
        self.assertEqual(table_entry(self.profile, "orders")["duplicate_rows"], 0)


def _pearson(xs: list[float], ys: list[float]) -> Decimal:
    """An independent float computation, rounded like the profile."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    r = cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    return Decimal(f"{r:.4f}")


class GeneratedDataProfile(unittest.TestCase):
    """Invariants that hold for any dataset, and the files as the command writes them."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.work = helpers.temp_dir(cls.case)
        _, cls.db = helpers.small_database(cls.work, seed=21, scale=0.1, currency="GBP")
        cls.profile = build_profile(cls.db)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def test_counts_agree_with_the_database(self) -> None:
        conn = sqlite3.connect(self.db)
        self.addCleanup(conn.close)
        for table in self.profile["tables"]:
            (rows,) = conn.execute(f'SELECT count(*) FROM "{table["table"]}"').fetchone()
            self.assertEqual(table["rows"], rows)
            for col in table["columns"]:
                with self.subTest(table=table["table"], column=col["column"]):
                    self.assertEqual(col["count"] + col["nulls"], rows)
                    if "histogram" in col:
                        self.assertEqual(sum(b["count"] for b in col["histogram"]), col["count"])
                        self.assertLessEqual(len(col["histogram"]), 21)
                        q = col["quartiles"]
                        self.assertTrue(
                            col["min"] <= q["q1"] <= q["median"] <= q["q3"] <= col["max"])
                    if "months" in col:
                        self.assertEqual(sum(m["count"] for m in col["months"]), col["count"])
        self.assertNotIn("submission_meta", [t["table"] for t in self.profile["tables"]])

    def test_names_the_currency_of_its_amounts(self) -> None:
        self.assertEqual(self.profile["dataset"]["currency"], "GBP")
        self.assertIn("currency GBP", render_html(self.profile))

    def test_command_writes_the_same_bytes_twice(self) -> None:
        module = helpers.load_script("profile_data")
        root = logging.getLogger()  # main() configures logging; leave it as it was
        self.addCleanup(root.setLevel, root.level)
        self.addCleanup(setattr, root, "handlers", root.handlers[:])
        outputs = []
        for name in ("first", "second"):
            out = self.work / name
            with contextlib.redirect_stdout(io.StringIO()):
                code = module.main(["--db", str(self.db), "--out-dir", str(out), "-q"])
            self.assertEqual(code, 0)
            outputs.append([sha256_file(out / f) for f in ("profile.json", "profile.html")])
        self.assertEqual(outputs[0], outputs[1])

    def test_html_is_one_static_file(self) -> None:
        out = self.work / "html"
        html_path = write_profile(self.profile, out)[1]
        html = html_path.read_text(encoding="utf-8")
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertNotRegex(html, r"(?i)<script|<link|\bsrc=|url\(|https?://|@import")
        parser = _TagCounter()
        parser.feed(html)
        measures = sum(1 for t in self.profile["tables"] for c in t["columns"]
                       if c["role"] in ("measure", "time"))
        self.assertEqual(parser.counts.get("svg"), measures)
        for table in self.profile["tables"]:
            self.assertIn(f'id="t-{table["table"]}"', html)
        self.assertEqual(parser.open_sections, 0)

    def test_text_from_the_data_is_escaped(self) -> None:
        from db.profile.page import render_html
        profile = {**self.profile, "tables": [dict(table_entry(self.profile, "reviews"))]}
        title = dict(column(profile, "reviews", "title"))
        title["top"] = [{"value": "<b>bold</b> & <script>", "count": 2}]
        title["distinct"] = 1
        profile["tables"][0]["columns"] = [title]
        html = render_html(profile)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;", html)
        self.assertNotIn("<script>", html)

    def test_missing_database_is_one_line(self) -> None:
        proc = helpers.run_script("project/profile_data.py", "--db", str(self.work / "none.db"),
                                  "--out-dir", str(self.work / "x"), cwd=helpers.ROOT)
        self.assertEqual(proc.returncode, 1)
        self.assertRegex(proc.stderr, r"^profile_data\.py: error: no database at .*none\.db")
        self.assertFalse((self.work / "x").exists())


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.open_sections = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.open_sections += tag == "section"

    def handle_endtag(self, tag: str) -> None:
        self.open_sections -= tag == "section"


if __name__ == "__main__":
    unittest.main()
