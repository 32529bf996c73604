"""A copy of the source tree without generated files: what a fresh clone holds."""
from __future__ import annotations

import shutil
from pathlib import Path

from utils.config import ROOT

# Outputs of the pipeline and of tools; never source.
NOT_SOURCE_DIRS = {".git", "data", "results", "exports", "__pycache__", "artifacts"}
NOT_SOURCE_FILES = {"report.json", "report.md", "query_result.csv", "query_result.json",
                    "profile.html", "profile.json"}


def copy_source_tree(target: Path, root: Path = ROOT) -> Path:
    """Copy ``root``'s source files into ``target`` (which must not exist); return it."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in NOT_SOURCE_DIRS or n in NOT_SOURCE_FILES
                or n.endswith((".db", ".pyc")) or (n.startswith(".") and n.endswith((".tmp", ".lock")))}
    shutil.copytree(root, target, ignore=ignore)
    return target
