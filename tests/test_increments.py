"""Issue 19 end to end, with the real commands: generate --as-of, --changes, ingest --apply.

For several seeds and random split days D0 < D1 < ... < Dn, the database ingested from the
snapshot as of D0 and then given the batches D0->D1->...->Dn holds, table by table (canonical
checksums, db/canonical.py), exactly the snapshot as of Dn's CSVs and exactly the database a
direct ingest of that snapshot builds. The generator's batches are refused like the test-made
ones (tests/test_apply.py) when they do not fit.
"""
from __future__ import annotations

import csv
import random
import sqlite3
import unittest
from datetime import date, timedelta
from pathlib import Path

import helpers
from db.canonical import TableDigest, database_checksum, normaliser
from db.meta import read_meta
from db.schema import Table, load_schema
from utils.config import SCHEMA_PATH
from utils.fileio import sha256_file

SCHEMA = load_schema(SCHEMA_PATH)
START, END = date(2023, 1, 1), date(2024, 12, 31)   # the default window
SCALE = "0.1"


def csv_checksum(path: Path, table: Table) -> tuple[int, str]:
    """(rows, canonical checksum) of a snapshot CSV, as the database's would be."""
    convert = [normaliser(c) for c in table.columns]
    nullable = [not (c.not_null or c.primary_key) for c in table.columns]
    digest = TableDigest(table)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            digest.add([fn(None if empty and row[c] == "" else row[c])
                        for fn, empty, c in zip(convert, nullable, table.column_names)])
    return digest.rows, digest.hexdigest()


def db_checksums(db: Path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return {t.name: database_checksum(conn, t) for t in SCHEMA.data_tables}
    finally:
        conn.close()


class Increments(unittest.TestCase):
    def setUp(self) -> None:
        self.work = helpers.temp_dir(self)

    def run_ok(self, script: str, *args: str) -> str:
        proc = helpers.run_script(str(helpers.ROOT / script), *args, "-q", cwd=self.work)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def generate(self, seed: int, *args: str) -> None:
        self.run_ok("project/generate_data.py", "--seed", str(seed), "--scale", SCALE, *args)

    def test_snapshot_plus_batches_equals_the_later_snapshot(self) -> None:
        rng = random.Random(1919)
        for seed in (3, 17, 40):
            days = sorted(rng.sample(range((END - START).days + 1), 4))
            splits = [START + timedelta(days=d) for d in days]
            with self.subTest(seed=seed, splits=[str(d) for d in splits]):
                self.chain(seed, splits)

    def chain(self, seed: int, splits: list[date]) -> None:
        base, db = self.work / f"base{seed}", self.work / f"chain{seed}" / "ecommerce.db"
        self.generate(seed, "--generate", "--as-of", str(splits[0]), "--out", str(base))
        self.run_ok("project/ingest.py", "--ingest", "--data-dir", str(base), "--db", str(db))
        for first, last in zip(splits, splits[1:]):
            batch = self.work / f"batch{seed}-{last}"
            self.generate(seed, "--changes", "--from", str(first), "--to", str(last),
                          "--out", str(batch))
            self.run_ok("project/ingest.py", "--apply", str(batch), "--db", str(db))
        snapshot, direct = self.work / f"snap{seed}", self.work / f"direct{seed}" / "e.db"
        self.generate(seed, "--generate", "--as-of", str(splits[-1]), "--out", str(snapshot))
        self.run_ok("project/ingest.py", "--ingest", "--data-dir", str(snapshot), "--db",
                    str(direct))
        chained = db_checksums(db)
        self.assertEqual(chained, {t.name: csv_checksum(snapshot / t.csv_name, t)
                                   for t in SCHEMA.data_tables})
        self.assertEqual(chained, db_checksums(direct))
        conn = sqlite3.connect(db)
        try:
            meta = read_meta(conn)
        finally:
            conn.close()
        self.assertEqual(meta.as_of, str(splits[-1]))
        self.assertEqual(len(meta.batches), len(splits) - 1)
        report = self.work / f"report{seed}"
        self.run_ok("project/ingest.py", "--report", "--data-dir", str(base), "--db", str(db),
                    "--out-dir", str(report))  # every check passes on the batched database

    def test_the_generators_batches_are_refused_when_they_do_not_fit(self) -> None:
        d0, d1, d2 = date(2023, 8, 1), date(2023, 8, 2), date(2023, 8, 3)
        base, db = self.work / "base", self.work / "db" / "ecommerce.db"
        self.generate(5, "--generate", "--as-of", str(d0), "--out", str(base))
        self.run_ok("project/ingest.py", "--ingest", "--data-dir", str(base), "--db", str(db))
        cases = {
            "late": (5, SCALE, d1, d2, f"starts at {d1} but the database stands at {d0}"),
            "seed": (6, SCALE, d0, d1, "is from seed 6, the database from 5"),
            "scale": (5, "0.2", d0, d1, "is from scale 0.2, the database from 0.1"),
        }
        for name, (seed, scale, first, last, message) in cases.items():
            with self.subTest(name):
                batch = self.work / name
                self.run_ok("project/generate_data.py", "--seed", str(seed), "--scale", scale,
                            "--changes", "--from", str(first), "--to", str(last),
                            "--out", str(batch))
                before = sha256_file(db)
                proc = helpers.run_script(str(helpers.ROOT / "project/ingest.py"), "--apply",
                                          str(batch), "--db", str(db), cwd=self.work)
                self.assertNotEqual(proc.returncode, 0)
                self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)
                self.assertIn(message, proc.stderr)
                self.assertEqual(sha256_file(db), before)


if __name__ == "__main__":
    unittest.main()
