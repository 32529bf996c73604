"""Which paths are generated: the one list is .gitignore's first section.

clean.py removes exactly these, the fresh-copy helper leaves them out, and git ignores them,
so the three cannot drift apart. A pattern is anchored at the repository root (``/db/*.db``);
a trailing ``/`` means a directory.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

from utils.config import ROOT

SECTION = "# Generated"  # the heading line of the section in .gitignore


def generated_patterns(root: Path = ROOT) -> list[str]:
    """The anchored patterns of .gitignore's generated section, without the leading ``/``."""
    patterns, inside, in_heading = [], False, False
    for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):  # a heading: one or more comment lines
            if not in_heading:
                inside = line.startswith(SECTION)
            in_heading = True
            continue
        in_heading = False
        if inside and line.strip():
            if not line.startswith("/"):
                raise ValueError(f"generated pattern {line!r} must start with /")
            patterns.append(line[1:])
    if not patterns:
        raise ValueError(f"no {SECTION!r} section")
    return patterns


def generated_paths(root: Path = ROOT) -> list[Path]:
    """Every generated path that exists now, in .gitignore order."""
    found: list[Path] = []
    for pattern in generated_patterns(root):
        for path in sorted(root.glob(pattern.rstrip("/"))):
            if (path.is_dir() or not pattern.endswith("/")) and path not in found:
                found.append(path)
    return found


def is_generated(relative: str, is_dir: bool, patterns: list[str]) -> bool:
    """Whether a root-relative POSIX path matches one of ``generated_patterns()``."""
    return any(fnmatch.fnmatchcase(relative, pattern.rstrip("/")) and (is_dir or not pattern.endswith("/"))
               for pattern in patterns)
