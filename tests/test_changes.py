"""The store over time: as-of snapshots and change batches add up, by construction and in fact.

A snapshot is parsed into {table: {key: row}}; a batch is applied to it in plain Python
(insert must find no row, update must find one); the result must equal the later snapshot
table by table. Split dates are drawn from a seeded stream, so a failure names its dates.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import sqlite3
import unittest
from datetime import date, timedelta
from pathlib import Path

from tests.helpers import ROOT, load_script, run_script, temp_dir
from data_generation.changes import blocks_until, changes, snapshot, write_tables
from data_generation.catalogue import build_catalogue
from data_generation.lifecycle import BlockLives, Timeline, image_at, order_events
from data_generation.model import Settings
from data_generation.writer import generate, iter_blocks
from db.checks import load_checks, run_check
from db.ingest.loader import ingest
from utils.config import SCHEMA_PATH

TABLES = ("categories", "users", "products", "orders", "order_items", "payments", "reviews")
FILES = tuple(f"{t}.csv" for t in TABLES) + ("labels/anomalies.csv",)
SCALE = 0.15
SCRIPTS = ROOT / "project"


def read_store(directory: Path) -> dict[str, dict[str, list[str]]]:
    """Every file of a snapshot as {file: {key: row}} (the key is the first column)."""
    store = {}
    for name in FILES:
        with open(directory / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))[1:]
        store[name] = {row[0]: row for row in rows}
    return store


def apply_batch(store: dict, directory: Path) -> dict:
    """``store`` with the batch in ``directory`` applied; refuses what --apply refuses."""
    store = {name: dict(rows) for name, rows in store.items()}
    for name in FILES:
        with open(directory / name, newline="", encoding="utf-8") as handle:
            for op, *row in list(csv.reader(handle))[1:]:
                present = row[0] in store[name]
                if (op == "insert") == present or op not in ("insert", "update"):
                    raise AssertionError(f"{directory / name}: {op} of key {row[0]} "
                                         f"({'present' if present else 'absent'})")
                store[name][row[0]] = row
    return store


def random_days(seed: int, count: int, settings: Settings) -> list[date]:
    """``count`` distinct days of the window in order, drawn from a seeded stream."""
    rng = random.Random(f"test-changes:{seed}")
    span = (settings.end - settings.start).days + 1
    return sorted({settings.start + timedelta(days=int(rng.random() * span))
                   for _ in range(count)})


class BatchesAddUp(unittest.TestCase):
    """snapshot(D1) + changes(D1, D2) == snapshot(D2), also through Dm, for several seeds."""

    def test_batches_add_up_for_several_seeds_and_random_dates(self) -> None:
        tmp = temp_dir(self)
        for seed in (3, 11, 2024):
            settings = Settings(seed=seed, scale=SCALE)
            d1, dm, d2 = random_days(seed, 3, settings)
            with self.subTest(seed=seed, d1=d1, dm=dm, d2=d2):
                stores = {}
                for day in (d1, dm, d2):
                    snapshot(settings, tmp / f"s{seed}-{day}", day)
                    stores[day] = read_store(tmp / f"s{seed}-{day}")
                for first, last in ((d1, d2), (d1, dm), (dm, d2)):
                    changes(settings, tmp / f"c{seed}-{first}-{last}", first, last)
                direct = apply_batch(stores[d1], tmp / f"c{seed}-{d1}-{d2}")
                stepwise = apply_batch(apply_batch(stores[d1], tmp / f"c{seed}-{d1}-{dm}"),
                                       tmp / f"c{seed}-{dm}-{d2}")
                for name in FILES:
                    self.assertEqual(direct[name], stores[d2][name], name)
                    self.assertEqual(stepwise[name], stores[d2][name], name)
                self.assertGreater(len(stores[d2]["orders.csv"]), len(stores[d1]["orders.csv"]))
                for store in stores.values():  # an anomaly exists when its order does
                    self.assertLessEqual(set(store["labels/anomalies.csv"]), set(store["orders.csv"]))

    def test_daily_batches_from_the_empty_store_make_the_snapshot(self) -> None:
        tmp = temp_dir(self)
        settings = Settings(seed=5, scale=0.05, start=date(2024, 1, 1), end=date(2024, 1, 20))
        store = {name: {} for name in FILES}
        updates = 0
        day = settings.start - timedelta(days=1)
        while day < settings.end:
            nxt = day + timedelta(days=1)
            manifest = changes(settings, tmp / str(nxt), day, nxt)
            store = apply_batch(store, tmp / str(nxt))
            with open(tmp / str(nxt) / "orders.csv", encoding="utf-8") as handle:
                updates += sum(line.startswith("update,") for line in handle)
            self.assertEqual(manifest["from"], str(day))
            day = nxt
        generate(settings, tmp / "full")
        self.assertEqual(store, read_store(tmp / "full"))
        self.assertGreater(updates, 0, "no order changed status over the days")

    def test_snapshot_at_window_end_is_todays_dataset_byte_for_byte(self) -> None:
        tmp = temp_dir(self)
        settings = Settings(seed=42, scale=SCALE)
        plain = generate(settings, tmp / "plain")
        dated = snapshot(settings, tmp / "dated", settings.end)
        for name in FILES:
            self.assertEqual((tmp / "plain" / name).read_bytes(), (tmp / "dated" / name).read_bytes())
        self.assertEqual(dated.pop("as_of"), str(settings.end))
        self.assertEqual(dated, plain)
        self.assertNotIn("as_of", json.loads((tmp / "plain" / "manifest.json").read_text()))

    def test_blocks_after_the_date_are_skipped_without_losing_a_row(self) -> None:
        tmp = temp_dir(self)
        settings = Settings(seed=6, scale=1.5)  # six blocks
        day = date(2023, 9, 30)
        t = Timeline(settings).end_of(day)
        self.assertLess(blocks_until(settings, t), settings.n_blocks - 1)
        self.assertEqual(blocks_until(settings, Timeline(settings).end), settings.n_blocks)
        for name, until in (("skipping", t), ("whole", None)):
            (tmp / name).mkdir()
            write_tables(settings, tmp / name, "", lambda h: image_at(h, t), 1, None, until)
        for name in FILES:
            self.assertEqual((tmp / "skipping" / name).read_bytes(),
                             (tmp / "whole" / name).read_bytes(), name)

    def test_same_arguments_same_bytes_any_workers(self) -> None:
        tmp = temp_dir(self)
        settings = Settings(seed=9, scale=0.6)  # two blocks: the pool is used
        day, later = date(2023, 8, 1), date(2024, 2, 1)
        digests = []
        for run, workers in enumerate((1, 1, 2)):
            a = snapshot(settings, tmp / f"s{run}", day, workers)
            b = changes(settings, tmp / f"c{run}", day, later, workers)
            digests.append((a, b))
        self.assertEqual(digests[0], digests[1])
        self.assertEqual(digests[0], digests[2])


class Lifecycle(unittest.TestCase):
    """Each order's events fit its final status; images follow them."""

    def test_events_are_ordered_and_fit_the_final_status(self) -> None:
        rng = random.Random("test-events")
        end = 100 * 86_400
        for status in ("pending", "cancelled", "paid", "shipped", "delivered", "refunded"):
            for _ in range(200):
                placed = int(rng.random() * end)
                charges = [min(end, placed + int(rng.random() * 300_000))]
                declines = [min(end, placed + int(rng.random() * 900))]
                review = min(end, charges[0] + int(rng.random() * 900_000))
                draws = tuple(rng.random() for _ in range(4))
                e = order_events(status, placed, charges, declines, review, end, draws)
                times = [t for t in e if t is not None]
                self.assertEqual(times, sorted(times), (status, e))
                self.assertLessEqual(times[-1], end)
                self.assertEqual(e.paid is not None, status not in ("pending", "cancelled"))
                self.assertEqual(e.shipped is not None, status in ("shipped", "delivered",
                                                                  "refunded"))
                self.assertEqual(e.delivered is not None, status in ("delivered", "refunded"))
                if status == "delivered":
                    self.assertLessEqual(e.delivered, max(review, charges[0]))
                if status == "cancelled":
                    self.assertGreaterEqual(e.cancelled, declines[0])

    def test_event_columns_are_null_until_the_event(self) -> None:
        """Orders with shipped_at/delivered_at columns (issue 16): images empty them before."""
        from unittest import mock
        from data_generation import lifecycle
        final = ["7", "3", "2023-01-01 10:00:00", "delivered", "9.99", "2023-01-02 10:00:00",
                 "2023-01-04 10:00:00"]
        events = lifecycle.Events(0, 100, 200, 300, None, None)
        with mock.patch.object(lifecycle, "EVENT_COLUMNS", {"shipped_at": 5, "delivered_at": 6}):
            history = lifecycle.order_history(list(final), events, ",".join(final) + "\n")
        self.assertEqual([line for _, line in history], [
            "7,3,2023-01-01 10:00:00,pending,9.99,,\n", "7,3,2023-01-01 10:00:00,paid,9.99,,\n",
            "7,3,2023-01-01 10:00:00,shipped,9.99,2023-01-02 10:00:00,\n",
            ",".join(final) + "\n"])
        known = {"shipped_at": 150, "delivered_at": 250}
        self.assertEqual(order_events("delivered", 0, [100], [], None, 10_000, (0.5,) * 4, known),
                         lifecycle.Events(0, 100, 150, 250, None, None))

    def test_refund_rows_of_their_own_arrive_at_their_dates(self) -> None:
        """Refunds as payments rows of their own (issue 16): the charge stays completed, each
        refund row arrives at its date, the order is refunded at the last one."""
        from data_generation.generator import Rendered
        settings = Settings(seed=1, scale=0.05)
        timeline = Timeline(settings)
        charge = "1,1,card,20.00,2023-01-02 10:05:00,completed\n"
        refunds = ["2,1,card,10.00,2023-01-20 09:00:00,refunded\n",
                   "3,1,card,10.00,2023-01-25 09:00:00,refunded\n"]
        block = Rendered("1,Ann,Lee,ann.lee1@example.com,2023-01-01 00:00:00,France,Paris\n",
                         "1,1,2023-01-02 10:00:00,refunded,20.00\n",
                         "1,1,5,1,10.00,10.00\n2,1,6,1,10.00,10.00\n",
                         charge + "".join(refunds), "", "", (1, 1, 2, 3, 0, 0))
        built = BlockLives(settings, timeline).build(0, block)
        at = timeline.offset
        self.assertEqual(built["payments"], [[(at("2023-01-02 10:05:00"), charge)],
                                             [(at("2023-01-20 09:00:00"), refunds[0])],
                                             [(at("2023-01-25 09:00:00"), refunds[1])]])
        order = built["orders"][0]
        self.assertEqual(order[-1][0], at("2023-01-25 09:00:00"))
        self.assertIn(",delivered,", image_at(order, at("2023-01-22 00:00:00")))

    def test_histories_end_in_todays_rows_and_only_move_forward(self) -> None:
        settings = Settings(seed=42, scale=0.3)
        timeline = Timeline(settings)
        lives = BlockLives(settings, timeline)
        order_steps = {"pending": 0, "paid": 1, "shipped": 2, "delivered": 3, "refunded": 4,
                       "cancelled": 1}
        refunded_before = 0
        for block, rendered in enumerate(iter_blocks(settings, build_catalogue(settings))):
            built = lives.build(block, rendered)
            final = {"users": rendered.users, "orders": rendered.orders, "labels": rendered.labels,
                     "order_items": rendered.items, "payments": rendered.payments,
                     "reviews": rendered.reviews}
            for name, histories in built.items():
                self.assertEqual("".join(h[-1][1] for h in histories), final[name])
                for history in histories:
                    times = [t for t, _ in history]
                    self.assertEqual(times, sorted(set(times)), history)
                    self.assertEqual(image_at(history, times[0] - 1), None)
            for history in built["orders"]:
                steps = [order_steps[line.split(",")[3]] for _, line in history]
                self.assertEqual(steps, sorted(steps), history)
            for history in built["payments"]:
                if history[-1][1].endswith(",refunded\n") and len(history) > 1:
                    refunded_before += history[0][1].endswith(",completed\n")
        self.assertGreater(refunded_before, 0, "no refunded charge was first completed")


class ChecksHoldAsOfAnyDay(unittest.TestCase):
    """Every business check passes on as-of snapshots, loaded by the real ingest command."""

    def test_ingested_snapshots_pass_every_check(self) -> None:
        tmp = temp_dir(self)
        ingest_main = load_script("ingest").main
        for seed in (1, 8):
            settings = Settings(seed=seed, scale=SCALE)
            for day in random_days(seed, 3, settings):
                with self.subTest(seed=seed, day=day):
                    data, db = tmp / f"d{seed}{day}", tmp / f"{seed}{day}.db"
                    snapshot(settings, data, day)
                    with contextlib.redirect_stdout(io.StringIO()):
                        code = ingest_main(["--ingest", "-q", "--data-dir", str(data),
                                            "--db", str(db)])
                    self.assertEqual(code, 0)
                    conn = sqlite3.connect(db)
                    self.addCleanup(conn.close)
                    failed = [c.name for c in load_checks() if not run_check(conn, c).passed]
                    self.assertEqual(failed, [])


class Commands(unittest.TestCase):
    """The real commands: one-line refusals, and the end-to-end run in a temporary directory."""

    def run_generate(self, *args: str) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = load_script("generate_data").main(list(args) + ["-q"])
            except SystemExit as exc:  # argparse's own refusals
                code = exc.code
        return code, err.getvalue()

    def test_bad_dates_and_mixes_are_one_line_naming_the_option(self) -> None:
        out = str(temp_dir(self) / "x")
        cases = [
            (["--generate", "--as-of", "2022-12-31"], "--as-of 2022-12-31 is outside"),
            (["--generate", "--as-of", "2025-01-01"], "--as-of 2025-01-01 is outside"),
            (["--generate", "--as-of", "2023-02-30"], "argument --as-of: must be a date"),
            (["--changes", "--from", "2023-03-01", "--to", "2023-03-01"], "--from 2023-03-01 must "
             "be before --to"),
            (["--changes", "--from", "2023-03-02", "--to", "2023-03-01"], "must be before --to"),
            (["--changes", "--from", "2022-12-30", "--to", "2023-03-01"], "--from 2022-12-30 is "
             "outside"),
            (["--changes", "--from", "2023-03-01", "--to", "2025-01-01"], "--to 2025-01-01 is "
             "outside"),
            (["--changes", "--from", "2023-03-01"], "--changes needs --to"),
            (["--generate", "--from", "2023-03-01"], "--from goes with --changes"),
            (["--generate", "--as-of", "2023-03-01", "--parts", "2", "--part", "1"],
             "--parts cannot be combined with --as-of"),
            (["--verify", "--as-of", "2023-03-01"], "--as-of goes with --generate"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                code, err = self.run_generate(*args, "--out", out, "--scale", "0.05")
                self.assertEqual(code, 2)
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertIn(message, err)
        code, err = self.run_generate("--changes", "--from", "2023-03-01", "--to", "2023-04-01")
        self.assertEqual((code, "--changes needs --out" in err), (2, True))
        self.assertFalse(Path(out).exists())

    def test_end_to_end_with_the_real_commands(self) -> None:
        tmp = temp_dir(self)
        common = ["--seed", "4", "--scale", "0.1", "-q"]
        for args in (["--generate", "--as-of", "2024-03-01", "--out", "day1"],
                     ["--changes", "--from", "2024-03-01", "--to", "2024-03-08", "--out", "batch"],
                     ["--generate", "--as-of", "2024-03-08", "--out", "day8"],
                     ["--verify", "--out", "batch"]):
            proc = run_script(str(SCRIPTS / "generate_data.py"), *args, *common, cwd=tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(apply_batch(read_store(tmp / "day1"), tmp / "batch"),
                         read_store(tmp / "day8"))
        manifest = json.loads((tmp / "batch" / "manifest.json").read_text(encoding="utf-8"))
        self.assertEqual((manifest["kind"], manifest["from"], manifest["to"], manifest["seed"]),
                         ("changes", "2024-03-01", "2024-03-08", 4))
        self.assertEqual(json.loads((tmp / "day8" / "manifest.json").read_text())["as_of"],
                         "2024-03-08")
        with open(tmp / "batch" / "users.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write("insert,999999,Eve,X,eve@example.com,2024-03-05 00:00:00,France,Paris\n")
        proc = run_script(str(SCRIPTS / "generate_data.py"), "--verify", "--out", "batch", cwd=tmp)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("users.csv: SHA-256 differs from the manifest", proc.stderr)
        proc = run_script(str(SCRIPTS / "ingest.py"), "--ingest", "--data-dir", str(tmp / "day8"), "--db",
                          str(tmp / "db.sqlite"), cwd=tmp)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        proc = run_script(str(SCRIPTS / "ingest.py"), "--report", "--data-dir", str(tmp / "day8"),
                          "--db", str(tmp / "db.sqlite"), "--out-dir", str(tmp), cwd=tmp)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertTrue(json.loads((tmp / "report.json").read_text(encoding="utf-8"))["passed"])


if __name__ == "__main__":
    unittest.main()
