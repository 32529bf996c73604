"""Issue 12: the README's "Python 3.9 to 3.13" is run, not parsed.

The whole pipeline (run_all.py, its exports, export.py --verify of every format) runs under
each Python 3.9-3.13 that pyenv has and under PyPy where installed, each in a fresh copy;
the outputs must match this interpreter's byte for byte. A version that is absent is skipped
and named. .ci/run runs the same check at the default scale (tests/interpreters.py).
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import unittest
from unittest import mock

import helpers
import interpreters

SCALE = "0.25"  # every step runs; the suite stays fast (.ci/run uses the default scale)


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

    def check(self, name: str) -> None:
        python = interpreters.find_pythons()[name]
        if python is None:
            self.skipTest(f"python {name}: skipped: absent")
        self.assertEqual(interpreters.run_pipeline(python, self.work / name, "--scale", SCALE),
                         self.reference)

    def test_reference_covers_every_output(self) -> None:
        names = set(self.reference)
        for expected in ("data/orders.csv", "report.json", "query_result.json",
                         "exports/json/orders.json", "exports/sqlite-dump/dump.sql",
                         "exports/postgres/load.sql", "docs/profile.html"):
            self.assertIn(expected, names)

    def test_python_3_9(self) -> None:
        self.check("3.9")

    def test_python_3_10(self) -> None:
        self.check("3.10")

    def test_python_3_11(self) -> None:
        self.check("3.11")

    def test_python_3_12(self) -> None:
        self.check("3.12")

    def test_python_3_13(self) -> None:
        self.check("3.13")

    def test_pypy3(self) -> None:
        """PyPy finalises cursors late: a statement left open broke the ingest's savepoints."""
        self.check("pypy3")

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


if __name__ == "__main__":
    unittest.main()
