"""Issue 12: one parameter system, one lock on the data directory, a health check that sees
any edit, and every promise kept for non-ASCII input (paths, CSV content, parameters)."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import api_helpers
import helpers
from data_generation.writer import verify
from utils.locking import reading_data, writing_data

BAD_VALUES = [  # (query, API path, parameter, value)
    ("top_products", "/api/analytics/top-products", "by", "price"),
    ("top_products", "/api/analytics/top-products", "by", "ünits"),
    ("top_products", "/api/analytics/top-products", "limit", "-5"),
    ("top_products", "/api/analytics/top-products", "limit", "0"),
    ("top_products", "/api/analytics/top-products", "limit", "12345678901234567890"),
    ("top_products", "/api/analytics/top-products", "limit", "٣"),  # an Arabic-Indic digit
    ("top_customers", "/api/analytics/top-customers", "limit", "ten"),
    ("revenue_daily", "/api/analytics/revenue/daily", "from", "2024-02-30"),
    ("revenue_daily", "/api/analytics/revenue/daily", "to", "2023-13-01"),
]


def cli_error(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = helpers.load_script("run_query").main(list(args))
    return code, err.getvalue()


class OneParameterSystem(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls._fixture = unittest.TestCase()
        tmp = helpers.temp_dir(cls._fixture)
        cls.data_dir, cls.db = helpers.small_database(tmp)
        cls.results = tmp / "results"
        cls.server = api_helpers.start(api_helpers.site(tmp), db_path=cls.db,
                                       data_dir=cls.data_dir)
        cls._fixture.addCleanup(cls.server.stop)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._fixture.doCleanups()

    def api_error(self, path: str) -> str:
        reply = api_helpers.request(self.server.server_address[1], path)
        self.assertEqual((reply.status, reply.error["code"]), (400, "bad_parameter"))
        return reply.error["message"]

    def test_cli_and_api_reject_the_same_values_with_the_same_message(self) -> None:
        results = helpers.temp_dir(self) / "results"
        for query, path, name, value in BAD_VALUES:
            with self.subTest(query=query, param=f"{name}={value}"):
                code, err = cli_error("--name", query, "--param", f"{name}={value}",
                                      "--db", str(self.db), "--results-dir", str(results))
                self.assertEqual(code, 2)
                self.assertEqual(len(err.splitlines()), 1, err)
                message = err.strip().removeprefix("run_query.py: error: ")
                self.assertIn(f"parameter {name} must be", message)
                self.assertEqual(self.api_error(f"{path}?{name}={quote(value)}"), message)
        self.assertFalse(results.exists())  # nothing written for a refused value

    def test_by_names_its_allowed_values(self) -> None:
        code, err = cli_error("--name", "top_products", "--param", "by=price",
                              "--db", str(self.db), "--results-dir", str(self.results))
        self.assertEqual(err, "run_query.py: error: parameter by must be one of revenue, "
                              "units, got 'price'\n")

    def test_dates_out_of_order_and_unknown_names(self) -> None:
        _, err = cli_error("--name", "revenue_daily", "--param", "from=2024-03-02", "--param",
                           "to=2024-03-01", "--db", str(self.db))
        self.assertIn("parameter from (2024-03-02) is after parameter to (2024-03-01)", err)
        self.assertIn(err.strip().removeprefix("run_query.py: error: "), self.api_error(
            "/api/analytics/revenue/daily?from=2024-03-02&to=2024-03-01"))
        _, err = cli_error("--name", "top_products", "--param", "bý=units", "--db", str(self.db))
        self.assertIn("unknown parameter 'bý' for query top_products (accepted: limit, by)", err)

    def test_accepted_values_give_the_same_rows(self) -> None:
        code, _ = cli_error("--name", "top_products", "--param", "by=units", "--param", "limit=3",
                            "--db", str(self.db), "--results-dir", str(self.results))
        self.assertEqual(code, 0)
        import json
        cli_rows = json.loads((self.results / "top_products.json").read_text("utf-8"))["rows"]
        reply = api_helpers.request(self.server.server_address[1],
                                    "/api/analytics/top-products?by=units&limit=3")
        self.assertEqual([r["product_id"] for r in reply.json()["rows"]],
                         [r["product_id"] for r in cli_rows])


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=helpers.ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


class OneLockOnTheDataDirectory(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = helpers.temp_dir(self)
        self.data_dir = helpers.small_dataset(self.tmp)

    def dotfiles(self) -> list[str]:
        return sorted(p.name for p in self.tmp.iterdir() if p.name.startswith("."))

    def test_ingest_waits_for_a_generator_and_reads_the_whole_new_dataset(self) -> None:
        released = threading.Event()

        def hold() -> None:
            with writing_data(self.data_dir):
                time.sleep(1.5)
                released.set()
        holder = threading.Thread(target=hold)
        holder.start()
        time.sleep(0.2)
        proc = start("project/ingest.py", "--ingest", "--data-dir", str(self.data_dir),
                     "--db", str(self.tmp / "x.db"), "-q")
        _, err = proc.communicate(timeout=60)
        holder.join()
        self.assertEqual(proc.returncode, 0, err)
        self.assertTrue(released.is_set())
        self.assertEqual(self.dotfiles(), [])

    def test_generate_refuses_while_a_reader_holds_the_directory(self) -> None:
        with reading_data(self.data_dir), reading_data(self.data_dir):  # readers share it
            proc = start("project/generate_data.py", "--generate", "--scale", "0.05", "--seed",
                         "3", "--out", str(self.data_dir), "-q")
            _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(f"another generate is writing {self.data_dir}", err)
        self.assertEqual(verify(self.data_dir), [])
        self.assertEqual(self.dotfiles(), [])

    def test_a_stale_lock_file_blocks_nothing_and_is_removed(self) -> None:
        (self.tmp / ".data.lock").write_text("")  # as left by a killed process
        proc = start("project/generate_data.py", "--generate", "--scale", "0.05",
                     "--out", str(self.data_dir), "-q")
        self.assertEqual(proc.wait(timeout=60), 0, proc.communicate()[1])
        self.assertEqual(self.dotfiles(), [])

    def test_regenerations_during_ingests_never_give_a_data_error(self) -> None:
        """Before the shared lock, an ingest during a regeneration read a mixed or missing set."""
        stop = threading.Event()
        failures: list[str] = []

        def regenerate() -> None:
            seed = 0
            while not stop.is_set():
                seed += 1
                proc = start("project/generate_data.py", "--generate", "--seed", str(seed % 2),
                             "--scale", "0.3", "--workers", "1", "--out", str(self.data_dir),
                             "-q")
                _, err = proc.communicate(timeout=120)
                if proc.returncode not in (0, 1) or (proc.returncode == 1 and
                                                     "another generate" not in err):
                    failures.append(err)
        writer = threading.Thread(target=regenerate)
        writer.start()
        try:
            for run in range(6):
                proc = start("project/ingest.py", "--ingest", "--data-dir", str(self.data_dir),
                             "--db", str(self.tmp / "db" / "x.db"), "-q")
                _, err = proc.communicate(timeout=120)
                with self.subTest(run=run):
                    self.assertEqual(proc.returncode, 0, err)
        finally:
            stop.set()
            writer.join()
        self.assertEqual(failures, [])
        self.assertEqual(verify(self.data_dir), [])
        self.assertEqual(self.dotfiles(), [])


class HealthSeesAnyEdit(unittest.TestCase):
    def test_same_size_edit_with_restored_mtime_is_detected(self) -> None:
        tmp = helpers.temp_dir(self)
        data_dir, db = helpers.small_database(tmp)
        server = api_helpers.start(api_helpers.site(tmp), db_path=db, data_dir=data_dir)
        self.addCleanup(server.stop)
        port = server.server_address[1]
        # Cache every hash at once (files written seconds ago are otherwise re-hashed anyway).
        with mock.patch("api.dataset.CTIME_SLACK_NS", -10**18):
            self.assertEqual(api_helpers.request(port, "/api/health").json()["status"], "ok")
            orders = data_dir / "orders.csv"
            before = os.stat(orders)
            text = orders.read_bytes()
            edited = text.replace(b",delivered,", b",cancelled,", 1)  # same length
            self.assertNotEqual(edited, text)
            self.assertEqual(len(edited), len(text))
            time.sleep(0.05)
            orders.write_bytes(edited)
            os.utime(orders, ns=(before.st_atime_ns, before.st_mtime_ns))
            after = os.stat(orders)
            self.assertEqual((after.st_size, after.st_mtime_ns, after.st_ino),
                             (before.st_size, before.st_mtime_ns, before.st_ino))
            health = api_helpers.request(port, "/api/health").json()
        self.assertEqual(health["status"], "degraded")
        self.assertEqual([(d["file"], d["problem"]) for d in health["csv_differences"]],
                         [("orders.csv", "changed")])

    def test_no_hash_is_cached_where_ctime_is_the_creation_time(self) -> None:
        """Windows: an edit with its mtime restored keeps every stat field; hash again there."""
        from api.dataset import Database
        tmp = helpers.temp_dir(self)
        csv_file = tmp / "orders.csv"
        csv_file.write_bytes(b"id\n1\n")
        frozen = os.stat(csv_file)  # what Windows reports after such an edit: nothing moved
        database = Database(tmp / "x.db", tmp, tmp, schema=None)
        with mock.patch("api.dataset.CTIME_SLACK_NS", -10**18), \
                mock.patch("api.dataset.os.stat", return_value=frozen):
            for windows, stale in ((False, True), (True, False)):
                with self.subTest(windows=windows), \
                        mock.patch("api.dataset.CTIME_IS_CHANGE_TIME", not windows):
                    database._hashes.clear()
                    csv_file.write_bytes(b"id\n1\n")
                    first = database._sha256(csv_file)
                    csv_file.write_bytes(b"id\n2\n")
                    self.assertEqual(database._sha256(csv_file) == first, stale)


class UnicodeEverywhere(unittest.TestCase):
    def test_pipeline_in_non_ascii_directories(self) -> None:
        base = helpers.temp_dir(self) / "données 漢字 😀"
        data, db = base / "dätä", base / "бд" / "ecommerce é.db"
        steps = [
            ["project/generate_data.py", "--generate", "--scale", "0.2", "--out", str(data)],
            ["project/ingest.py", "--ingest", "--data-dir", str(data), "--db", str(db)],
            ["project/ingest.py", "--report", "--data-dir", str(data), "--db", str(db),
             "--out-dir", str(base / "rapport")],
            ["project/run_query.py", "--db", str(db), "--out-dir", str(base / "résultats")],
            ["project/run_query.py", "--name", "top_products", "--param", "by=units",
             "--db", str(db), "--results-dir", str(base / "結果")],
            ["project/export.py", "--format", "all", "--db", str(db), "--out", str(base / "导出")],
            ["project/export.py", "--verify", str(base / "导出"), "--db", str(db)],
            ["project/profile_data.py", "--db", str(db), "--out-dir", str(base / "профиль")],
        ]
        for args in steps:
            with self.subTest(args[0] + " " + args[1]):
                result = helpers.run_script(*args, "-q", cwd=helpers.ROOT)
                self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue((base / "結果" / "top_products.json").is_file())
        self.assertTrue((base / "rapport" / "report.json").is_file())

    def test_non_ascii_paths_on_a_console_that_cannot_show_them(self) -> None:
        """A cp1252 or ASCII stdout (a Windows pipe) gets escapes, not a crash after the work."""
        out = helpers.temp_dir(self) / "漢字 😀"
        env = dict(os.environ, PYTHONIOENCODING="ascii", PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run([sys.executable, "project/generate_data.py", "--generate",
                                 "--scale", "0.05", "--out", str(out), "-q"], cwd=helpers.ROOT,
                                capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("\\u6f22\\u5b57", result.stdout)
        self.assertEqual(verify(out), [])

    def test_readme_one_line_naming_file_line_and_column(self) -> None:
        """README: bad input gets one line naming the file, line and column, for any text."""
        tmp = helpers.temp_dir(self)
        data_dir, db = helpers.small_database(tmp)
        before = db.read_bytes()
        users = data_dir / "users.csv"
        lines = users.read_text("utf-8").split("\n")
        fields = lines[4].split(",")
        cases = {  # column -> the bad value put in line 5
            "signup_date": "2024-02-30 漢字",
            "user_id": "５",                  # a full-width digit is not an integer here
            "email": '"bad\ne-mail 😀"',      # a line break inside a quoted field
        }
        header = lines[0].split(",")
        for column, value in cases.items():
            with self.subTest(column=column):
                changed = list(fields)
                changed[header.index(column)] = value
                users.write_text("\n".join(lines[:4] + [",".join(changed)] + lines[5:]),
                                 encoding="utf-8")
                result = helpers.run_script("project/ingest.py", "--ingest", "--data-dir",
                                            str(data_dir), "--db", str(db), cwd=helpers.ROOT)
                self.assertEqual(result.returncode, 1)
                err = result.stderr.strip().splitlines()
                self.assertEqual(len(err), 1, result.stderr)
                self.assertRegex(err[0], rf"^ingest\.py: error: users\.csv line 5, column "
                                         rf"{column}: ")
                self.assertEqual(db.read_bytes(), before)
