"""The benchmark runs as documented without touching the committed results (issue 13)."""
from __future__ import annotations

import json
import sqlite3
import unittest

import helpers
from utils.fileio import sha256_file

PUBLISHED = ("bench/results.json", "bench/results.md")


class Benchmark(unittest.TestCase):
    def test_a_run_writes_to_the_ignored_folder_and_publishes_only_when_asked(self) -> None:
        repo = helpers.copy_repo(helpers.temp_dir(self))
        committed = {name: sha256_file(repo / name) for name in PUBLISHED}
        proc = helpers.run_script("run.py", "--scales", "0.05", "--workers", "1", "--runs", "1",
                                  "-q", cwd=repo / "bench")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual({name: sha256_file(repo / name) for name in PUBLISHED}, committed)
        self.assertEqual(proc.stderr, "")  # -q: the progress lines are logging, now silent
        self.assertEqual(proc.stdout.strip().splitlines()[-2:], ["out/results.json", "out/results.md"])
        results = json.loads((repo / "bench/out/results.json").read_text(encoding="utf-8"))
        query = next(r for r in results["rows"] if r["step"] == "CLV query")
        ingest = next(r for r in results["rows"] if r["step"].startswith("ingest"))
        self.assertEqual(query["rows"], ingest["rows"])  # the rows the query reads, not 0
        self.assertGreater(query["rows_per_s"], 0)
        steps = {r["step"]: r for r in results["rows"]}  # generation against the speed of light
        self.assertEqual(steps["minimal stdlib writer (same rows)"]["rows"], ingest["rows"])
        self.assertLess(steps["generate --parts 4 --part 4"]["rows"], ingest["rows"])
        generation = results["generation_ratios"][0]
        self.assertGreater(generation["vs_minimal_writer"]["1"], 0)
        self.assertGreater(generation["last_part_cpu_vs_whole"], 0)
        self.assertIn("the rows/s of a minimal standard-library csv writer",
                      (repo / "bench/out/results.md").read_text(encoding="utf-8"))
        self.assertNotIn("| CLV query | 0.05 |  | 0 |",
                         (repo / "bench/out/results.md").read_text(encoding="utf-8"))

        proc = helpers.run_script("bench/run.py", "--scales", "0.05", "--workers", "1", "--runs",
                                  "1", "-q", "--publish", cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("python bench/run.py --scales 0.05 --workers 1 --runs 1`",
                      (repo / "bench/results.md").read_text(encoding="utf-8"))
        self.assertNotEqual(sha256_file(repo / "bench/results.json"), committed["bench/results.json"])
        dry = helpers.run_script("project/clean.py", "--dry-run", cwd=repo)
        self.assertIn("would remove bench/out\n", dry.stdout)


class ReferenceLoaders(unittest.TestCase):
    """Issue 17: the sqlite3 shell is measured in its best configuration, and it runs."""

    def test_the_shell_script_is_tuned_and_indexes_follow_the_load(self) -> None:
        from pathlib import Path

        from bench.run import shell_import_script
        script = shell_import_script(Path("data"))
        self.assertIn("PRAGMA cache_size = -524288;", script)  # 512 MiB
        last_import = script.rindex(".import --csv --skip 1 ")
        first_index = script.index("CREATE INDEX")
        self.assertLess(last_import, first_index)
        self.assertLess(script.index("BEGIN;"), script.index(".import"))
        self.assertTrue(script.endswith("COMMIT;\n"))

    def test_the_shell_loads_the_kit_csvs_into_the_schema(self) -> None:
        import shutil
        import subprocess
        shell = shutil.which("sqlite3")
        if shell is None:
            self.skipTest("the sqlite3 shell is not installed (apt-get install -y sqlite3)")
        from bench.run import shell_import_script
        data, db = helpers.small_database(helpers.temp_dir(self), seed=3, scale=0.05)
        target = db.parent / "shell.db"
        proc = subprocess.run([shell, str(target)], input=shell_import_script(data),
                              capture_output=True, text=True)
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        from contextlib import closing
        with closing(sqlite3.connect(db)) as ours, closing(sqlite3.connect(target)) as theirs:
            for table in ("orders", "order_items", "reviews"):
                query = f"SELECT count(*) FROM {table}"
                self.assertEqual(theirs.execute(query).fetchone(), ours.execute(query).fetchone())


class QueryPlans(unittest.TestCase):
    """Issue 17: each library query is timed against candidate plans that return its rows."""

    def test_every_query_is_compared_and_a_plan_with_other_rows_does_not_count(self) -> None:
        from bench.query_plans import PLANS_DIR, compare_plans
        from queries.runner import list_queries
        tmp = helpers.temp_dir(self)
        _, db = helpers.small_database(tmp, seed=5, scale=0.05)
        plans = tmp / "plans"
        plans.mkdir()
        (plans / "candidates.sql").write_text(
            "-- one candidate\nCREATE INDEX cand_orders ON orders (user_id, status, order_date, "
            "total_amount);\nCREATE INDEX cand_dup ON orders (order_date, order_id, status, "
            "total_amount, user_id);\n", encoding="utf-8")  # the second is idx_orders_date: skipped
        (plans / "top_products.sql").write_text("SELECT 1 AS rank", encoding="utf-8")  # wrong rows
        clv = (PLANS_DIR.parents[1] / "queries" / "join_query.sql").read_text(encoding="utf-8")
        (plans / "join_query.sql").write_text(clv, encoding="utf-8")  # same SQL, same rows
        with self.assertLogs("bench", "WARNING") as logs:
            rows = {r["query"]: r for r in compare_plans(db, tmp / "work", 2, plans)}
        self.assertEqual(sorted(rows), sorted(q.path.stem for q in list_queries()))
        self.assertIn("top_products: plan 'rewrite top_products.sql' returns other rows", logs.output[0])
        self.assertNotIn("rewrite top_products.sql", rows["top_products"]["plans"])
        self.assertIn("rewrite join_query.sql", rows["join_query"]["plans"])
        for row in rows.values():
            self.assertIn("kit", row["plans"])  # each candidate timed, or unused by the planner
            self.assertEqual(sorted({*row["plans"], *row["same_plan"]} - {"rewrite join_query.sql"}),
                             ["all candidates", "cand_orders", "kit"])
            self.assertEqual(row["ratio"], round(row["kit_cpu_s"] / row["best_cpu_s"], 2))
            self.assertGreaterEqual(row["ratio"], 1.0)  # the kit's own plan is a candidate too
        self.assertTrue(any("cand_orders" in row["plans"] for row in rows.values()))
        self.assertIn("cand_orders", rows["payment_methods"]["same_plan"])  # no orders read: not timed


if __name__ == "__main__":
    unittest.main()


class ApiUnderLoad(unittest.TestCase):
    """bench/api_wrk.py: each endpoint against the bare http.server, with wrk or without."""

    def test_every_endpoint_is_measured_against_the_baseline(self) -> None:
        from unittest import mock

        from bench import api_wrk
        data_dir, db = helpers.small_database(helpers.temp_dir(self))
        runs = {"wrk": lambda: api_wrk.run(db, data_dir, seconds=1)}
        if api_wrk.shutil.which("wrk") is None:
            runs = {}
            print("  (wrk is not installed: apt-get install -y wrk; testing the fallback only)")

        def fallback() -> list:
            with mock.patch.object(api_wrk.shutil, "which", return_value=None), \
                    mock.patch.object(api_wrk, "ENDPOINTS", api_wrk.ENDPOINTS[2:4]):
                return api_wrk.run(db, data_dir, seconds=1)
        runs["python"] = fallback
        for tool, run in runs.items():
            with self.subTest(tool):
                rows = run()
                self.assertEqual([r["endpoint"] for r in rows],
                                 [p for p, _ in api_wrk.ENDPOINTS] + [api_wrk.UNCACHED_LABEL]
                                 if tool == "wrk" else [p for p, _ in api_wrk.ENDPOINTS[2:4]])
                for row in rows:
                    self.assertEqual(row["kit"]["tool"], tool)
                    self.assertGreater(row["kit"]["rps"], 0, row)
                    if row["endpoint"] != api_wrk.UNCACHED_LABEL:   # no first request there
                        self.assertGreater(row["cold_ms"], 0, row)
                    self.assertEqual(row["kit"].get("non_2xx", 0), 0, row)
                    if row["bare"]:
                        self.assertEqual(row["bare"].get("non_2xx", 0), 0, row)
                        self.assertEqual(row["ratio"],
                                         round(row["kit"]["rps"] / row["bare"]["rps"], 2))
                table = "\n".join(api_wrk.endpoint_table(1, rows))
                self.assertIn("`/api/users/1`", table)
