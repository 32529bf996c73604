"""The report: every check passes on clean data and the matching one fails on broken data."""
from __future__ import annotations

import json
import shutil
import sqlite3
import unittest
from pathlib import Path

import helpers
from db.checks import load_checks
from db.report.reporter import build_report, render_markdown, write_report
from db.report.tally import count_records, hash_and_count
from utils.config import SCHEMA_PATH

# One edit per check, each breaking exactly the invariant the check asserts.
BREAKERS = {
    "categories_two_levels": "UPDATE categories SET parent_id = 6 WHERE category_id = 7",
    "products_in_leaf_categories": "UPDATE products SET category_id = 1 WHERE product_id = 1",
    "emails_unique": "UPDATE users SET email = upper((SELECT email FROM users WHERE user_id = 1))"
                     " WHERE user_id = 2",
    "line_totals": "UPDATE order_items SET line_total = line_total + 1, unit_price = unit_price"
                   " WHERE order_item_id = (SELECT min(order_item_id) FROM order_items)",
    "order_totals": "UPDATE orders SET total_amount = total_amount + 0.01"
                    " WHERE order_id = (SELECT min(order_id) FROM orders WHERE status = 'cancelled')",
    "orders_have_lines": "DELETE FROM order_items WHERE order_id = (SELECT min(order_id) FROM orders"
                         " WHERE status = 'cancelled')",
    "order_after_signup": "UPDATE users SET signup_date = '2030-01-01 00:00:00'"
                          " WHERE user_id = (SELECT user_id FROM orders ORDER BY order_id LIMIT 1)",
    "payment_after_order": "UPDATE payments SET payment_date = '2000-01-01 00:00:00'"
                           " WHERE payment_id = 1",
    "revenue_orders_paid": "UPDATE payments SET status = 'failed' WHERE payment_id = (SELECT min(p.payment_id)"
                           " FROM payments p JOIN orders o USING (order_id)"
                           " WHERE o.status = 'delivered' AND p.status = 'completed')",
    "refunded_orders_refunded": "UPDATE payments SET status = 'failed' WHERE status = 'refunded'",
    "refunds_after_delivery": "UPDATE orders SET status = 'cancelled', shipped_at = NULL,"
                              " delivered_at = NULL WHERE status = 'refunded'",
    "refunds_within_charges": "UPDATE payments SET amount = amount + 1 WHERE payment_id = (SELECT"
                              " min(p.payment_id) FROM payments p JOIN orders o USING (order_id)"
                              " WHERE o.status = 'refunded' AND p.status = 'refunded')",
    "status_follows_fulfilment": "UPDATE orders SET delivered_at = NULL WHERE order_id = (SELECT"
                                 " min(order_id) FROM orders WHERE status = 'delivered')",
    "unpaid_orders_uncharged": "UPDATE orders SET status = 'pending' WHERE order_id = (SELECT min(order_id)"
                               " FROM orders WHERE status = 'delivered')",
    "reviews_by_buyers": "UPDATE reviews SET user_id = (SELECT max(user_id) FROM users)"
                         " WHERE review_id = 1",
    "foreign_keys": "PRAGMA foreign_keys = OFF; UPDATE orders SET user_id = 999999 WHERE order_id = 1",
    "row_counts_match": "DELETE FROM reviews WHERE review_id = (SELECT max(review_id) FROM reviews)",
}


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.tmp = helpers.temp_dir(cls.case)
        cls.data_dir, cls.db = helpers.small_database(cls.tmp, seed=9, scale=0.25)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def report(self, db: Path | None = None, data_dir: Path | None = None) -> dict:
        return build_report(db or self.db, data_dir or self.data_dir, SCHEMA_PATH)

    def test_nothing_flagged_or_nothing_planted_renders(self) -> None:
        """Issue 12: a small scale often flags no order; the report said so with a traceback."""
        report = self.report()
        for flagged, planted in ((0, 3), (2, 0), (0, 0)):
            with self.subTest(flagged=flagged, planted=planted):
                report["anomalies"] = dict(report["anomalies"], flagged_orders=flagged,
                                           labelled_orders=planted, precision=None,
                                           recall=None if not planted else report["anomalies"]["recall"])
                text = render_markdown(report)
                self.assertIn(f"{flagged} orders flagged, {planted} planted: precision n/a", text)

    def test_clean_data_passes_every_check(self) -> None:
        report = self.report()
        self.assertTrue(report["passed"], report["summary"])
        names = [c["name"] for c in report["checks"]]
        self.assertEqual(set(names) - set(BREAKERS), {"csv_sha256_matches_meta"})
        self.assertEqual({c.name for c in load_checks()} - set(names), set())
        for table in report["tables"]:
            self.assertEqual(table["csv_rows"], table["db_rows"])
            self.assertTrue(table["sha256_matches"])
        self.assertEqual(report["dataset"]["seed"], 9)
        self.assertEqual(report["dataset"]["scale"], 0.25)

    def test_same_data_same_bytes(self) -> None:
        out_a, out_b = self.tmp / "a", self.tmp / "b"
        write_report(self.report(), out_a)
        write_report(self.report(), out_b)
        for name in ("report.json", "report.md"):
            self.assertEqual((out_a / name).read_bytes(), (out_b / name).read_bytes())
        text = (out_a / "report.json").read_text(encoding="utf-8")
        self.assertNotIn("python_version", text)  # nothing machine-dependent
        self.assertIn('"revenue": ', text)
        json.loads(text)

    def test_each_check_fails_on_data_broken_for_it(self) -> None:
        for name, sql in BREAKERS.items():
            with self.subTest(check=name):
                db = self.tmp / f"broken-{name}.db"
                shutil.copyfile(self.db, db)
                conn = sqlite3.connect(db)
                conn.executescript(sql)
                conn.commit()
                conn.close()
                report = self.report(db)
                failed = report["summary"]["failed_checks"]
                self.assertIn(name, failed)
                check = next(c for c in report["checks"] if c["name"] == name)
                self.assertGreater(check["violations"], 0)
                self.assertTrue(check["examples"])
                self.assertFalse(report["passed"])
                self.assertIn(f"| {name} | FAIL |", render_markdown(report))

    def test_csv_edited_after_ingest_is_flagged(self) -> None:
        data_dir = self.tmp / "edited"
        shutil.copytree(self.data_dir, data_dir)
        path = data_dir / "products.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(",", ", ", 1), encoding="utf-8")
        report = self.report(data_dir=data_dir)
        self.assertEqual(report["summary"]["failed_checks"], ["csv_sha256_matches_meta"])
        check = next(c for c in report["checks"] if c["name"] == "csv_sha256_matches_meta")
        self.assertIn("products.csv: SHA-256 differs from submission_meta", check["examples"][0])

    def test_report_command_exits_non_zero_on_failure(self) -> None:
        db = self.tmp / "cli-broken.db"
        shutil.copyfile(self.db, db)
        conn = sqlite3.connect(db)
        conn.execute(BREAKERS["order_totals"])
        conn.commit()
        conn.close()
        out = self.tmp / "cli-out"
        proc = helpers.run_script("project/ingest.py", "--report", "--db", str(db), "--data-dir",
                                  str(self.data_dir), "--out-dir", str(out), cwd=helpers.ROOT)
        self.assertEqual(proc.returncode, 1)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertRegex(lines[0], r"^ingest\.py: error: 1 of \d+ integrity checks failed: "
                                   r"order_totals \(see report\.md\)$")
        self.assertFalse(json.loads((out / "report.json").read_text())["passed"])


class HashAndCount(unittest.TestCase):
    """Issue 17: the row count rides on the hashing pass and agrees with csv.reader."""

    CASES = {
        "plain": b"a,b\n1,x\n2,y\n",
        "no final newline": b"a,b\n1,x\n2,y",
        "header only": b"a,b\n",
        "empty": b"",
        "byte-order mark": b"\xef\xbb\xbfa,b\n1,x\n",
        "quoted newline": b'a,b\n1,"x\ny"\n2,z\n',
        "blank lines": b"a,b\n\n1,x\n\n\n2,y\n",
        "leading blank line": b"\na,b\n1,x\n",
        "CRLF": b"a,b\r\n1,x\r\n2,y\r\n",
        "not UTF-8": b"a,b\n1,\xff\n",
        "unclosed quote": b'a,b\n1,"x\n2,y\n',
    }

    def test_agrees_with_csv_reader_and_hashlib(self) -> None:
        import hashlib
        folder = helpers.temp_dir(self)
        for name, data in self.CASES.items():
            with self.subTest(case=name):
                path = folder / "t.csv"
                path.write_bytes(data)
                self.assertEqual(hash_and_count(path), (hashlib.sha256(data).hexdigest(),
                                                        count_records(path)))

    def test_counts_across_read_blocks(self) -> None:
        from utils.fileio import CHUNK
        path = helpers.temp_dir(self) / "big.csv"
        line = b"1,abcdefghijklmnopqrstuvwxyz\n"
        path.write_bytes(b"a,b\n" + line * (2 * CHUNK // len(line) + 3))
        self.assertEqual(hash_and_count(path)[1], 2 * CHUNK // len(line) + 3)
        data = b"a,b\n" + b"1" + b",x" * ((CHUNK - 6) // 2) + b"\n\n2,y\n"
        self.assertEqual(data[CHUNK - 1:CHUNK + 1], b"\n\n")  # the blank line starts a block
        path.write_bytes(data)
        self.assertEqual(hash_and_count(path)[1], count_records(path))


if __name__ == "__main__":
    unittest.main()
