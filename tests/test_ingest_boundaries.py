"""Issue 12: ingest accepts exactly what it can keep, on the fast path and the strict path.

Boundary values just inside and just outside each declared type (DECIMAL(12,2), TIMESTAMP in
0001-01-01..9999-12-31 on the calendar, INTEGER within bigint, TEXT that PostgreSQL's UTF-8
takes) are written into a small dataset, unquoted (the fast path) and quoted (the strict
path). Outside: the ingest refuses with one line naming file, line and column. Inside: the
value is stored unchanged and, where PostgreSQL is installed, loads unchanged through the
exported load.sql.
"""
from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import unittest
from decimal import Decimal
from pathlib import Path

import helpers
from db.export.exporter import export
from db.ingest.fastpath import column_pattern, line_pattern
from db.ingest.loader import ingest
from db.ingest.values import converter
from db.schema import load_schema
from utils.config import SCHEMA_PATH
from utils.errors import DataError

SCHEMA = load_schema(SCHEMA_PATH)

# (file, column, value, kept?). Each file's column takes the values in distinct rows.
CASES = [
    ("products.csv", "price", "9999999999.99", True),        # DECIMAL(12,2): 10 + 2 digits
    ("products.csv", "price", "0000000001234567890.5", True),  # leading zeros are not digits kept
    ("products.csv", "price", "0.01", True),
    ("products.csv", "price", "99999999999.00", False),      # 11 digits before the point
    ("products.csv", "price", "9999999999999.00", False),    # 13: the example
    ("products.csv", "price", "99999999999", False),
    ("products.csv", "price", "1.001", False),
    ("users.csv", "signup_date", "0001-01-01 00:00:00", True),  # users who never ordered
    ("users.csv", "signup_date", "9999-12-31 23:59:59", True),
    ("users.csv", "signup_date", "2024-02-29 12:00:00", True),
    ("users.csv", "signup_date", "0000-12-31 23:59:59", False),  # PostgreSQL has no year 0
    ("users.csv", "signup_date", "0000-01-01 00:00:00", False),
    ("users.csv", "signup_date", "10000-01-01 00:00:00", False),
    ("users.csv", "signup_date", "2023-02-29 00:00:00", False),
    ("users.csv", "signup_date", "2024-04-31 00:00:00", False),
    ("users.csv", "signup_date", "2024-01-01 24:00:00", False),
    ("users.csv", "signup_date", "2024-01-01 23:59:60", False),
    ("users.csv", "signup_date", "2024-13-01 00:00:00", False),
    ("users.csv", "signup_date", "2024-00-10 00:00:00", False),
    ("reviews.csv", "review_id", "999999999999999999", True),    # INTEGER -> bigint
    ("reviews.csv", "review_id", "-999999999999999999", True),
    ("reviews.csv", "review_id", "9223372036854775808", False),  # beyond int64
    ("reviews.csv", "review_id", "99999999999999999999", False),
    ("reviews.csv", "title", "\u00e9t\u00e9 \u4e2d\u6587 \U0001F600", True),  # any Unicode text
    ("reviews.csv", "title", "\U0001F600" * 200, True),           # 200 characters, not bytes
    ("reviews.csv", "title", "\U0001F600" * 201, False),
    ("reviews.csv", "title", "\\.", True),
    ("reviews.csv", "title", "one\n\\.x\nthree \\.", True),
    ("reviews.csv", "title", "one\n\\.\nthree", False),  # psql's \copy stops at a line "\."
    ("reviews.csv", "title", "one\r\n\\.\r\nthree", False),
    ("reviews.csv", "title", "a\x00b", False),                   # PostgreSQL text has no NUL
]
NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def edit(data_dir: Path, changes: list[tuple[str, str, str]], quoted: bool) -> dict:
    """Write each (file, column, value) into its own data row; return {change: line number}.

    Rows are picked so that no invariant but the value's own type is at stake: products
    and reviews from the end, users who placed no order.
    """
    lines = {}
    by_file: dict[str, list] = {}
    for change in changes:
        by_file.setdefault(change[0], []).append(change)
    for name, mine in by_file.items():
        path = data_dir / name
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        if name == "users.csv":
            with open(data_dir / "orders.csv", encoding="utf-8", newline="") as handle:
                buyers = {r["user_id"] for r in csv.DictReader(handle)}
            candidates = [i for i, row in enumerate(body) if row[0] not in buyers]
        else:
            candidates = list(range(len(body) - 1, -1, -1))
        targets = {}
        for (file, column, value), index in zip(mine, candidates):
            targets[(index, header.index(column))] = value
            lines[(file, column, value)] = index + 2
        with open(path, "w", encoding="utf-8", newline="") as handle:
            for number, row in enumerate([header] + body):
                fields = []
                for position, field in enumerate(row):
                    target = targets.get((number - 1, position))
                    value = field if target is None else target
                    force = target is not None and quoted
                    fields.append('"' + value.replace('"', '""') + '"'
                                  if force or NEEDS_QUOTES.search(value) else value)
                handle.write(",".join(fields) + "\n")
    return lines


def kept(conn: sqlite3.Connection, file: str, column: str, value: str) -> bool:
    table = file[:-4]
    if column == "price":
        rows = conn.execute("SELECT price FROM products").fetchall()
        return any(Decimal(str(v)).quantize(Decimal("0.01")) == Decimal(value) for (v,) in rows)
    if column == "review_id":
        return conn.execute("SELECT count(*) FROM reviews WHERE review_id = ?",
                            (int(value),)).fetchone()[0] == 1
    return conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                        (value,)).fetchone()[0] == 1


class Boundaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.work = helpers.temp_dir(cls.case)
        cls.clean = helpers.small_dataset(cls.work / "clean", seed=7, scale=0.05)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def dataset(self, changes: list, quoted: bool) -> tuple[Path, dict]:
        work = helpers.temp_dir(self)
        data_dir = work / "data"
        shutil.copytree(self.clean, data_dir)
        return data_dir, edit(data_dir, changes, quoted)

    def test_fast_path_takes_only_what_the_strict_path_takes(self) -> None:
        """Per value, without SQLite: the strict converter decides as the table says, and the
        fast path's line pattern never takes a value the converter refuses, except a date
        off the calendar (30 February), which the schema's CHECK and the ingest's calendar
        scan refuse; the ingest tests below run both paths end to end."""
        for file, column_name, value, keep in CASES:
            column = next(c for c in SCHEMA.tables[file[:-4]].columns if c.name == column_name)
            with self.subTest(column=column_name, value=value[:30]):
                fast = line_pattern([column]).fullmatch(value) is not None
                try:
                    converter(column)(value)
                    strict = "\x00" not in value and "\n\\.\n" not in value.replace("\r", "")
                except ValueError:
                    strict = False
                if len(value) <= 200:  # longer: the type takes it, the CHECK on length refuses
                    self.assertEqual(strict, keep)
                if "\n" not in value:  # the block path: values split by csv, checked by column
                    self.assertEqual(column_pattern(column).fullmatch(value) is not None, fast)
                if fast and not strict:
                    self.assertIn(column.kind, ("timestamp", "date"))
                    self.assertRegex(value, r"-(02-(29|3[01])|(04|06|09|11)-31) ")

    def test_values_outside_are_refused_in_one_line(self) -> None:
        for file, column, value, keep in CASES:
            if keep:
                continue
            for quoted in (False, True):
                with self.subTest(column=column, value=value[:30], quoted=quoted):
                    data_dir, lines = self.dataset([(file, column, value)], quoted)
                    db = data_dir.parent / "db" / "ecommerce.db"
                    with self.assertRaises(DataError) as caught:
                        ingest(data_dir, db, SCHEMA_PATH)
                    message = str(caught.exception)
                    line = lines[(file, column, value)]
                    self.assertTrue(message.startswith(f"{file} line {line}, column {column}: "),
                                    message)
                    self.assertNotIn("\n", message)
                    self.assertFalse(db.exists())

    def loaded_inside(self, quoted: bool) -> tuple[list[tuple[str, str, str]], Path]:
        """The values inside the bounds, in a dataset ingested into a database (its path)."""
        inside = [(f, c, v) for f, c, v, keep in CASES if keep]
        data_dir, _ = self.dataset(inside, quoted)
        db = data_dir.parent / "db" / "ecommerce.db"
        ingest(data_dir, db, SCHEMA_PATH)
        return inside, db

    def test_values_inside_are_kept_unchanged(self) -> None:
        for quoted in (False, True):
            with self.subTest(quoted=quoted):
                inside, db = self.loaded_inside(quoted)
                conn = sqlite3.connect(db)
                try:
                    for change in inside:
                        self.assertTrue(kept(conn, *change), change)
                finally:
                    conn.close()

    def test_values_inside_load_unchanged_into_postgresql(self) -> None:
        import test_postgres
        bindir = test_postgres.find_server_bin()
        if bindir is None:
            test_postgres.unavailable("no PostgreSQL server found")
        cluster = test_postgres.Cluster(bindir, self.addCleanup)
        for quoted in (False, True):
            with self.subTest(quoted=quoted):
                inside, db = self.loaded_inside(quoted)
                export(db, db.parent.parent / "exports", ["postgres"])
                target = db.parent.parent / "exports" / "postgres"
                database = cluster.create_database(f"bounds_{int(quoted)}")
                load = cluster.psql(database, "-f", "load.sql", cwd=target)
                self.assertEqual(load.returncode, 0, load.stderr)
                for file, column, value in inside:
                    table = file[:-4]
                    rows = cluster.csv_query(database, f"SELECT {column}::text FROM {table}")
                    found = [r[0] if r else "" for r in rows[1:]]  # NULL is an empty line
                    if column == "price":
                        self.assertIn(Decimal(value), [Decimal(v) for v in found], value)
                    else:
                        self.assertIn(value, found, (column, value[:30]))


class CalendarScan(unittest.TestCase):
    """Issue 17: the post-load calendar scan runs only where no CHECK already did its work."""

    def test_a_schema_without_the_check_still_refuses_30_february(self) -> None:
        work = helpers.temp_dir(self)
        data_dir = helpers.small_dataset(work / "clean", seed=7, scale=0.05)
        lines = (data_dir / "orders.csv").read_text(encoding="utf-8").split("\n")
        fields = lines[4].split(",")
        fields[2] = "2024-02-30 10:00:00"  # order_date
        lines[4] = ",".join(fields)
        (data_dir / "orders.csv").write_text("\n".join(lines), encoding="utf-8")
        text = SCHEMA_PATH.read_text(encoding="utf-8")
        check = "CHECK (datetime(order_date, '+0 days') IS order_date)"
        self.assertIn(check, text)
        schema = work / "schema.sql"
        schema.write_text(text.replace(check, ""), encoding="utf-8")
        with self.assertRaises(DataError) as caught:
            ingest(data_dir, work / "db" / "e.db", schema)
        self.assertTrue(str(caught.exception).startswith(
            "orders.csv line 5, column order_date: "), caught.exception)
        with self.assertRaises(DataError) as caught:  # the schema's own CHECK, same message
            ingest(data_dir, work / "db" / "e.db", SCHEMA_PATH)
        self.assertTrue(str(caught.exception).startswith(
            "orders.csv line 5, column order_date: "), caught.exception)

    def test_the_scan_is_skipped_where_the_check_is_declared(self) -> None:
        from db.ingest.validation import check_calendar
        conn = sqlite3.connect(":memory:")
        self.addCleanup(conn.close)
        conn.executescript(SCHEMA.table_sql())
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        check_calendar(conn, SCHEMA, Path("."))
        self.assertEqual([s for s in seen if "'+0 days') IS NOT" in s], [])
        conn.executescript("DROP TABLE reviews; CREATE TABLE reviews (review_id INTEGER PRIMARY KEY,"
                           " product_id INTEGER, user_id INTEGER, rating INTEGER,"
                           " review_date TIMESTAMP, title TEXT)")
        check_calendar(conn, SCHEMA, Path("."))
        self.assertEqual(len([s for s in seen if "'+0 days') IS NOT" in s]), 1)


if __name__ == "__main__":
    unittest.main()
