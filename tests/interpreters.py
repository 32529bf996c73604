#!/usr/bin/env python3
"""Run the README's pipeline under every Python 3.9-3.13 pyenv has, and PyPy; compare outputs.

Each interpreter runs ``python project/run_all.py`` in its own fresh copy of the source tree,
then ``export.py --verify`` of every export format. Outputs must be byte-identical to the
reference interpreter's, except the rows that record which interpreter ingested the data
(submission_meta's python_version row, and the hashes of the export files that carry it).
Used by tests/test_pythons.py and, as a script, by .ci/run:

    python tests/interpreters.py          # exit 1 if any installed interpreter fails or differs
    python tests/interpreters.py --scale 0.1   # other options go to run_all.py
    python tests/interpreters.py --ends   # the oldest and the newest installed, one per line
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from helpers import copy_repo  # noqa: E402
from utils.cli import make_parser  # noqa: E402

VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
FORMATS = ("json", "jsonl", "sqlite-dump", "postgres")
OUTPUTS = ("data", "exports", "docs", "report.json", "report.md", "query_result.csv",
           "query_result.json", "history")
# The store over time (issue 19): a snapshot and a week's batch, made with run_all's settings.
HISTORY = (("--generate", "--as-of", "2024-03-01", "--out", "history/asof"),
           ("--changes", "--from", "2024-03-01", "--to", "2024-03-08", "--out", "history/batch"))
GENERATOR_OPTIONS = ("--seed", "--scale", "--config", "--currency")
_INTERPRETER_ROW = re.compile(rb"^.*\bpython_version\b.*\n", re.M)  # one row, every format
_INTERPRETER_TABLE = "submission_meta"


def pyenv_root() -> Path:
    """$PYENV_ROOT, else what ``pyenv root`` says, else ~/.pyenv."""
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        proc = subprocess.run([pyenv, "root"], capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip())
    return Path.home() / ".pyenv"


def find_pythons() -> dict[str, Path | None]:
    """Each supported minor version -> its newest pyenv interpreter (None when absent), and pypy3."""
    versions = pyenv_root() / "versions"
    found: dict[str, Path | None] = {}
    for minor in VERSIONS:
        candidates = [p for p in versions.glob(f"{minor}.*/bin/python3")
                      if re.fullmatch(rf"{re.escape(minor)}\.\d+", p.parent.parent.name)]
        candidates.sort(key=lambda p: int(p.parent.parent.name.rsplit(".", 1)[1]))
        found[minor] = candidates[-1] if candidates else None
    pypy = shutil.which("pypy3")
    found["pypy3"] = Path(pypy) if pypy else None
    return found


def run_pipeline(python: Path | str, work: Path, *options: str) -> dict[str, str]:
    """run_all.py (with ``options``), every --verify, an as-of snapshot and a change batch in a
    fresh copy under ``work``; the SHA-256 of each output.

    Raises AssertionError naming the step that failed, with its stderr.
    """
    repo = copy_repo(work)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    steps = [["project/run_all.py", "--quiet", *options]]
    steps += [["project/export.py", "--verify", f"exports/{fmt}"] for fmt in FORMATS]
    chosen = [part for i in range(0, len(options) - 1) if options[i] in GENERATOR_OPTIONS
              for part in options[i:i + 2]]
    steps += [["project/generate_data.py", "--quiet", *action, *chosen] for action in HISTORY]
    for step in steps:
        proc = subprocess.run([str(python), *step], cwd=repo, capture_output=True, text=True,
                              env=env, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"{python} {' '.join(step)} exited {proc.returncode}:\n"
                                 f"{proc.stderr.strip()}")
    return digests(repo)


def digests(repo: Path) -> dict[str, str]:
    """SHA-256 of each pipeline output, the interpreter-recording row (and its hashes) left out."""
    result = {}
    for name in OUTPUTS:
        top = repo / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(repo).as_posix()
            content = path.read_bytes()
            if relative.startswith("exports/"):
                content = _without_interpreter(path, content)
            result[relative] = hashlib.sha256(content).hexdigest()
    return result


def _without_interpreter(path: Path, content: bytes) -> bytes:
    """An export file with the python_version row out; in a manifest, the checksum and the
    file hashes that cover that row out (the rest, row counts included, is compared)."""
    if path.name != "manifest.json":
        return _INTERPRETER_ROW.sub(b"", content)
    manifest = json.loads(content)
    for table in manifest.get("tables", []):
        if table.get("table") == _INTERPRETER_TABLE:
            table.pop("checksum", None)
    for entry in manifest.get("files", []):
        if entry.get("table") == _INTERPRETER_TABLE or entry.get("file") == "dump.sql":
            entry.pop("sha256", None)
            entry.pop("bytes", None)
    return json.dumps(manifest, sort_keys=True).encode()


def ends() -> list[Path]:
    """The oldest and the newest supported CPython that pyenv has (one, or none, if fewer)."""
    found = [python for version, python in find_pythons().items()
             if version in VERSIONS and python is not None]
    return sorted({found[0], found[-1]}, key=found.index) if found else []


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """This script's options, and the rest for run_all.py."""
    parser = make_parser("tests/interpreters.py", __doc__.splitlines()[0])
    parser.add_argument("--ends", action="store_true",
                        help="print the oldest and the newest installed supported Python and exit")
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the check; options it does not know go to run_all.py (none: the README's command).

    -q prints only the failures; --ends only names the interpreters .ci/run runs the suite on.
    """
    args, options = parse(sys.argv[1:] if argv is None else argv)
    if args.ends:
        for python in ends():
            print(python)
        return 0
    say = (lambda line: None) if args.quiet else print
    work = Path(tempfile.mkdtemp(prefix="ecomkit-pythons-"))
    try:
        reference = run_pipeline(sys.executable, work / "reference", *options)
        say(f"reference {sys.executable}: pipeline and every --verify ok, {len(reference)} outputs")
        failed = 0
        for version, python in find_pythons().items():
            if python is None:
                say(f"python {version}: skipped: absent")
                continue
            try:
                mine = run_pipeline(python, work / version, *options)
            except AssertionError as exc:
                print(f"python {version} ({python}): FAILED: {exc}")
                failed += 1
                continue
            differ = sorted(k for k in reference.keys() | mine.keys()
                            if reference.get(k) != mine.get(k))
            if differ:
                print(f"python {version} ({python}): FAILED: outputs differ: {', '.join(differ)}")
                failed += 1
            else:
                say(f"python {version} ({python}): pipeline and every --verify ok, "
                    f"outputs identical to the reference")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
