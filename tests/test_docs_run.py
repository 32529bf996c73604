"""Docs that lie fail CI: every runnable command block of README.md and grading_guide.md runs.

A fenced block whose info string is ``sh runnable`` is run, in document order, by bash in a
fresh copy of the repository, from its root, and must exit 0. Two substitutions, so the
test stays bounded: the test-suite command itself runs one fast module instead of the whole
suite (which would run this test again), and a ``python serve_frontend.py`` line starts the
server on a free port in the background; the block's other lines then talk to that port
(``8000`` in the docs) and the server is stopped afterwards.
"""
from __future__ import annotations

import os
import re
import shutil
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
        self.assertGreaterEqual(len(blocks), 3)
        for number, (doc, block) in enumerate(blocks, start=1):
            with self.subTest(doc=doc, block=number):
                script = block.replace(SUITE + "\n", SUITE_STAND_IN + "\n")
                if "python serve_frontend.py" in script:
                    self.run_with_server(script)
                else:
                    self.run_bash(script)

    def run_bash(self, script: str, port: int | None = None) -> None:
        if port is not None:
            script = script.replace(":8000", f":{port}")
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=self.repo,
                              env=self.env, capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, f"{script}\n--- stderr:\n{proc.stderr[-2000:]}")

    def run_with_server(self, script: str) -> None:
        lines = script.splitlines()
        server_line = next(line for line in lines if line.startswith("python serve_frontend.py"))
        rest = "\n".join(line for line in lines if line is not server_line) + "\n"
        args = server_line.split()[1:]
        if "--port" in args:
            del args[args.index("--port"):args.index("--port") + 2]
        server = subprocess.Popen([sys.executable, *args, "--port", "0", "--quiet"], cwd=self.repo,
                                  env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        self.addCleanup(server.kill)
        first = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/frontend/", first)
        self.assertIsNotNone(match, f"server printed {first!r}")
        try:
            self.run_bash(rest, port=int(match.group(1)))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()
