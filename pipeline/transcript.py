"""example_run.md: the real output of the reviewer's commands, run in a fresh copy of the tree.

The transcript shows that copy's path as "." and elapsed times as "<t>", so the file only
changes when the output does.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from utils.cli import shown
from utils.config import ROOT
from utils.errors import CheckFailed, KitError
from utils.fileio import write_text_atomic
from utils.repo import copy_source_tree

TARGET = ROOT / "example_run.md"
# (working directory relative to the copy, command) in the order a reviewer runs them
COMMANDS = [
    (".", ["project/run_all.py", "--core-only"]),
    ("project", ["generate_data.py", "--generate", "--seed", "42"]),
    ("project", ["ingest.py", "--ingest"]),
    ("project", ["ingest.py", "--report"]),
    ("project", ["run_query.py"]),
    ("project", ["run_query.py", "--list"]),
]
SHOWN_FILES = [("report.md", 40), ("query_result.csv", 8)]


def example_run(check: bool, target: Path = TARGET) -> Iterator[str]:
    """Write ``target`` from a new run, or (``check``) fail if it differs from one."""
    with tempfile.TemporaryDirectory(prefix="ecomkit-example-") as tmp:
        text = transcript(copy_source_tree(Path(tmp).resolve() / "repo"))
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            raise CheckFailed("example_run.md is stale: run python project/example_run.py")
        yield "example_run.md is current"
    else:
        write_text_atomic(target, text)
        yield shown(target)


def transcript(repo: Path) -> str:
    """Run COMMANDS in ``repo`` and return the Markdown of what they printed."""
    parts = ["# Example run", "",
             "The real output of the reviewer's commands on a fresh clone, written by "
             "`python project/example_run.py` (a test fails when it is stale). Paths of the "
             "temporary clone are shown as `.`, elapsed times as `<t>`, and the database's hash "
             "as `<per-machine>` (it records the Python and SQLite versions); stderr carries "
             "the log.",
             ""]
    for cwd, args in COMMANDS:
        proc = subprocess.run([sys.executable, *args], cwd=repo / cwd, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            raise KitError(f"{' '.join(args)} failed: {proc.stderr.strip()[-300:]}")
        prompt = f"{'cd project && ' if cwd == 'project' else ''}python {' '.join(args)}"
        parts += [f"## `{prompt}`", "", "```text", f"$ {prompt}"]
        parts += [_clean(proc.stdout, repo), "```", ""]
        if proc.stderr.strip():
            parts += ["stderr:", "", "```text", _clean(proc.stderr, repo), "```", ""]
    for name, lines in SHOWN_FILES:
        head = (repo / name).read_text(encoding="utf-8").splitlines()[:lines]
        parts += [f"## The first {lines} lines of `{name}`", "", "```text", *head, "```", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


def _clean(text: str, repo: Path) -> str:
    text = text.replace(str(repo) + "/", "").replace(str(repo), ".")
    # The database records the Python and SQLite versions, so its hash is per machine.
    text = re.sub(r"^[0-9a-f]{12}(  db/ecommerce\.db)$", r"<per-machine>\1", text, flags=re.M)
    return re.sub(r"\bin \d+(\.\d+)? s\b", "in <t> s", text).rstrip("\n")
