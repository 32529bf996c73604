"""ingest.py --apply: change batches add up to the snapshot, and every refusal changes nothing.

The batches here are cut from one generated dataset by tests/batches.py, independently of
the generator's --changes (tests/test_increments.py runs the real commands end to end).
"""
from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from datetime import date, timedelta
from pathlib import Path

import api_helpers
import batches
import helpers
from db.canonical import database_checksum
from db.ingest.apply import apply_batch
from db.ingest.loader import ingest
from db.meta import read_meta
from db.report.reporter import build_report, render_markdown
from db.schema import load_schema
from utils.config import SCHEMA_PATH
from utils.errors import DataError, KitError
from utils.fileio import sha256_file

SCHEMA = load_schema(SCHEMA_PATH)


def checksums(db: Path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return {t.name: database_checksum(conn, t) for t in SCHEMA.data_tables}
    finally:
        conn.close()


def rewrite(batch: Path, name: str, edit) -> None:
    """Edit one file of a batch with ``edit(rows) -> rows`` and re-record its SHA-256 and rows,
    so that the batch is well formed and only its content is wrong."""
    path = batch / name
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0]] + edit(rows[0], rows[1:])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = {"sha256": sha256_file(path), "rows": len(rows) - 1}
    (batch / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


class Increments(unittest.TestCase):
    """A base snapshot plus its batches, for several seeds and random split days."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.work = Path(tempfile.mkdtemp(prefix="ecomkit-apply-"))
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)

    def test_batches_add_up_to_the_snapshot(self) -> None:
        rng = random.Random(19)
        for seed in (3, 11, 23):
            full = helpers.small_dataset(self.work / f"full{seed}", seed=seed, scale=0.1)
            start, end = batches.window(full)
            days = sorted(rng.sample(range(0, (end - start).days + 1), 4))
            splits = [start + timedelta(days=d) for d in days]
            with self.subTest(seed=seed, splits=[str(d) for d in splits]):
                db = self.work / f"chain{seed}.db"
                ingest(batches.write_snapshot(full, splits[0], self.work / f"s{seed}"), db,
                       SCHEMA_PATH)
                for first, last in zip(splits, splits[1:]):
                    batch = batches.write_changes(full, first, last,
                                                  self.work / f"b{seed}-{last}")
                    apply_batch(batch, db, SCHEMA_PATH)
                direct = self.work / f"direct{seed}.db"
                ingest(batches.write_snapshot(full, splits[-1], self.work / f"d{seed}"), direct,
                       SCHEMA_PATH)
                self.assertEqual(checksums(db), checksums(direct))
                conn = sqlite3.connect(db)
                meta = read_meta(conn)
                conn.close()
                self.assertEqual(meta.as_of, str(splits[-1]))
                self.assertEqual([(b["from"], b["to"]) for b in meta.batches],
                                 [(str(a), str(b)) for a, b in zip(splits, splits[1:])])
                report = build_report(db, self.work / f"s{seed}", SCHEMA_PATH)
                self.assertTrue(report["passed"], report["summary"])
                self.assertEqual(report["dataset"]["as_of"], str(splits[-1]))
                self.assertEqual(len(report["batches"]), 3)
                self.assertIn(f"orders placed by {splits[0]}", report["anomalies"]["scope"])
                self.assertIn(f"As of {splits[-1]} (the snapshot as of {splits[0]} and 3 change "
                              f"batches applied", render_markdown(report))

    def test_maturity_uses_the_as_of_day(self) -> None:
        full = helpers.small_dataset(self.work / "mature", seed=5, scale=0.1)
        start, _ = batches.window(full)
        day = start + timedelta(days=200)
        db = self.work / "mature.db"
        ingest(batches.write_snapshot(full, day - timedelta(days=1), self.work / "m0"), db,
               SCHEMA_PATH)
        apply_batch(batches.write_changes(full, day - timedelta(days=1), day, self.work / "m1"),
                    db, SCHEMA_PATH)
        from queries.runner import load_query, run_query
        conn = sqlite3.connect(db)
        rows = run_query(conn, load_query("join_query")).rows
        conn.close()
        for row in rows:  # mature exactly when the cohort month's end + 30 days <= the as-of day
            month = date.fromisoformat(row["cohort_month"] + "-01")
            last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            with self.subTest(month=row["cohort_month"]):
                self.assertEqual(row["clv_30d"] is not None, last + timedelta(days=30) <= day)


class Refusals(unittest.TestCase):
    """Each refusal: one line on stderr, a non-zero exit, the database byte for byte."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.work = Path(tempfile.mkdtemp(prefix="ecomkit-apply-"))
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.full = helpers.small_dataset(cls.work / "full", seed=7, scale=0.1)
        start, _ = batches.window(cls.full)
        cls.d0, cls.d1, cls.d2 = (start + timedelta(days=n) for n in (150, 160, 170))
        cls.db = cls.work / "db" / "ecommerce.db"
        ingest(batches.write_snapshot(cls.full, cls.d0, cls.work / "base"), cls.db, SCHEMA_PATH)

    def batch(self, name: str, first: date | None = None, last: date | None = None,
              **override) -> Path:
        out = self.work / f"batch-{name}"
        shutil.rmtree(out, ignore_errors=True)
        return batches.write_changes(self.full, first or self.d0, last or self.d1, out, **override)

    def refused(self, batch: Path, *expected: str, db: Path | None = None) -> str:
        db = db or self.db
        before = sha256_file(db)
        proc = helpers.run_script("project/ingest.py", "--apply", str(batch), "--db", str(db),
                                  cwd=helpers.ROOT)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        for text in expected:
            self.assertIn(text, proc.stderr)
        self.assertEqual(sha256_file(db), before)
        self.assertEqual([p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")], [])
        return proc.stderr

    def test_a_batch_that_does_not_start_where_the_database_stands(self) -> None:
        self.refused(self.batch("late", self.d1, self.d2),
                     f"starts at {self.d1} but the database stands at {self.d0}")

    def test_a_batch_already_applied(self) -> None:
        db = self.work / "applied" / "ecommerce.db"
        db.parent.mkdir()
        shutil.copyfile(self.db, db)
        batch = self.batch("twice")
        apply_batch(batch, db, SCHEMA_PATH)
        self.refused(batch, "was applied already; the database stands at", db=db)

    def test_another_store(self) -> None:
        cases = {"seed": ({"seed": 8}, "is from seed 8, the database from 7"),
                 "scale": ({"scale": 0.2}, "is from scale 0.2"),
                 "version": ({"generator_version": "1.9.0"}, "generator version 1.9.0"),
                 "currency": ({"currency": "EUR"}, "other settings"),
                 "window": ({"window": {"start": "2023-01-02 00:00:00",
                                        "end": "2024-12-31 23:59:59"}}, "other settings")}
        for name, (override, message) in cases.items():
            with self.subTest(name):
                self.refused(self.batch(name, **override), message)

    def test_a_tampered_file(self) -> None:
        batch = self.batch("tampered")
        with open(batch / "orders.csv", "a", encoding="utf-8") as handle:
            handle.write("\n")
        self.refused(batch, "orders.csv: SHA-256 differs from manifest.json")

    def test_a_row_count_other_than_the_manifests(self) -> None:
        batch = self.batch("rows")
        manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"]["users.csv"]["rows"] += 1
        (batch / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        self.refused(batch, "users.csv", "rows read but manifest.json records")

    def test_an_insert_of_an_existing_key(self) -> None:
        batch = self.batch("insert")
        rewrite(batch, "users.csv", lambda header, rows: [["insert", "1"] + rows[0][2:]] + rows)
        self.refused(batch, "users.csv line 2, column user_id", "insert of users 1, which the "
                     "database holds already")

    def test_an_update_of_a_missing_key(self) -> None:
        batch = self.batch("update")
        rewrite(batch, "users.csv",
                lambda header, rows: rows + [["update", "999999"] + rows[0][2:]])
        self.refused(batch, "column user_id", "update of users 999999, which the database does "
                     "not hold")

    def test_values_are_checked_as_ingest_checks_them(self) -> None:
        cases = {
            "rating": (lambda h, rows: [r[:h.index("rating")] + ["9"] + r[h.index("rating") + 1:]
                                        for r in rows], "reviews.csv", "column rating"),
            "date": (lambda h, rows: [r[:h.index("review_date")] + ["2023-02-30 10:00:00"]
                                      + r[h.index("review_date") + 1:] for r in rows],
                     "reviews.csv", "column review_date"),
            "op": (lambda h, rows: [["upsert"] + r[1:] for r in rows], "reviews.csv",
                   "column op: op must be insert or update, got 'upsert'"),
            "orphan": (lambda h, rows: [r[:h.index("user_id")] + ["999999"]
                                        + r[h.index("user_id") + 1:] for r in rows],
                       "reviews.csv", "dangling foreign key"),
        }
        for name, (edit, file_name, message) in cases.items():
            with self.subTest(name):
                batch = self.batch(f"value-{name}", self.d0, self.d2)
                rewrite(batch, file_name, edit)
                self.refused(batch, f"{file_name} line 2", message)

    def test_a_business_check_fails(self) -> None:
        batch = self.batch("lines", self.d0, self.d2)
        rewrite(batch, "order_items.csv", lambda header, rows: [])
        self.refused(batch, "orders.csv line 2, column total_amount", "breaks check order_totals")

    def test_while_an_ingest_or_apply_runs(self) -> None:
        from utils.locking import exclusive_lock
        with exclusive_lock(self.db.parent / f".{self.db.name}.lock", "ingest"):
            self.refused(self.batch("locked"), "another ingest or apply is running")

    def test_not_a_batch(self) -> None:
        self.refused(self.work / "base", "not a change batch")
        self.refused(self.work / "nowhere", "does not exist")

    def test_errors_name_file_line_and_column_in_process(self) -> None:
        batch = self.batch("inproc")
        rewrite(batch, "users.csv", lambda header, rows: [["insert", "1"] + rows[0][2:]] + rows)
        with self.assertRaises(DataError) as caught:
            apply_batch(batch, self.db, SCHEMA_PATH)
        self.assertIsInstance(caught.exception, KitError)


@unittest.skipIf(os.name != "posix", "SIGKILL is POSIX")
class KilledApply(unittest.TestCase):
    def test_sigkill_at_random_moments_leaves_the_pre_batch_or_the_applied_database(self) -> None:
        work = helpers.temp_dir(self)
        full = helpers.small_dataset(work / "full", seed=3, scale=2)
        start, end = batches.window(full)
        first = start + timedelta(days=5)
        db = work / "db" / "ecommerce.db"
        ingest(batches.write_snapshot(full, first, work / "base"), db, SCHEMA_PATH)
        batch = batches.write_changes(full, first, end, work / "batch")
        pristine, old_hash, old_sums = work / "pristine.db", sha256_file(db), checksums(db)
        shutil.copyfile(db, pristine)
        command = [sys.executable, str(helpers.ROOT / "project/ingest.py"), "--apply", str(batch),
                   "--db", str(db), "-q"]
        started = time.perf_counter()  # one full run: how long an apply takes, what it leaves
        self.assertEqual(subprocess.run(command, capture_output=True).returncode, 0)
        duration, new_sums = time.perf_counter() - started, checksums(db)
        rng, outcomes = random.Random(19), []
        for kill in range(8):
            shutil.copyfile(pristine, db)
            delay = rng.uniform(0.02, duration * 0.98)
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            with self.subTest(kill=kill, delay=round(delay, 2)):
                if sha256_file(db) == old_hash:
                    self.assertEqual(checksums(db), old_sums)
                    outcomes.append("old")
                else:  # the batch applied completely
                    self.assertEqual(checksums(db), new_sums)
                    outcomes.append("new")
        self.assertIn("old", outcomes)  # the kills did land mid-apply
        shutil.copyfile(pristine, db)
        proc = subprocess.run(command, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)  # and the leftovers are cleared
        self.assertEqual(checksums(db), new_sums)
        self.assertEqual([p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")], [])


class Command(unittest.TestCase):
    def test_apply_then_report_health_and_header(self) -> None:
        work = helpers.temp_dir(self)
        full = helpers.small_dataset(work / "full", seed=9, scale=0.1)
        start, _ = batches.window(full)
        d0, d1 = start + timedelta(days=90), start + timedelta(days=91)
        base = batches.write_snapshot(full, d0, work / "data")
        batch = batches.write_changes(full, d0, d1, work / "batch")
        db = work / "db" / "ecommerce.db"
        def run(script: str, *args: str):  # the real command, from another directory
            return helpers.run_script(str(helpers.ROOT / script), *args, cwd=work)
        self.assertEqual(run("project/ingest.py", "--ingest", "--data-dir", str(base), "--db",
                             str(db), "-q").returncode, 0)
        proc = run("project/ingest.py", "--apply", str(batch), "--db", str(db))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(f"as of {d1} (batch {d0}..{d1} applied)", proc.stdout)
        self.assertRegex(proc.stdout, r"users\t\d+ inserted, \d+ updated")
        proc = run("project/ingest.py", "--report", "--data-dir", str(base), "--db", str(db),
                   "--out-dir", str(work))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads((work / "report.json").read_text(encoding="utf-8"))
        self.assertEqual(report["dataset"]["as_of"], str(d1))
        self.assertEqual([(b["from"], b["to"]) for b in report["batches"]], [(str(d0), str(d1))])
        self.assertIn("## Change batches applied", (work / "report.md").read_text(encoding="utf-8"))
        server = api_helpers.start(api_helpers.site(work), db_path=db, data_dir=base)
        self.addCleanup(server.stop)
        health = api_helpers.request(server.server_address[1], "/api/health").json()
        self.assertEqual((health["status"], health["dataset"]["as_of"]), ("ok", str(d1)))
        self.assertEqual([(b["from"], b["to"]) for b in health["batches"]], [(str(d0), str(d1))])


if __name__ == "__main__":
    unittest.main()
