"""Docs that lie fail CI: every runnable command block of the docs runs where it says.

A fenced block whose info string is ``sh runnable cwd=DIR`` is run, in document order, by
bash in a fresh copy of the repository (a git repository, so its status means something),
from ``DIR`` (relative to the root; ``.`` is the root), and must exit 0. Every runnable
block must name its directory, and the prose above it says the same to the reader; so
must a shell block that is not run (``sh cwd=DIR``: the server, which runs until Ctrl-C). After
the last block ``git status --porcelain`` must be empty: no documented command modifies a
tracked file or leaves an untracked one; then ``clean.py`` must remove every ignored file
the blocks produced. Two substitutions keep the test bounded and independent of the
machine: the test-suite command runs one fast module instead of the whole suite (which
would run this test again), and port 8000, which the docs use, becomes a free port.
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

DOCS = ("README.md", "grading_guide.md", "example_run.md")
SUITE = "python -m unittest discover -s tests"
SUITE_STAND_IN = "python -m unittest discover -s tests -p test_schema.py"
BLOCK = re.compile(r"^```sh runnable(?P<options>[^\n]*)\n(?P<body>.*?)^```", re.M | re.S)
CWD = re.compile(r"^ cwd=(?P<cwd>\S+)$")


def runnable_blocks(path: Path) -> list[tuple[str | None, str]]:
    """(directory or None when the block does not say, body) for each runnable block."""
    blocks = []
    for match in BLOCK.finditer(path.read_text(encoding="utf-8")):
        where = CWD.match(match.group("options"))
        blocks.append((where.group("cwd") if where else None, match.group("body")))
    return blocks


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-c", "user.name=docs test", "-c", "user.email=docs@test",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def fresh_clone(directory: Path) -> Path:
    """The source tree as a fresh clone has it, committed in a new git repository."""
    repo = helpers.copy_repo(directory)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fresh clone")
    return repo


class BlockSyntax(unittest.TestCase):
    def test_every_shell_block_names_an_existing_directory(self) -> None:
        """Runnable or not (a server that runs until Ctrl-C, a file the reader writes), every
        shell block says where it runs: ``sh cwd=DIR`` or ``sh runnable cwd=DIR``."""
        fence = re.compile(r"^```(?:sh|bash|shell|console)\b(?P<options>[^\n]*)$", re.M)
        blocks = []
        for doc in DOCS + ("design_notes.md",):
            for match in fence.finditer((helpers.ROOT / doc).read_text(encoding="utf-8")):
                where = re.search(r"(?:^| )cwd=(\S+)", match.group("options"))
                blocks.append((doc, where.group(1) if where else None))
        self.assertGreaterEqual(len([b for b in blocks if b[0] == "README.md"]), 6)
        for doc, cwd in blocks:
            with self.subTest(doc=doc, cwd=cwd):
                self.assertIsNotNone(cwd, f"{doc}: a runnable block without cwd=DIR")
                self.assertTrue((helpers.ROOT / cwd).is_dir(), cwd)
                self.assertFalse(Path(cwd).is_absolute() or ".." in Path(cwd).parts, cwd)

    def test_only_the_server_block_is_not_run(self) -> None:
        """Every shell block runs in the test below, except the server's one command, which
        runs until Ctrl-C (its API is run in the background by a runnable block)."""
        fence = re.compile(r"^```(?:sh|bash|shell|console)(?! runnable)[^\n]*\n(?P<body>.*?)^```",
                           re.M | re.S)
        for doc in DOCS + ("design_notes.md",):
            for match in fence.finditer((helpers.ROOT / doc).read_text(encoding="utf-8")):
                with self.subTest(doc=doc, block=match.group("body")[:60]):
                    self.assertRegex(match.group("body"), r"\Apython serve_frontend\.py[^\n&]*\n\Z")


@unittest.skipIf(os.name == "nt" or not shutil.which("bash") or not shutil.which("git"),
                 "the documented commands are bash; the clean-tree check needs git")
class DocumentedCommands(unittest.TestCase):
    def setUp(self) -> None:
        tmp = helpers.temp_dir(self)
        self.repo = fresh_clone(tmp)
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "python").symlink_to(sys.executable)  # "python" is this interpreter
        self.env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                        PYTHONDONTWRITEBYTECODE="1")

    def test_every_runnable_block_works_where_it_says_and_leaves_the_tree_clean(self) -> None:
        blocks = [(doc, cwd, body) for doc in DOCS
                  for cwd, body in runnable_blocks(helpers.ROOT / doc)]
        self.assertGreaterEqual(len(blocks), 4)
        self.assertEqual(git(self.repo, "status", "--porcelain", "--ignored"), "")
        for number, (doc, cwd, body) in enumerate(blocks, start=1):
            with self.subTest(doc=doc, block=number, cwd=cwd):
                script = body.replace(SUITE + "\n", SUITE_STAND_IN + "\n")
                script = re.sub(r"(?<=[: ])8000\b", str(helpers.free_port()), script)
                proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                                      cwd=self.repo / (cwd or "."), env=self.env,
                                      capture_output=True, text=True, timeout=600)
                self.assertEqual(proc.returncode, 0,
                                 f"{script}\n--- stderr:\n{proc.stderr[-2000:]}")
        self.assertEqual(git(self.repo, "status", "--porcelain"), "",
                         "the documented commands changed or left files in the repository")
        self.assertNotEqual(git(self.repo, "status", "--porcelain", "--ignored"), "")
        proc = helpers.run_script("project/clean.py", cwd=self.repo)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(git(self.repo, "status", "--porcelain", "--ignored"), "",
                         "clean.py left generated files behind")


if __name__ == "__main__":
    unittest.main()
