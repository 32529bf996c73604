#!/usr/bin/env python3
"""Write example_run.md: the real output of a full run, made by running the commands.

The commands run in a fresh copy of the source tree; the transcript replaces that copy's
path with "." and elapsed times with "<t>", so the file only changes when the output does.
--check exits 1 when the committed example_run.md differs from a new run.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from utils import cli  # noqa: E402
from utils.config import ROOT  # noqa: E402
from utils.errors import CheckFailed, KitError  # noqa: E402
from utils.fileio import write_text_atomic  # noqa: E402
from utils.repo import copy_source_tree  # noqa: E402

PROG = "example_run.py"
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


def transcript(repo: Path) -> str:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if example_run.md is stale")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        with tempfile.TemporaryDirectory(prefix="ecomkit-example-") as tmp:
            text = transcript(copy_source_tree(Path(tmp).resolve() / "repo"))
        if args.check:
            current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
            if current != text:
                raise CheckFailed("example_run.md is stale: run python project/example_run.py")
            print("example_run.md is current")
            return 0
        write_text_atomic(TARGET, text)
        print(cli.shown(TARGET))
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
