"""Issue 8: a killed or concurrent run never corrupts or mixes data. Bounded in count and time."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
from unittest import mock
from pathlib import Path

import helpers
from data_generation.writer import verify
from db.report.reporter import build_report
from utils.config import SCHEMA_PATH
from utils.errors import LockedError
from utils.fileio import sha256_file
from utils.locking import exclusive_lock

KILLS = 20


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=helpers.ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


@unittest.skipIf(os.name != "posix", "SIGKILL is POSIX")
class KilledIngest(unittest.TestCase):
    def test_sigkill_at_random_moments_leaves_old_or_complete_database(self) -> None:
        tmp = helpers.temp_dir(self)
        _, db = helpers.small_database(tmp / "old", seed=1, scale=0.05)
        pristine = tmp / "old.db"
        shutil.copyfile(db, pristine)
        old_hash, old_counts = sha256_file(db), table_counts(db)
        new_data = helpers.small_dataset(tmp / "new", seed=2, scale=10)
        started = time.perf_counter()  # one full run: how long a load takes, what it yields
        proc = start("project/ingest.py", "--ingest", "--data-dir", str(new_data), "--db", str(db), "-q")
        proc.communicate(timeout=300)
        duration, new_counts = time.perf_counter() - started, table_counts(db)
        self.assertEqual(proc.returncode, 0)
        rng, outcomes = random.Random(8), []
        for kill in range(KILLS):
            shutil.copyfile(pristine, db)
            delay = rng.uniform(0.02, duration * 0.98)
            proc = start("project/ingest.py", "--ingest", "--data-dir", str(new_data), "--db", str(db), "-q")
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
            with self.subTest(kill=kill, delay=round(delay, 2)):
                if sha256_file(db) == old_hash:
                    self.assertEqual(table_counts(db), old_counts)
                    outcomes.append("old")
                else:  # a complete new database: the full run's counts, every check passing
                    self.assertEqual(table_counts(db), new_counts)
                    self.assertTrue(build_report(db, new_data, SCHEMA_PATH)["passed"])
                    outcomes.append("new")
        self.assertIn("old", outcomes)  # the kills did land mid-load
        proc = start("project/ingest.py", "--ingest", "--data-dir", str(new_data), "--db", str(db))
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(table_counts(db), new_counts)
        self.assertEqual(sorted(p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")), [])


class ConcurrentRuns(unittest.TestCase):
    def test_two_ingests_at_once_never_mix(self) -> None:
        tmp = helpers.temp_dir(self)
        data_a = helpers.small_dataset(tmp / "a", seed=3, scale=2)
        data_b = helpers.small_dataset(tmp / "b", seed=4, scale=2)
        db = tmp / "db" / "ecommerce.db"
        first = start("project/ingest.py", "--ingest", "--data-dir", str(data_a), "--db", str(db))
        second = start("project/ingest.py", "--ingest", "--data-dir", str(data_b), "--db", str(db))
        results = [(p.wait(timeout=300), p.communicate()[1]) for p in (first, second)]
        self.assertIn(0, [code for code, _ in results])
        for code, err in results:
            if code != 0:
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIn("another ingest is running", err)
        meta = sqlite3.connect(db).execute(
            "SELECT file_name, sha256 FROM submission_meta WHERE kind = 'file'").fetchall()
        sources = {"a" if sha == sha256_file(data_a / name) else
                   "b" if sha == sha256_file(data_b / name) else "?" for name, sha in meta
                   if sha256_file(data_a / name) != sha256_file(data_b / name)}  # not categories
        self.assertEqual(len(sources), 1, sources)  # every table from the same dataset
        data_dir = data_a if sources == {"a"} else data_b
        self.assertTrue(build_report(db, data_dir, SCHEMA_PATH)["passed"])

    def test_two_generators_on_one_directory_never_mix(self) -> None:
        tmp = helpers.temp_dir(self)
        out = tmp / "data"
        procs = [start("project/generate_data.py", "--generate", "--seed", str(seed), "--scale", "2",
                       "--workers", "1", "--out", str(out), "-q") for seed in (5, 6)]
        results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
        self.assertIn(0, [code for code, _ in results])
        for code, err in results:
            if code != 0:
                self.assertIn("another generate is writing", err)
        self.assertEqual(verify(out), [])  # the files are exactly those of one manifest
        self.assertEqual(sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")), [])


class LockFiles(unittest.TestCase):
    """Locks leave no file behind, yet never let two holders in."""

    def setUp(self) -> None:
        self.lock = helpers.temp_dir(self) / ".x.lock"

    def test_the_lock_file_goes_with_the_lock(self) -> None:
        with exclusive_lock(self.lock, "test"):
            self.assertTrue(self.lock.exists())
            with self.assertRaisesRegex(LockedError, "another test is running"):
                with exclusive_lock(self.lock, "test"):
                    pass
            self.assertTrue(self.lock.exists())  # the refused one removed nothing
        self.assertFalse(self.lock.exists())
        with exclusive_lock(self.lock, "test"):  # and it can be taken again
            pass
        self.assertFalse(self.lock.exists())

    def test_a_killed_holder_s_file_is_reused_and_removed(self) -> None:
        self.lock.write_text("")  # what a SIGKILLed holder leaves: a file nobody locks
        with exclusive_lock(self.lock, "test"):
            pass
        self.assertEqual(list(self.lock.parent.iterdir()), [])

    def test_the_windows_release_closes_then_removes(self) -> None:
        """Windows cannot remove an open file: close (which unlocks) first, then remove."""
        from utils import locking
        fd = locking._acquire(self.lock, shared=True, wait=0, make_parent=False)
        closed = []
        real_close = os.close

        def close(descriptor: int) -> None:
            closed.append(self.lock.exists())
            real_close(descriptor)

        with mock.patch.object(locking.os, "name", "nt"), mock.patch.object(locking.os, "close", close):
            locking._release(fd, self.lock)
        self.assertEqual(closed, [True])  # closed while the file was still there
        self.assertFalse(self.lock.exists())

    @unittest.skipIf(os.name == "nt", "POSIX file removal")
    def test_a_file_removed_by_its_holder_is_not_a_lock(self) -> None:
        """A waiter that opened the file before its holder removed it must not hold a lock."""
        import fcntl
        with exclusive_lock(self.lock, "test"):
            stale = os.open(self.lock, os.O_RDWR)  # a second process got this far
        self.addCleanup(os.close, stale)
        fcntl.flock(stale, fcntl.LOCK_EX | fcntl.LOCK_NB)  # it locks the removed file...
        with exclusive_lock(self.lock, "test"):  # ...which does not block a real holder
            self.assertTrue(self.lock.exists())

    @unittest.skipIf(os.name == "nt", "the commands below are POSIX")
    def test_no_command_leaves_a_lock_file(self) -> None:
        tmp = helpers.temp_dir(self)
        for script, *args in (("project/generate_data.py", "--generate", "--scale", "0.02",
                               "--out", str(tmp / "d")),
                              ("project/ingest.py", "--ingest", "--data-dir", str(tmp / "d"),
                               "--db", str(tmp / "db" / "e.db")),
                              ("project/export.py", "--format", "jsonl", "--db",
                               str(tmp / "db" / "e.db"), "--out", str(tmp / "x"))):
            proc = helpers.run_script(str(helpers.ROOT / script), *args, "-q", cwd=tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(str(p.relative_to(tmp)) for p in tmp.rglob(".*.lock")), [])


if __name__ == "__main__":
    unittest.main()
