"""The benchmark runs as documented without touching the committed results (issue 13)."""
from __future__ import annotations

import json
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


if __name__ == "__main__":
    unittest.main()
