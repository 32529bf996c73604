"""A copy of the source tree without generated files: what a fresh clone holds."""
from __future__ import annotations

import shutil
from pathlib import Path

from utils.config import ROOT
from utils.generated import generated_patterns, is_generated

# Git's own data; everything else that is not source is listed in .gitignore.
NOT_SOURCE_NAMES = {".git"}


def copy_source_tree(target: Path, root: Path = ROOT) -> Path:
    """Copy ``root``'s source files into ``target`` (which must not exist); return it.

    Generated paths are those of .gitignore's generated section (utils/generated.py).
    """
    patterns = generated_patterns(root)

    def ignore(folder: str, names: list[str]) -> set[str]:
        base = Path(folder).resolve().relative_to(root.resolve()).as_posix()
        skipped = set()
        for name in names:
            relative = name if base == "." else f"{base}/{name}"
            if (name in NOT_SOURCE_NAMES
                    or is_generated(relative, (Path(folder) / name).is_dir(), patterns)):
                skipped.add(name)
        return skipped
    shutil.copytree(root, target, ignore=ignore)
    return target
