"""Issue 12: every dataset size and shape runs, checks, exports and verifies.

Seeds x scales from one user (0.0005) to 0.5 x rate configs that empty each optional table
(reviews, refunds, cancellations, failed payments, planted anomalies). For each: run_all.py
exits 0, every report check passes, every export format verifies, the dashboard's two JSON
files (report.json, query_result.json) are complete. In-process through main([...]); one
case runs the real commands in subprocesses. Backs the README's "any scale > 0".
"""
from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import unittest
from pathlib import Path

import helpers

RUN_ALL = helpers.load_script("run_all")
EXPORT = helpers.load_script("export")

NO_FAILED_PAYMENTS = {"failed_payment_weights": [1, 0, 0], "pending_decline_rate": 0,
                      "cancelled_decline_rate": 0, "anomaly_rate": 0}  # card testing declines too
CONFIGS: dict[str, dict] = {
    "default": {},
    "no reviews": {"review_rate": 0},
    "no refunds": {"refund_rate": 0},
    "no cancellations": {"cancel_rate": 0},
    "no failed payments": NO_FAILED_PAYMENTS,
    "no anomalies": {"anomaly_rate": 0},
    "all optional tables empty": {"review_rate": 0, "refund_rate": 0, "cancel_rate": 0,
                                  "split_payment_rate": 0, "discount_share": 0,
                                  **NO_FAILED_PAYMENTS},
}
# What each config must leave empty: SQL counting rows that must not exist.
EMPTIED = {
    "reviews": "SELECT count(*) FROM reviews",
    "refunds": "SELECT count(*) FROM orders WHERE status = 'refunded'",
    "cancellations": "SELECT count(*) FROM orders WHERE status = 'cancelled'",
    "failed payments": "SELECT count(*) FROM payments WHERE status = 'failed'",
}
EMPTIES = {"no reviews": ["reviews"], "no refunds": ["refunds"],
           "no cancellations": ["cancellations"], "no failed payments": ["failed payments"],
           "all optional tables empty": list(EMPTIED)}
NO_LABELS = {"no anomalies", "no failed payments", "all optional tables empty"}

CASES = ([(seed, "0.01", "default") for seed in range(1, 9)]      # the report crash of issue 12
         + [(seed, scale, config) for config in CONFIGS for seed, scale in
            ((3, "0.0005"), (5, "0.01"), (11, "0.1"))]
         + [(42, "0.5", "default"), (9, "0.5", "all optional tables empty")])


DATA_KEYED = {".anomalies.findings_by_rule"}  # objects whose keys are data (rule -> count)


def key_paths(value: object, prefix: str = "") -> set[str]:
    """Every key path of a JSON document; list elements share the path ``name[]``."""
    if isinstance(value, dict):
        if prefix in DATA_KEYED:
            return {prefix} | set().union(*[key_paths(v, f"{prefix}[]") for v in value.values()])
        return set().union(*([{prefix}] + [key_paths(v, f"{prefix}.{k}") for k, v in value.items()]))
    if isinstance(value, list):
        return set().union({prefix}, *[key_paths(v, f"{prefix}[]") for v in value])
    return {prefix}


class SizeAndShapeMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.tmp = helpers.temp_dir(cls.case)
        cls.reference = cls.run_all(cls.tmp / "reference", 42, "0.15", "default")  # plants anomalies

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    @classmethod
    def run_all(cls, out: Path, seed: int, scale: str, config: str) -> Path:
        args = ["--quiet", "--seed", str(seed), "--scale", scale, "--workers", "1",
                "--data-dir", str(out / "data"), "--db", str(out / "db.sqlite"),
                "--out-dir", str(out)]
        if CONFIGS[config]:
            (out / "rates.json").parent.mkdir(parents=True, exist_ok=True)
            (out / "rates.json").write_text(json.dumps({"rates": CONFIGS[config]}), encoding="utf-8")
            args += ["--config", str(out / "rates.json")]
        stderr = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            code = RUN_ALL.main(args)
        if code != 0:
            raise AssertionError(f"run_all.py {' '.join(args)} exited {code}: {stderr.getvalue()}")
        return out

    def check_outputs(self, out: Path, config: str) -> None:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        self.assertTrue(report["passed"], report["summary"])
        self.assertEqual(report["summary"]["passed"], report["summary"]["checks"])
        self.assertTrue(all(table["db_rows"] == table["csv_rows"] for table in report["tables"]))
        stderr = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            code = EXPORT.main(["--quiet", "--verify", str(out / "exports"), "--db", str(out / "db.sqlite")])
        self.assertEqual(code, 0, stderr.getvalue())
        for fmt in ("json", "jsonl", "sqlite-dump", "postgres"):
            self.assertTrue((out / "exports" / fmt / "manifest.json").is_file(), fmt)
        # The dashboard reads these two files: every key the reference has, nothing else.
        reference = key_paths(json.loads((self.reference / "report.json").read_text(encoding="utf-8")))
        mine = key_paths(report)
        self.assertEqual({p for p in reference if "[]" not in p} - mine, set())
        self.assertEqual(mine - reference, set())
        cohorts = json.loads((out / "query_result.json").read_text(encoding="utf-8"))
        reference_cohorts = json.loads((self.reference / "query_result.json").read_text(encoding="utf-8"))
        self.assertEqual(cohorts["columns"], reference_cohorts["columns"])
        self.assertTrue(all(len(row) == len(cohorts["columns"]) for row in cohorts["rows"]))
        for name in ("profile.html", "profile.json"):
            self.assertTrue((out / "docs" / name).is_file(), name)
        conn = sqlite3.connect(out / "db.sqlite")
        try:
            for what in EMPTIES.get(config, []):
                self.assertEqual(conn.execute(EMPTIED[what]).fetchone()[0], 0, what)
        finally:
            conn.close()
        if config in NO_LABELS:
            self.assertEqual(report["anomalies"]["labelled_orders"], 0)

    def test_every_seed_scale_and_config(self) -> None:
        for seed, scale, config in CASES:
            with self.subTest(seed=seed, scale=scale, config=config):
                out = self.run_all(self.tmp / f"s{seed}-{scale}-{config.replace(' ', '_')}",
                                   seed, scale, config)
                self.check_outputs(out, config)

    def test_each_config_empties_its_table(self) -> None:
        """The configs do what they claim, so the matrix really covers empty tables."""
        counted = {config: what for config, what in EMPTIES.items()}
        self.assertEqual(set(counted["all optional tables empty"]), set(EMPTIED))
        conn = sqlite3.connect(self.reference / "db.sqlite")
        try:  # at default rates every optional table has rows
            for what, sql in EMPTIED.items():
                self.assertGreater(conn.execute(sql).fetchone()[0], 0, what)
        finally:
            conn.close()

    def test_real_commands_on_an_empty_shape(self) -> None:
        """One case end to end in subprocesses: run_all.py, then export.py --verify."""
        out = helpers.temp_dir(self)
        (out / "rates.json").write_text(json.dumps({"rates": CONFIGS["all optional tables empty"]}),
                                        encoding="utf-8")
        common = ["--db", str(out / "db.sqlite")]
        proc = helpers.run_script("project/run_all.py", "--seed", "4", "--scale", "0.01",
                                  "--config", str(out / "rates.json"), "--data-dir", str(out / "data"),
                                  "--out-dir", str(out), *common, cwd=helpers.ROOT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"seed 4, scale 0.01: (\d+) of \1 checks passed")
        for fmt in ("json", "jsonl", "sqlite-dump", "postgres"):
            proc = helpers.run_script("project/export.py", "--verify", str(out / "exports" / fmt),
                                      *common, cwd=helpers.ROOT)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        self.check_outputs(out, "all optional tables empty")


if __name__ == "__main__":
    unittest.main()
