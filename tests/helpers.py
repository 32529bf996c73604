"""Shared test fixtures: small datasets, temporary repository copies, running the scripts."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data_generation.model import Settings  # noqa: E402
from data_generation.writer import generate  # noqa: E402
from db.ingest.loader import ingest  # noqa: E402
from utils.config import SCHEMA_PATH  # noqa: E402
from utils.repo import copy_source_tree  # noqa: E402

def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def temp_dir(case: unittest.TestCase) -> Path:
    """A temporary directory removed when the test ends."""
    path = Path(tempfile.mkdtemp(prefix="ecomkit-test-"))
    case.addCleanup(shutil.rmtree, path, ignore_errors=True)
    return path


def small_dataset(directory: Path, seed: int = 7, scale: float = 0.05, **settings: Any) -> Path:
    """Generate a small dataset into ``directory/data`` and return that path."""
    data_dir = directory / "data"
    generate(Settings(seed=seed, scale=scale, **settings), data_dir)
    return data_dir


def small_database(directory: Path, seed: int = 7, scale: float = 0.05,
                   **settings: Any) -> tuple[Path, Path]:
    """A small dataset and its database: returns (data_dir, db_path)."""
    data_dir = small_dataset(directory, seed, scale, **settings)
    db_path = directory / "db" / "ecommerce.db"
    ingest(data_dir, db_path, SCHEMA_PATH)
    return data_dir, db_path


def tracked_files(root: Path = ROOT) -> list[str] | None:
    """The files git tracks under ``root`` (root-relative, POSIX), or None without git."""
    git = shutil.which("git")
    if git is None:
        return None
    proc = subprocess.run([git, "ls-files", "-z", "--cached"], cwd=root, capture_output=True)
    if proc.returncode != 0:  # not a git work tree (a source archive)
        return None
    return [name for name in os.fsdecode(proc.stdout).split("\0") if name]


def copy_repo(directory: Path, root: Path = ROOT) -> Path:
    """Copy the source tree into ``directory/repo``, like a fresh clone: only the files git
    tracks (as they are now, uncommitted edits included), so a test cannot pass on a file
    that was never added; without git, every file but the generated ones."""
    target = directory / "repo"
    names = tracked_files(root)
    if names is None:
        return copy_source_tree(target, root)
    target.mkdir(parents=True)
    for name in names:
        source = root / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run_script(script: str, *args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python <script> args...`` for real, in ``cwd``; capture text output."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, script, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def load_script(name: str):
    """Import project/<name>.py as a module, to call its main(argv) in-process."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"project_{name}", ROOT / "project" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DatabaseTestCase(unittest.TestCase):
    """One small dataset and read-only connection shared by a class's tests.

    Subclasses set SEED and SCALE; ``rows(name, **params)`` runs a named query.
    """
    SEED, SCALE = 7, 0.05

    @classmethod
    def setUpClass(cls) -> None:
        from db.connect import connect_readonly
        cls._fixture = unittest.TestCase()
        cls.data_dir, cls.db = small_database(temp_dir(cls._fixture), cls.SEED, cls.SCALE)
        cls.conn = connect_readonly(cls.db)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.conn.close()
        cls._fixture.doCleanups()

    def rows(self, name: str, **params) -> list[dict]:
        from queries.runner import load_query, run_query
        return run_query(self.conn, load_query(name), params).rows
