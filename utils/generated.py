"""Which paths are generated: the one list is .gitignore's generated section.

Every path between the ``# >>> generated`` and ``# <<< generated`` lines of .gitignore is
generated (by the kit, its benchmark, its tests, or Python's bytecode cache): clean.py
removes exactly these paths and the source copy leaves them out, so git, clean.py and the
tests cannot disagree. What a user adds to .gitignore outside the section (``.env``,
``.venv/``) is theirs: clean.py never touches it, nor walks into a hidden folder or a
virtualenv for ``__pycache__``. A pattern with a leading ``/`` is anchored at the repository
root (``/db/*.db``); one without names a file or folder at any depth (``__pycache__/``); a
trailing ``/`` means a directory. That is the subset of gitignore syntax the section uses;
anything else (``!``, ``**``) is refused there.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterator

from utils.config import ROOT

BEGIN, END = "# >>> generated", "# <<< generated"


def generated_patterns(root: Path = ROOT) -> list[str]:
    """The patterns of .gitignore's generated section, in order, comments left out."""
    patterns, inside = [], None
    for number, line in enumerate((root / ".gitignore").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if line.startswith((BEGIN, END)):
            inside = line.startswith(BEGIN)
            continue
        if not inside or not line or line.startswith("#"):
            continue
        unanchored_path = not line.startswith("/") and "/" in line.rstrip("/")
        if line.startswith("!") or "**" in line or unanchored_path:
            raise ValueError(f".gitignore line {number}: unsupported pattern {line!r}")
        patterns.append(line)
    if not patterns:
        raise ValueError(f".gitignore lists no generated path between {BEGIN!r} and {END!r}")
    return patterns


def generated_paths(root: Path = ROOT) -> list[Path]:
    """Every generated path that exists now (a folder's contents are not listed again)."""
    found: list[Path] = []
    for pattern in generated_patterns(root):
        glob = pattern.strip("/")
        candidates = root.glob(glob) if pattern.startswith("/") else _anywhere(root, glob)
        for path in sorted(candidates):
            if pattern.endswith("/") and not path.is_dir():
                continue
            if path in found or any(parent in found for parent in path.parents):
                continue
            found.append(path)
    return found


def _anywhere(root: Path, glob: str) -> Iterator[Path]:
    """Files and folders named like ``glob`` at any depth, outside hidden folders (``.git``,
    ``.venv``) and virtualenvs (a folder holding ``pyvenv.cfg``)."""
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")
                      and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))]
        for name in folders + files:
            if fnmatch.fnmatchcase(name, glob):
                yield Path(folder) / name


def is_generated(relative: str, is_dir: bool, patterns: list[str]) -> bool:
    """Whether a root-relative POSIX path matches one of ``generated_patterns()``."""
    for pattern in patterns:
        if pattern.endswith("/") and not is_dir:
            continue
        glob = pattern.strip("/")
        subject = relative if pattern.startswith("/") else relative.rsplit("/", 1)[-1]
        if fnmatch.fnmatchcase(subject, glob):
            return True
    return False
