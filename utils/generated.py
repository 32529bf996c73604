"""Which paths are generated: the one list is .gitignore.

Everything git ignores here is generated (by the kit, its benchmark, its tests, or Python's
bytecode cache): clean.py removes exactly these paths and the fresh-copy helper of the tests
leaves them out, so git, clean.py and the tests cannot disagree. A pattern with a leading
``/`` is anchored at the repository root (``/db/*.db``); one without names a file or folder
at any depth (``__pycache__/``); a trailing ``/`` means a directory. That is the subset of
gitignore syntax this file uses; anything else (``!``, ``**``) is refused.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

from utils.config import ROOT


def generated_patterns(root: Path = ROOT) -> list[str]:
    """The patterns of .gitignore, in order, comments and blank lines left out."""
    patterns = []
    for number, line in enumerate((root / ".gitignore").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        unanchored_path = not line.startswith("/") and "/" in line.rstrip("/")
        if line.startswith("!") or "**" in line or unanchored_path:
            raise ValueError(f".gitignore line {number}: unsupported pattern {line!r}")
        patterns.append(line)
    if not patterns:
        raise ValueError(".gitignore lists no generated path")
    return patterns


def generated_paths(root: Path = ROOT) -> list[Path]:
    """Every generated path that exists now (a folder's contents are not listed again)."""
    found: list[Path] = []
    for pattern in generated_patterns(root):
        glob = pattern.strip("/")
        candidates = root.glob(glob) if pattern.startswith("/") else root.rglob(glob)
        for path in sorted(candidates):
            if ".git" in path.relative_to(root).parts:
                continue
            if pattern.endswith("/") and not path.is_dir():
                continue
            if path in found or any(parent in found for parent in path.parents):
                continue
            found.append(path)
    return found


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
