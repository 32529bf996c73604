"""Issue 12: the README's "Python 3.9 to 3.13" is run, not parsed.

The whole pipeline (run_all.py, its exports, export.py --verify of every format) runs under
each Python 3.9-3.13 that pyenv has and under PyPy where installed, each in a fresh copy;
the outputs must match this interpreter's byte for byte. A version that is absent is skipped
and named. .ci/run runs the same check at the default scale (tests/interpreters.py), then
the suite with ECOMKIT_PYTHONS_CHECKED=1, which skips this repeat of it; a plain local run of
the suite runs it.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import unittest
from pathlib import Path
from unittest import mock

import helpers
import interpreters

CHECKED = os.environ.get("ECOMKIT_PYTHONS_CHECKED") == "1"  # .ci/run ran interpreters.py already

SCALE = "0.25"  # every step runs; the suite stays fast (.ci/run uses the default scale)


@unittest.skipIf(CHECKED, "tests/interpreters.py ran this check already (ECOMKIT_PYTHONS_CHECKED=1)")
class EveryInstalledPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.work = helpers.temp_dir(cls.case)
        cls.reference = interpreters.run_pipeline(sys.executable, cls.work / "reference",
                                                  "--scale", SCALE)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def test_reference_covers_every_output(self) -> None:
        names = set(self.reference)
        for expected in ("data/orders.csv", "report.json", "query_result.json",
                         "exports/json/orders.json", "exports/sqlite-dump/dump.sql",
                         "exports/postgres/load.sql", "docs/profile.html"):
            self.assertIn(expected, names)

    def test_every_installed_python_and_pypy(self) -> None:
        """PyPy finalises cursors late: a statement left open broke the ingest's savepoints."""
        for name, python in interpreters.find_pythons().items():
            with self.subTest(python=name):
                if python is None:
                    self.skipTest(f"python {name}: skipped: absent")
                self.assertEqual(interpreters.run_pipeline(python, self.work / name, "--scale", SCALE),
                                 self.reference)

    def test_absent_versions_are_reported_not_hidden(self) -> None:
        """The .ci/run step names every version it could not run (an empty pyenv here)."""
        found = interpreters.find_pythons()
        self.assertEqual(list(found), [*interpreters.VERSIONS, "pypy3"])
        empty = helpers.temp_dir(self)
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"PYENV_ROOT": str(empty)}), \
                mock.patch.object(interpreters.shutil, "which", return_value=None), \
                contextlib.redirect_stdout(out):
            self.assertEqual(interpreters.main(["--scale", "0.05"]), 0)
        lines = out.getvalue().splitlines()
        self.assertIn("pipeline and every --verify ok", lines[0])
        self.assertEqual(lines[1:], [f"python {v}: skipped: absent"
                                     for v in [*interpreters.VERSIONS, "pypy3"]])


class Digests(unittest.TestCase):
    """Only the python_version row (and the hashes covering it) may differ between Pythons."""

    def export(self, version: str, currency: str) -> dict[str, str]:
        repo = helpers.temp_dir(self)
        out = repo / "exports" / "jsonl"
        out.mkdir(parents=True)
        rows = (f'{{"key": "currency", "value": "{currency}"}}\n'
                f'{{"key": "python_version", "value": "{version}"}}\n')
        (out / "submission_meta.jsonl").write_text(rows, encoding="utf-8")
        manifest = {"tables": [{"table": "submission_meta", "rows": 2, "checksum": version + currency}],
                    "files": [{"file": "submission_meta.jsonl", "table": "submission_meta",
                               "rows": 2, "bytes": len(rows), "sha256": version + currency}]}
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return interpreters.digests(repo)

    def test_the_interpreter_row_is_ignored_and_nothing_else(self) -> None:
        self.assertEqual(self.export("3.9.18", "USD"), self.export("3.13.0", "USD"))
        self.assertEqual(len(self.export("3.9.18", "USD")), 2)
        differ = self.export("3.9.18", "EUR")
        self.assertNotEqual(differ["exports/jsonl/submission_meta.jsonl"],
                            self.export("3.9.18", "USD")["exports/jsonl/submission_meta.jsonl"])

    def test_ci_runs_the_cross_python_check_once(self) -> None:
        """.ci/run: interpreters.py once, then the suite (oldest and newest) without its repeat."""
        ci = (helpers.ROOT / ".ci/run").read_text(encoding="utf-8")
        commands = [line.strip() for line in ci.splitlines() if not line.strip().startswith("#")]
        self.assertEqual([c for c in commands if c.startswith("python tests/interpreters.py")],
                         ["python tests/interpreters.py"])
        checked = ci.index("export ECOMKIT_PYTHONS_CHECKED=1")
        self.assertLess(ci.index("python tests/interpreters.py\n"), checked)
        self.assertLess(checked, ci.index("unittest discover"))
        self.assertIn("tests/interpreters.py --ends", ci)

    def test_ends_are_the_oldest_and_newest_installed(self) -> None:
        found = dict.fromkeys(interpreters.VERSIONS)
        found.update({"3.10": Path("/a/3.10"), "3.12": Path("/a/3.12"), "pypy3": Path("/pypy3")})
        with mock.patch.object(interpreters, "find_pythons", return_value=found):
            self.assertEqual(interpreters.ends(), [Path("/a/3.10"), Path("/a/3.12")])
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(interpreters.main(["--ends"]), 0)
            self.assertEqual(out.getvalue().split(), [str(Path("/a/3.10")), str(Path("/a/3.12"))])


if __name__ == "__main__":
    unittest.main()
