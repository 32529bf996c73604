"""Exports: canonical values, each format's files, PostgreSQL DDL, --verify, failure modes."""
from __future__ import annotations

import contextlib
import io
import logging
import json
import random
import re
import shutil
import sqlite3
import subprocess
import unittest
from decimal import Decimal
from pathlib import Path
from unittest import mock

import helpers
from db.canonical import TableDigest, database_checksum, normaliser, sorted_checksum
from db.export import exporter as export_module
from db.export import readers as export_readers
from db.export.exporter import FORMATS, export
from db.export.postgres import postgres_schema, translate_check
from db.schema import Column, load_schema, quote
from db.export.verify import verify_exports
from utils.config import MANIFEST_NAME, SCHEMA_PATH
from utils.errors import CheckFailed, KitError, SchemaError
from utils.fileio import sha256_file

SCHEMA = load_schema(SCHEMA_PATH)
MONEY = Column("price", "DECIMAL(12,2)", True, False)


class CanonicalValues(unittest.TestCase):
    def test_integers_from_every_reader(self) -> None:
        to_text = normaliser(Column("n", "INTEGER", True, False))
        self.assertEqual([to_text(v) for v in (7, "7", "-12", None)], ["7", "7", "-12", None])
        for bad in (7.0, True, "1.5", "", "x"):
            with self.subTest(value=bad), self.assertRaises(ValueError):
                to_text(bad)

    def test_money_has_exactly_two_decimals(self) -> None:
        to_text = normaliser(MONEY)
        cases = {12.5: "12.50", 12: "12.00", "031.00": "31.00", Decimal("0.1"): "0.10",
                 44.99: "44.99", "-3.5": "-3.50", 1e16: "10000000000000000.00", None: None}
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(to_text(value), expected)
        for bad in (12.345, "12.345", "abc", True, float("nan"), "1e400"):
            with self.subTest(value=bad), self.assertRaises(ValueError):
                to_text(bad)

    def test_real_is_the_shortest_exact_text(self) -> None:
        to_text = normaliser(Column("r", "REAL", False, False))
        self.assertEqual([to_text(v) for v in (1, 0.1 + 0.2, "2.5", None)],
                         ["1.0", "0.30000000000000004", "2.5", None])
        for bad in ("x", float("inf"), True):
            with self.subTest(value=bad), self.assertRaises(ValueError):
                to_text(bad)

    def test_text_is_not_coerced(self) -> None:
        to_text = normaliser(Column("t", "TEXT", True, False))
        self.assertEqual(to_text(""), "")
        with self.assertRaises(ValueError):
            to_text(5)

    def test_checksum_does_not_depend_on_row_order(self) -> None:
        table = SCHEMA.tables["categories"]
        rows = [[str(i), f"name {i}", None if i < 3 else "1"] for i in range(1, 20)]
        digest = TableDigest(table)
        for row in rows:
            digest.add(row)
        shuffled = rows[:]
        random.Random(1).shuffle(shuffled)
        out_of_order = TableDigest(table)
        for row in shuffled:
            out_of_order.add(row)
        self.assertTrue(digest.ordered)
        self.assertFalse(out_of_order.ordered)
        self.assertEqual(sorted_checksum(table, shuffled), digest.hexdigest())
        self.assertNotEqual(sorted_checksum(table, rows[1:]), digest.hexdigest())


class PostgresTranslation(unittest.TestCase):
    def setUp(self) -> None:
        self.ddl = postgres_schema(SCHEMA)

    def test_types_keys_and_money(self) -> None:
        self.assertIn('"price" numeric(12,2) NOT NULL', self.ddl)
        self.assertIn('"order_date" timestamp NOT NULL', self.ddl)
        self.assertIn('"user_id" bigint PRIMARY KEY', self.ddl)
        self.assertIn('"parent_id" bigint,', self.ddl)
        self.assertIn('UNIQUE ("kind", "file_name", "key")', self.ddl)
        self.assertIn('FOREIGN KEY ("order_id") REFERENCES "orders" ("order_id")', self.ddl)
        self.assertEqual(self.ddl.count("CREATE INDEX"), len(SCHEMA.indexes))
        self.assertEqual(self.ddl.count("CREATE TABLE"), len(SCHEMA.tables))

    def test_every_check_is_kept_and_sqlite_functions_are_gone(self) -> None:
        self.assertEqual(self.ddl.count(" CHECK ("), SCHEMA.sql.count("CHECK ("))
        self.assertNotIn("datetime(", self.ddl)
        self.assertIn("CHECK (order_date = date_trunc('second', order_date))", self.ddl)

    def test_tables_come_after_the_tables_they_reference(self) -> None:
        order = re.findall(r'CREATE TABLE "(\w+)"', self.ddl)
        self.assertEqual(order, list(SCHEMA.tables))

    def test_untranslatable_check_is_an_error(self) -> None:
        self.assertEqual(translate_check("datetime(x, '+0 days') IS x", "t.x"),
                         "x = date_trunc('second', x)")
        self.assertEqual(translate_check("kind IN ('date(', 'is')", "t.kind"),
                         "kind IN ('date(', 'is')")
        for expression in ("strftime('%Y', d) > '2000'", "a IS b", "datetime(a, '+0 days') IS b"):
            with self.subTest(expression=expression), self.assertRaises(SchemaError):
                translate_check(expression, "t.c")


class Exports(unittest.TestCase):
    """Every format of one small database, exported once for the class."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.work = helpers.temp_dir(cls.case)
        _, cls.db = helpers.small_database(cls.work, seed=5, scale=0.05)
        cls.out = cls.work / "exports"
        export(cls.db, cls.out, FORMATS)
        conn = sqlite3.connect(cls.db)
        cls.expected = {t.name: database_checksum(conn, t) for t in SCHEMA.tables.values()}
        conn.close()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def copy(self, fmt: str) -> Path:
        target = helpers.temp_dir(self) / fmt
        shutil.copytree(self.out / fmt, target)
        return target

    def test_manifests_record_counts_and_hashes(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                manifest = json.loads((self.out / fmt / MANIFEST_NAME).read_text())
                self.assertEqual(manifest["format"], fmt)
                recorded = {t["table"]: (t["rows"], t["checksum"]) for t in manifest["tables"]}
                self.assertEqual(recorded, self.expected)
                for entry in manifest["files"]:
                    self.assertEqual(sha256_file(self.out / fmt / entry["file"]), entry["sha256"])
                listed = {e["file"] for e in manifest["files"]} | {MANIFEST_NAME}
                self.assertEqual({p.name for p in (self.out / fmt).iterdir()}, listed)

    def test_json_objects_in_column_order_with_exact_money(self) -> None:
        for table in SCHEMA.tables.values():
            text = (self.out / "json" / f"{table.name}.json").read_text(encoding="utf-8")
            rows = json.loads(text, parse_float=Decimal)
            self.assertEqual(len(rows), self.expected[table.name][0])
            self.assertEqual(list(rows[0]), list(table.column_names), table.name)
        text = (self.out / "json" / "order_items.json").read_text()
        prices = re.findall(r'"unit_price": ([^,}]+)', text)
        self.assertTrue(prices)
        self.assertTrue(all(re.fullmatch(r"\d+\.\d\d", p) for p in prices), prices[:5])
        first = json.loads(text)[0]
        self.assertIsInstance(first["quantity"], int)
        categories = json.loads((self.out / "json" / "categories.json").read_text())
        self.assertIn(None, [row["parent_id"] for row in categories])

    def test_jsonl_is_one_object_per_line(self) -> None:
        lines = (self.out / "jsonl" / "orders.jsonl").read_text(encoding="utf-8").splitlines()
        self.assertEqual(len(lines), self.expected["orders"][0])
        self.assertTrue(all(isinstance(json.loads(line), dict) for line in lines))

    def test_dump_restores_with_executescript_and_the_cli(self) -> None:
        dump = self.out / "sqlite-dump" / "dump.sql"
        restored = helpers.temp_dir(self) / "restored.db"
        conn = sqlite3.connect(restored)
        conn.executescript(dump.read_text(encoding="utf-8"))
        self.assertEqual({t.name: database_checksum(conn, t) for t in SCHEMA.tables.values()},
                         self.expected)
        self.assertGreater(conn.execute("SELECT count(*) FROM submission_meta").fetchone()[0], 0)
        self.assertEqual(len(conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                          "AND sql IS NOT NULL").fetchall()), len(SCHEMA.indexes))
        conn.close()
        cli = shutil.which("sqlite3")
        if cli is None:
            self.skipTest("the sqlite3 command-line shell is not installed")
        by_cli = restored.with_name("cli.db")
        with open(dump, "rb") as handle:
            proc = subprocess.run([cli, str(by_cli)], stdin=handle, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, b"")
        conn = sqlite3.connect(by_cli)
        self.assertEqual({t.name: database_checksum(conn, t) for t in SCHEMA.tables.values()},
                         self.expected)
        conn.close()

    def test_postgres_kit_is_self_contained(self) -> None:
        directory = self.out / "postgres"
        load = (directory / "load.sql").read_text()
        copies = re.findall(r"^\\copy \"(\w+)\" \(.*\) FROM '(\w+\.csv)' WITH \(FORMAT csv, "
                            r"HEADER true, ENCODING 'UTF8'\)$", load, re.MULTILINE)
        self.assertEqual([t for t, _ in copies], list(SCHEMA.tables))
        self.assertLess(load.index("BEGIN;"), load.index("\\i schema.sql"))
        self.assertLess(load.index(copies[-1][1]), load.index("COMMIT;"))
        for _, name in copies:
            self.assertTrue((directory / name).is_file(), name)
        header = (directory / "submission_meta.csv").read_text().splitlines()[0]
        self.assertEqual(header, ",".join(SCHEMA.tables["submission_meta"].column_names))

    def test_csv_tells_null_from_empty_text(self) -> None:
        table = SCHEMA.tables["submission_meta"]
        stream = io.StringIO()
        write = export_module._csv_writer(table, stream)
        write(["1", "run", None, None, None, "note", ""])
        write(["2", "run", None, None, None, "quote", 'a "b", c\nd'])
        write(None)
        lines = stream.getvalue().split("\n")
        self.assertEqual(lines[1], '1,run,,,,note,""')
        self.assertEqual(lines[2:4], ['2,run,,,,quote,"a ""b"", c', 'd"'])

    def test_every_format_verifies(self) -> None:
        results = verify_exports(self.out, self.db)
        self.assertEqual(sorted(r.format for r in results), sorted(FORMATS))
        total = sum(rows for rows, _ in self.expected.values())
        self.assertTrue(all(r.rows == total for r in results))

    def test_empty_json_array_is_an_empty_table(self) -> None:
        """Issue 12: an empty table is written as "[]"; the reader called that trailing text."""
        for text in ("[]\n", "[ ]", "\n[\n]\n"):
            with self.subTest(text=text):
                self.assertEqual(list(export_readers._json_array(io.StringIO(text), "t.json")), [])
        with self.assertRaisesRegex(export_readers.Malformed, "text after the end"):
            list(export_readers._json_array(io.StringIO("[] x"), "t.json"))

    def test_dump_verifies_without_sqlite3_complete_statement(self) -> None:
        """PyPy's sqlite3 has no complete_statement; the reader's own must agree with SQLite's."""
        rng = random.Random(12)
        texts = ["select 'a;b';", "select 1 -- ;\n", "/* ; */ select 1;", 'select "x""y;";']
        texts += ["".join(rng.choice("ab;'\"-/*[]` \n") for _ in range(rng.randint(0, 12)))
                  for _ in range(5000)]
        for text in texts:
            self.assertEqual(export_readers.complete_statement(text),
                             sqlite3.complete_statement(text), repr(text))
        with mock.patch.object(export_readers, "_complete_statement",
                               export_readers.complete_statement):
            self.assertEqual(verify_exports(self.out / "sqlite-dump", self.db)[0].format,
                             "sqlite-dump")

    def test_json_arrays_are_read_across_any_chunk_boundary(self) -> None:
        with mock.patch.object(export_readers, "JSON_CHUNK", 7):
            self.assertEqual(verify_exports(self.out / "json", self.db)[0].format, "json")

    def test_same_database_gives_the_same_bytes(self) -> None:
        again = helpers.temp_dir(self) / "again"
        export(self.db, again, FORMATS)
        for path in sorted(self.out.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                with self.subTest(path=path.name):
                    self.assertEqual(sha256_file(path),
                                     sha256_file(again / path.relative_to(self.out)))

    def assert_verify_fails(self, directory: Path, pattern: str) -> None:
        with self.assertRaisesRegex(CheckFailed, pattern) as caught:
            verify_exports(directory, self.db)
        self.assertNotIn("\n", str(caught.exception))

    def rehash(self, directory: Path) -> None:
        """Make the manifest agree with edited files, so only the content checks can notice."""
        path = directory / MANIFEST_NAME
        manifest = json.loads(path.read_text())
        for entry in manifest["files"]:
            entry["sha256"] = sha256_file(directory / entry["file"])
        path.write_text(json.dumps(manifest))

    def test_edited_file_fails_its_hash(self) -> None:
        directory = self.copy("jsonl")
        with open(directory / "users.jsonl", "a") as handle:
            handle.write("\n")
        self.assert_verify_fails(directory, r"users\.jsonl: SHA-256 differs")

    def test_changed_value_fails_the_checksum(self) -> None:
        directory = self.copy("jsonl")
        path = directory / "orders.jsonl"
        path.write_text(re.sub(r'"total_amount": (\d+)\.', r'"total_amount": 1\1.',
                               path.read_text(), count=1))
        self.rehash(directory)
        self.assert_verify_fails(directory, r"orders: contents differ from the database")

    def test_missing_row_fails_the_count(self) -> None:
        directory = self.copy("postgres")
        path = directory / "reviews.csv"
        path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
        self.rehash(directory)
        rows = self.expected["reviews"][0]
        self.assert_verify_fails(directory, rf"reviews: {rows - 1} rows, the database has {rows}")

    def test_dangling_foreign_key_is_named(self) -> None:
        directory = self.copy("json")
        path = directory / "orders.json"
        path.write_text(re.sub(r'"user_id": \d+', '"user_id": 999999', path.read_text(), count=1))
        self.rehash(directory)
        self.assert_verify_fails(directory, r"orders\.user_id = 999999 matches no users\.user_id")

    def test_unreadable_content_is_named(self) -> None:
        cases = [
            ("json", "products.json", b'[\n{"product_id": }\n]\n', r"products\.json element 1"),
            ("json", "users.json", b'[{"user_id": "\xff"}]', r"users\.json: not UTF-8"),
            ("jsonl", "products.jsonl", b"{oops\n", r"products\.jsonl line 1: not JSON"),
            ("postgres", "products.csv", b"product_id,name\n", r"products\.csv line 1: header"),
            ("postgres", "orders.csv", b'order_id,"user_id\n', r"orders\.csv line 1: unterminated"),
            ("sqlite-dump", "dump.sql", b"CREATE TABLE x (;\n", r"dump\.sql line 1")]
        for fmt, name, content, pattern in cases:
            with self.subTest(fmt=fmt, file=name):
                directory = self.copy(fmt)
                (directory / name).write_bytes(content)
                self.rehash(directory)
                self.assert_verify_fails(directory, pattern)

    def test_rows_out_of_key_order_still_verify(self) -> None:
        directory = self.copy("jsonl")
        path = directory / "users.jsonl"
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(reversed(lines)))
        self.rehash(directory)
        self.assertEqual(verify_exports(directory, self.db)[0].format, "jsonl")

    def test_not_an_export(self) -> None:
        with self.assertRaisesRegex(KitError, "no manifest.json"):
            verify_exports(helpers.temp_dir(self), self.db)


class FailureModes(unittest.TestCase):
    def setUp(self) -> None:
        self.work = helpers.temp_dir(self)
        _, self.db = helpers.small_database(self.work, seed=3, scale=0.02)

    def snapshot(self, directory: Path) -> dict[str, str]:
        return {p.relative_to(directory).as_posix(): sha256_file(p)
                for p in sorted(directory.rglob("*")) if p.is_file()}

    def test_a_failed_export_leaves_the_previous_one_in_place(self) -> None:
        out = self.work / "exports"
        export(self.db, out, ["json", "postgres"])
        before = self.snapshot(out)
        with mock.patch.object(export_module, "load_script", side_effect=OSError(28, "No space")):
            with self.assertRaisesRegex(KitError, "cannot write the export to .*No space"):
                export(self.db, out, FORMATS)
        self.assertEqual(self.snapshot(out), before)
        self.assertEqual([p.name for p in out.iterdir() if p.name.endswith(".tmp")], [])

    def test_leftovers_of_a_killed_export_are_removed(self) -> None:
        out = self.work / "exports"
        (out / ".json.abc123.tmp").mkdir(parents=True)
        (out / ".someone-else.tmp").mkdir()
        export(self.db, out, ["jsonl"])
        self.assertEqual(sorted(p.name for p in out.iterdir()),
                         [".someone-else.tmp", "jsonl"])  # the lock file too is gone

    def test_unwritable_target_and_missing_database(self) -> None:
        blocker = self.work / "a-file"
        blocker.write_text("")
        with self.assertRaisesRegex(KitError, "cannot write the export to .*a-file"):
            export(self.db, blocker / "exports", ["json"])
        with self.assertRaisesRegex(KitError, "no database at .*none.db"):
            export(self.work / "none.db", self.work / "out", ["json"])
        self.assertFalse((self.work / "out").exists())

    def test_database_from_another_schema_is_refused(self) -> None:
        conn = sqlite3.connect(self.db)
        conn.execute(f"DROP TABLE {quote('reviews')}")
        conn.commit()
        conn.close()
        with self.assertRaisesRegex(KitError, "has no table reviews"):
            export(self.db, self.work / "out", ["json"])


class Command(unittest.TestCase):
    """project/export.py for real: --format all, then --verify on each format."""

    def setUp(self) -> None:
        self.work = helpers.temp_dir(self)
        _, self.db = helpers.small_database(self.work, seed=9, scale=0.05)

    def run_export(self, *args: str) -> subprocess.CompletedProcess:
        return helpers.run_script("project/export.py", "--db", str(self.db), *args,
                                  cwd=helpers.ROOT)

    def test_export_all_then_verify_each_format(self) -> None:
        out = self.work / "exports"
        proc = self.run_export("--format", "all", "--out", str(out), "-q")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(len(proc.stdout.splitlines()), len(FORMATS))
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                proc = self.run_export("--verify", str(out / fmt))
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertRegex(proc.stdout, rf"{re.escape(fmt)}: 8 tables, \d+ rows agree")
        (out / "json" / "users.json").write_text("[]\n")
        proc = self.run_export("--verify", str(out))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertRegex(proc.stderr, r"^export\.py: error: json export .*users\.json: SHA-256")

    def test_bad_input_gives_one_line(self) -> None:
        blocker = self.work / "file"
        blocker.write_text("")
        cases = [(["--format", "xml"], 2, "argument --format: invalid choice: 'xml'"),
                 (["--format", "json", "--db", str(self.work / "no.db")], 1, "no database at"),
                 (["--format", "json", "--out", str(blocker / "x")], 1, "cannot write the export"),
                 (["--verify", str(self.work)], 1, "not an export"),
                 (["--format", "json", "--verify", "x"], 2, "not allowed with argument")]
        for args, code, message in cases:
            with self.subTest(args=args):
                proc = self.run_export(*args)
                self.assertEqual(proc.returncode, code, proc.stderr)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
                self.assertIn(message, proc.stderr)
                self.assertNotIn("Traceback", proc.stderr)

    def test_main_in_process(self) -> None:
        module = helpers.load_script("export")
        root = logging.getLogger()  # main() configures logging; leave it as it was
        self.addCleanup(root.setLevel, root.level)
        self.addCleanup(setattr, root, "handlers", root.handlers[:])
        out = self.work / "in-process"
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(module.main(["--format", "jsonl", "--db", str(self.db),
                                          "--out", str(out), "-q"]), 0)
            self.assertEqual(module.main(["--verify", str(out), "--db", str(self.db)]), 0)
        self.assertIn("jsonl: 8 tables", stdout.getvalue())


if __name__ == "__main__":
    unittest.main()
