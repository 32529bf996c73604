"""The generator: determinism, golden hashes, invariants, atomic output, version stability."""
from __future__ import annotations

import ast
import json
import os
import random
import re
import subprocess
import unittest
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from unittest import mock

import helpers
import oracle
from data_generation import generator as gen
from data_generation.catalogue import build_catalogue, build_categories
from data_generation import parallel, writer
from data_generation.model import BLOCK_USERS, Clock, Rates, Settings, load_config
from db.ingest.loader import ingest
from utils.config import LABELS_NAME, SCHEMA_PATH
from utils.errors import KitError, LockedError, UsageError
from utils.fileio import sha256_file
from utils.locking import exclusive_lock

GOLDEN = Path(__file__).resolve().parent / "golden" / "seed42_scale1.json"
FILES = [f"{t}.csv" for t in writer.TABLES] + [LABELS_NAME, "manifest.json"]


def digests(data_dir: Path) -> dict[str, str]:
    return {name: sha256_file(data_dir / name) for name in FILES}


class Determinism(unittest.TestCase):
    def test_same_seed_same_bytes_different_seed_different_bytes(self) -> None:
        tmp = helpers.temp_dir(self)
        a = helpers.small_dataset(tmp / "a", seed=5, scale=0.25)
        b = helpers.small_dataset(tmp / "b", seed=5, scale=0.25)
        c = helpers.small_dataset(tmp / "c", seed=6, scale=0.25)
        self.assertEqual(digests(a), digests(b))
        differing = [n for n in FILES if digests(a)[n] != digests(c)[n]]
        self.assertEqual(set(differing), set(FILES) - {"categories.csv"})  # categories are fixed
        self.assertGreater(len(oracle.read(a, "labels/anomalies")), 0)

    def test_golden_hashes_seed42_scale1(self) -> None:
        """Any change to the output must be a conscious one: update tests/golden with it."""
        golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
        data_dir = helpers.small_dataset(helpers.temp_dir(self), seed=42, scale=1)
        manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
        self.assertEqual({f["file"]: {"rows": f["rows"], "sha256": f["sha256"]}
                          for f in manifest["files"] + manifest["labels"]}, golden["files"])
        self.assertEqual(digests(data_dir), {**{k: v["sha256"] for k, v in golden["files"].items()},
                                             "manifest.json": golden["manifest_sha256"]})

    def test_a_block_does_not_depend_on_the_others(self) -> None:
        settings = Settings(seed=3, scale=0.6)  # three blocks
        catalogue = build_catalogue(settings)
        blocks = list(writer.iter_blocks(settings, catalogue))
        builder = gen.BlockBuilder(settings, catalogue, Clock(settings))
        keys = parallel.advance(parallel.advance((0, 0, 0, 0), builder.counts(0)), builder.counts(1))
        alone = gen.BlockBuilder(settings, catalogue, Clock(settings)).build(2, keys)
        self.assertEqual(alone, blocks[2])
        self.assertEqual([b.counts[0] for b in blocks], [BLOCK_USERS, BLOCK_USERS, 200])

    def test_counts_come_from_the_shape_stream_alone(self) -> None:
        """Counting a block draws no content: the content stream is never seeded."""
        settings = Settings(seed=3, scale=0.6)
        builder = gen.BlockBuilder(settings, build_catalogue(settings), Clock(settings))
        built = builder.build(1)
        seeds = []
        real = gen.Random

        def spy(seed):
            seeds.append(seed)
            return real(seed)
        with mock.patch.object(gen, "Random", spy):
            counts = builder.counts(1)
        self.assertEqual(seeds, [])
        self.assertEqual(counts, built.counts)
        self.assertEqual(counts, tuple(text.count("\n") for text in built[:6]))

    def test_identical_output_on_other_python_versions(self) -> None:
        """Python 3.9 and 3.13, where installed (pyenv), write the same bytes as this one."""
        pythons = [p for p in (Path.home() / ".pyenv/versions").glob("3.*/bin/python3")
                   if p.parent.parent.name.split(".")[1] in ("9", "13")]
        if not pythons:
            self.skipTest("no other Python 3.9/3.13 installed under ~/.pyenv")
        tmp = helpers.temp_dir(self)
        mine = helpers.small_dataset(tmp / "here", seed=42, scale=0.1)
        for python in pythons:
            with self.subTest(python=str(python)):
                out = tmp / python.parent.parent.name / "data"
                proc = subprocess.run([str(python), "project/generate_data.py", "--generate",
                                       "--seed", "42", "--scale", "0.1", "--out", str(out), "-q"],
                                      cwd=helpers.ROOT, capture_output=True, text=True, timeout=120)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(digests(out), digests(mine))

    def test_whole_pipeline_runs_on_python_3_9(self) -> None:
        """Every step (exports and profile too) on the oldest supported Python, where installed."""
        pythons = sorted((Path.home() / ".pyenv/versions").glob("3.9.*/bin/python3"))
        if not pythons:
            self.skipTest("no Python 3.9 installed under ~/.pyenv")
        tmp = helpers.temp_dir(self)
        proc = subprocess.run([str(pythons[0]), "project/run_all.py", "--scale", "0.05", "--workers",
                               "1", "--data-dir", str(tmp / "data"), "--db", str(tmp / "e.db"),
                               "--out-dir", str(tmp), "-q"],
                              cwd=helpers.ROOT, capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        self.assertTrue((tmp / "exports/postgres/load.sql").is_file())


class DrawsOnlyFromRandom(unittest.TestCase):
    """Python keeps only Random.random() stable across versions; the generator uses nothing else."""

    # Every drawing method of random.Random but random() itself, whatever the object is
    # called (seed, getstate and setstate draw nothing; "seed" is also a settings field).
    UNSTABLE = {name for name in dir(random.Random) if not name.startswith("_")} - {
        "random", "seed", "getstate", "setstate", "VERSION"}
    FORBIDDEN_NAMES = {"hash", "uuid4", "time", "now", "today", "urandom", "SystemRandom"}

    def test_no_other_random_method_clock_or_hash(self) -> None:
        self.assertIn("randint", self.UNSTABLE)
        for path in sorted((helpers.ROOT / "data_generation").glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in self.UNSTABLE:
                    self.fail(f"{path.name}:{node.lineno} uses .{node.attr}")
                if isinstance(node, ast.ImportFrom) and node.module == "random":
                    self.assertEqual([a.name for a in node.names], ["Random"], path.name)
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                    self.assertNotIn(name, self.FORBIDDEN_NAMES, f"{path.name}:{node.lineno}")


class Invariants(unittest.TestCase):
    """The business rules of issue 2, checked on the CSVs directly (no SQL involved)."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        data_dir = helpers.small_dataset(helpers.temp_dir(cls.case), seed=21, scale=0.5)
        cls.t = {table: oracle.read(data_dir, table) for table in writer.TABLES}

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def test_keys_dense_and_foreign_keys_resolve(self) -> None:
        keys = {"categories": "category_id", "users": "user_id", "products": "product_id",
                "orders": "order_id", "order_items": "order_item_id", "payments": "payment_id",
                "reviews": "review_id"}
        for table, key in keys.items():
            self.assertEqual([int(r[key]) for r in self.t[table]],
                             list(range(1, len(self.t[table]) + 1)), table)
        ids = {table: {r[key] for r in self.t[table]} for table, key in keys.items()}
        for table, column, parent in [("products", "category_id", "categories"),
                                      ("orders", "user_id", "users"),
                                      ("order_items", "order_id", "orders"),
                                      ("order_items", "product_id", "products"),
                                      ("payments", "order_id", "orders"),
                                      ("reviews", "product_id", "products"),
                                      ("reviews", "user_id", "users")]:
            self.assertTrue({r[column] for r in self.t[table]} <= ids[parent], (table, column))

    def test_categories_two_levels_products_in_leaves(self) -> None:
        cats = {c["category_id"]: c for c in self.t["categories"]}
        self.assertEqual(len(cats), 25)
        parents = {c["parent_id"] for c in cats.values() if c["parent_id"]}
        for c in cats.values():
            if c["parent_id"]:
                self.assertEqual(cats[c["parent_id"]]["parent_id"], "")
        self.assertFalse({p["category_id"] for p in self.t["products"]} & parents)

    def test_money_reconciles_exactly(self) -> None:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.t["order_items"]:
            self.assertEqual(Decimal(line["line_total"]),
                             int(line["quantity"]) * Decimal(line["unit_price"]))
            totals[line["order_id"]] += Decimal(line["line_total"])
        for order in self.t["orders"]:
            self.assertEqual(Decimal(order["total_amount"]), totals[order["order_id"]])

    def test_payments_follow_order_status(self) -> None:
        payments = defaultdict(list)
        for p in self.t["payments"]:
            payments[p["order_id"]].append(p)
        signup = {u["user_id"]: u["signup_date"] for u in self.t["users"]}
        for order in self.t["orders"]:
            mine = payments[order["order_id"]]
            self.assertLessEqual(signup[order["user_id"]], order["order_date"])
            for p in mine:
                self.assertLessEqual(order["order_date"], p["payment_date"])
            completed = sum((Decimal(p["amount"]) for p in mine if p["status"] == "completed"),
                            Decimal("0"))
            status = order["status"]
            if status in oracle.REVENUE:
                self.assertEqual(completed, Decimal(order["total_amount"]), order)
            elif status == "refunded":
                self.assertIn("refunded", {p["status"] for p in mine})
            else:
                self.assertEqual(completed, 0, order)

    def test_reviews_come_from_delivered_purchases(self) -> None:
        bought = defaultdict(list)
        orders = {o["order_id"]: o for o in self.t["orders"]}
        for line in self.t["order_items"]:
            order = orders[line["order_id"]]
            if order["status"] == "delivered":
                bought[(order["user_id"], line["product_id"])].append(order["order_date"])
        for review in self.t["reviews"]:
            dates = bought[(review["user_id"], review["product_id"])]
            self.assertTrue(any(d < review["review_date"] for d in dates), review)

    def test_emails_unique_and_plausible(self) -> None:
        emails = [u["email"].lower() for u in self.t["users"]]
        self.assertEqual(len(emails), len(set(emails)))
        self.assertTrue(all(e.count("@") == 1 and e.split("@")[1].startswith("example.")
                            for e in emails))
        with_id = [u for u in self.t["users"]  # the number is a scramble of the id, not the id
                   if re.search(rf"(?<!\d){u['user_id']}(?!\d)", u["email"])]
        self.assertLessEqual(len(with_id), len(emails) // 100)

    def test_email_slugs_spell_out_letters_unicode_does_not_decompose(self) -> None:
        from data_generation.people import ascii_slug
        self.assertEqual([ascii_slug(n) for n in ("Michał", "Weiß", "Müller", "Åberg", "De Boer")],
                         ["michal", "weiss", "muller", "aberg", "deboer"])
        self.assertTrue(all(re.fullmatch(r"[a-z0-9._]+@example\.(com|net|org)", u["email"])
                            for u in self.t["users"]))

    def test_status_follows_shipping_and_delivery(self) -> None:
        for order in self.t["orders"]:
            shipped, delivered, status = order["shipped_at"], order["delivered_at"], order["status"]
            self.assertEqual(shipped == "", status in ("pending", "paid", "cancelled"), order)
            self.assertEqual(delivered == "", status not in ("delivered", "refunded"), order)
            if delivered:
                self.assertLessEqual(order["order_date"], shipped)
                self.assertLess(shipped, delivered)

    def test_refunds_are_whole_lines_after_delivery(self) -> None:
        """Each refund row is one line's total, after delivery; all lines refunded: 'refunded'."""
        lines, refunds = defaultdict(list), defaultdict(list)
        for line in self.t["order_items"]:
            lines[line["order_id"]].append(Decimal(line["line_total"]))
        for p in self.t["payments"]:
            if p["status"] == "refunded":
                refunds[p["order_id"]].append(p)
        partial = 0
        for order in self.t["orders"]:
            mine = refunds[order["order_id"]]
            if not mine:
                self.assertNotEqual(order["status"], "refunded")
                continue
            self.assertIn(order["status"], ("delivered", "refunded"))
            remaining = list(lines[order["order_id"]])
            for p in mine:
                self.assertGreaterEqual(p["payment_date"], order["delivered_at"])
                remaining.remove(Decimal(p["amount"]))  # one refund per returned line
            self.assertEqual(order["status"] == "refunded", not remaining, order)
            partial += order["status"] == "delivered"
        self.assertGreater(partial, 0)

    def test_product_names_unique_and_nullable_columns_used(self) -> None:
        names = [p["name"] for p in self.t["products"]]
        self.assertEqual(len(names), len(set(names)))
        self.assertTrue(any(u["city"] == "" for u in self.t["users"]))
        titles = [r["title"] for r in self.t["reviews"]]
        self.assertGreater(titles.count(""), len(titles) // 2)
        written = [t for t in titles if t]
        self.assertGreater(len(set(written)), 0.6 * len(written))  # varied, not one per star

    def test_volumes_and_mix(self) -> None:
        n_users = len(self.t["users"])
        self.assertEqual(n_users, 1000)
        self.assertEqual(len(self.t["products"]), 300)
        self.assertTrue(0.9 * n_users <= len(self.t["orders"]) <= 1.4 * n_users)  # churn: most buy once
        status = Counter(o["status"] for o in self.t["orders"])
        self.assertGreater(status["delivered"] / len(self.t["orders"]), 0.8)
        methods = Counter(p["payment_method"] for p in self.t["payments"])
        self.assertGreater(methods["card"], methods["paypal"])
        self.assertGreater(methods["paypal"], methods["bank"])
        self.assertIn("failed", {p["status"] for p in self.t["payments"]})


class AtomicOutput(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = helpers.temp_dir(self)
        self.data_dir = helpers.small_dataset(self.tmp, seed=1, scale=0.02)
        self.before = digests(self.data_dir)

    def assert_untouched(self) -> None:
        self.assertEqual(digests(self.data_dir), self.before)
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir() if p.name.startswith(".")), [])

    def test_failed_write_keeps_previous_dataset(self) -> None:
        real = writer.write_csvs

        def disk_full(*args):
            real(*args)
            raise OSError(28, "No space left on device")
        with mock.patch.object(writer, "write_csvs", disk_full):
            with self.assertRaisesRegex(KitError, "No space left on device"):
                writer.generate(Settings(seed=2, scale=0.02), self.data_dir)
        self.assert_untouched()

    def test_regeneration_replaces_the_whole_directory(self) -> None:
        (self.data_dir / "stray.csv").write_text("x\n")
        writer.generate(Settings(seed=2, scale=0.02), self.data_dir)
        self.assertFalse((self.data_dir / "stray.csv").exists())
        self.assertNotEqual(digests(self.data_dir), self.before)

    def test_refuses_to_replace_a_foreign_directory(self) -> None:
        foreign = self.tmp / "mine"
        foreign.mkdir()
        (foreign / "notes.txt").write_text("keep me\n")
        with self.assertRaisesRegex(KitError, "refusing to replace .*mine.*no manifest.json"):
            writer.generate(Settings(seed=2, scale=0.02), foreign)
        self.assertEqual((foreign / "notes.txt").read_text(), "keep me\n")

    def test_concurrent_generation_is_refused(self) -> None:
        with exclusive_lock(self.tmp / ".data.lock", "test"):
            with self.assertRaisesRegex(LockedError, "another generate is writing .*data, or an"):
                writer.generate(Settings(seed=2, scale=0.02), self.data_dir)
        self.assert_untouched()

    def test_verify_detects_an_edited_file(self) -> None:
        self.assertEqual(writer.verify(self.data_dir), [])
        with open(self.data_dir / "users.csv", "a", encoding="utf-8") as handle:
            handle.write("\n")
        problems = writer.verify(self.data_dir)
        self.assertEqual(len(problems), 1)
        self.assertIn("users.csv: SHA-256 differs from the manifest", problems[0])

    @unittest.skipIf(os.name == "nt", "POSIX modes")
    def test_outputs_get_the_usual_modes_not_private_temp_ones(self) -> None:
        mask = os.umask(0o022)
        self.addCleanup(os.umask, mask)
        writer.generate(Settings(seed=2, scale=0.02), self.data_dir)
        db = self.tmp / "db" / "e.db"
        ingest(self.data_dir, db, SCHEMA_PATH)
        self.assertEqual(self.data_dir.stat().st_mode & 0o777, 0o755)
        self.assertEqual((self.data_dir / "users.csv").stat().st_mode & 0o777, 0o644)
        self.assertEqual(db.stat().st_mode & 0o777, 0o644)

    @unittest.skipIf(os.name == "nt" or os.geteuid() == 0, "needs a non-root POSIX user")
    def test_unwritable_parent(self) -> None:
        locked = self.tmp / "ro"
        locked.mkdir()
        locked.chmod(0o500)
        self.addCleanup(locked.chmod, 0o700)
        with self.assertRaisesRegex(KitError, "Permission denied"):
            writer.generate(Settings(seed=2, scale=0.02), locked / "data")


class RateConfig(unittest.TestCase):
    def write(self, document) -> Path:
        path = helpers.temp_dir(self) / "rates.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    def test_template_lists_every_default(self) -> None:
        path = helpers.ROOT / "data_generation" / "default_rates.json"
        self.assertEqual(load_config(path), (Rates(), None))

    def test_overrides_change_the_data_and_are_recorded(self) -> None:
        rates = load_config(self.write({"rates": {"cancel_rate": 0.5, "method_weights": [0, 0, 1]}})).rates
        tmp = helpers.temp_dir(self)
        writer.generate(Settings(seed=1, scale=0.05, rates=rates), tmp / "data")
        manifest = json.loads((tmp / "data" / "manifest.json").read_text())
        self.assertEqual(manifest["rate_overrides"], {"cancel_rate": 0.5, "method_weights": [0, 0, 1]})
        orders = oracle.read(tmp / "data", "orders")
        self.assertGreater(sum(o["status"] == "cancelled" for o in orders) / len(orders), 0.35)
        methods = Counter(p["payment_method"] for p in oracle.read(tmp / "data", "payments"))
        self.assertGreater(methods["bank"], 0.9 * sum(methods.values()))  # splits use a second method

    def test_bad_configs_name_the_problem(self) -> None:
        for document, message in [({"rates": {"cancel_rat": 0.1}}, "unknown rate 'cancel_rat'"),
                                  ({"rates": {"cancel_rate": 1.5}}, "probability and must be at most 1"),
                                  ({"rates": {"basket_max": 2.5}}, "basket_max must be a non-negative integer"),
                                  ({"rates": {"method_weights": [1, 2]}}, "list of 3 non-negative numbers"),
                                  ({"rates": [1]}, "expected an object"),
                                  ({"rates": {"country_method_factors": {"Atlantis": [1, 1, 1]}}},
                                   "country_method_factors has an unknown key 'Atlantis'"),
                                  ({"rates": {"country_method_factors": {"Germany": [1, 1]}}},
                                   r"country_method_factors.Germany must be a list of 3"),
                                  ({"rates": {"category_return_factors": [1]}},
                                   "category_return_factors must be an object keyed by Books"),
                                  ({"currency": "USD", "curency": "EUR"}, "unknown key 'curency'"),
                                  ({"currency": "JPY"}, "currency JPY has 0 decimal places"),
                                  ({"currency": 5}, "currency 5 is not an ISO 4217"),
                                  ([1, 2], "expected an object")]:
            with self.subTest(message=message):
                with self.assertRaisesRegex(UsageError, "rates.json: .*" + message):
                    load_config(self.write(document))
        broken = helpers.temp_dir(self) / "broken.json"
        broken.write_text("{", encoding="utf-8")
        with self.assertRaisesRegex(UsageError, "broken.json: not valid JSON"):
            load_config(broken)

    def test_a_country_table_merges_with_the_defaults(self) -> None:
        rates = load_config(self.write({"rates": {"country_method_factors": {
            "Germany": [0, 1, 0]}}})).rates
        self.assertEqual(rates.country_method_factors["Germany"], (0, 1, 0))
        self.assertEqual(rates.country_method_factors["Netherlands"],
                         Rates().country_method_factors["Netherlands"])
        tmp = helpers.temp_dir(self)
        writer.generate(Settings(seed=1, scale=0.05, rates=rates), tmp / "data")
        german = {u["user_id"] for u in oracle.read(tmp / "data", "users") if u["country"] == "Germany"}
        orders = {o["order_id"] for o in oracle.read(tmp / "data", "orders") if o["user_id"] in german}
        methods = Counter(p["payment_method"] for p in oracle.read(tmp / "data", "payments")
                          if p["order_id"] in orders and p["status"] != "failed")
        self.assertGreater(methods["paypal"], 0.9 * sum(methods.values()))  # splits use another
        manifest = json.loads((tmp / "data" / "manifest.json").read_text())
        self.assertEqual(manifest["rate_overrides"]["country_method_factors"]["Germany"], [0, 1, 0])

    def test_currency_from_the_file_and_the_command_line_wins(self) -> None:
        from pipeline.commands import settings
        path = self.write({"_about": "a comment", "currency": "eur", "rates": {"cancel_rate": 0.1}})
        self.assertEqual(load_config(path).currency, "EUR")
        self.assertEqual(settings(1, 0.1, path, None).currency, "EUR")
        self.assertEqual(settings(1, 0.1, path, "GBP").currency, "GBP")
        self.assertEqual(settings(1, 0.1, None, None).currency, "USD")
        self.assertEqual(settings(1, 0.1, self.write({"rates": {}}), None).currency, "USD")


class SettingsValidation(unittest.TestCase):
    def test_impossible_parameters(self) -> None:
        for kwargs, message in [({"scale": 0}, "scale must be a positive number"),
                                ({"scale": -1.5}, "scale must be a positive number"),
                                ({"scale": float("nan")}, "scale must be a positive number"),
                                ({"seed": "42"}, "seed must be an integer")]:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                with self.assertRaisesRegex(UsageError, message):
                    Settings(**{"seed": 1, "scale": 1.0, **kwargs})

    def test_scale_multiplies_rows_categories_fixed(self) -> None:
        small, large = Settings(seed=1, scale=0.5), Settings(seed=1, scale=3)
        self.assertEqual((small.n_users, small.n_products), (1000, 300))
        self.assertEqual((large.n_users, large.n_products), (6000, 1800))
        self.assertEqual(len(build_categories()), 25)

    def test_any_positive_scale_gives_one_user_at_least(self) -> None:
        for scale in (0.0001, 1e-300, 5e-324):
            with self.subTest(scale=scale):
                tiny = Settings(seed=1, scale=scale)
                self.assertEqual((tiny.n_users, tiny.n_products, tiny.n_blocks), (1, 1, 1))


if __name__ == "__main__":
    unittest.main()
