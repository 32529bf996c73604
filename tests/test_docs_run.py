"""Docs that lie fail CI: every runnable command block of README.md and grading_guide.md runs.

A fenced block whose info string is ``sh runnable`` is run, in document order, by bash in a
fresh copy of the repository, from its root, and must exit 0. Two substitutions, so the
test stays bounded and independent of the machine: the test-suite command itself runs one
fast module instead of the whole suite (which would run this test again), and port 8000,
which the docs use, becomes a free port.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import unittest
from pathlib import Path

import helpers

DOCS = ("README.md", "grading_guide.md")
SUITE = "python -m unittest discover -s tests"
SUITE_STAND_IN = "python -m unittest discover -s tests -p test_schema.py"
BLOCK = re.compile(r"^```sh runnable\n(.*?)^```", re.M | re.S)


def runnable_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


@unittest.skipIf(os.name == "nt" or not shutil.which("bash"), "the documented commands are bash")
class DocumentedCommands(unittest.TestCase):
    def setUp(self) -> None:
        tmp = helpers.temp_dir(self)
        self.repo = helpers.copy_repo(tmp)
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "python").symlink_to(sys.executable)  # "python" is this interpreter
        self.env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                        PYTHONDONTWRITEBYTECODE="1")

    def test_every_runnable_block_exits_zero(self) -> None:
        blocks = [(doc, block) for doc in DOCS for block in runnable_blocks(helpers.ROOT / doc)]
        self.assertGreaterEqual(len(blocks), 4)
        for number, (doc, block) in enumerate(blocks, start=1):
            with self.subTest(doc=doc, block=number):
                script = block.replace(SUITE + "\n", SUITE_STAND_IN + "\n")
                script = re.sub(r"(?<=[: ])8000\b", str(free_port()), script)
                proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                                      cwd=self.repo, env=self.env, capture_output=True, text=True,
                                      timeout=600)
                self.assertEqual(proc.returncode, 0,
                                 f"{script}\n--- stderr:\n{proc.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    unittest.main()
