"""Malformed input to the ingester (issues 2 and 8): one readable error line, old database kept.

Every case copies one small generated dataset, breaks one thing, and ingests it over a database
built from the clean data. A failure must print exactly one line on stderr naming the file and
(where it means something) the line and column, exit non-zero, leave the previous database
byte-identical and leave no temporary file beside it. Valid but unusual files (BOM, CRLF,
quoted newlines, reordered columns, a header-only table) must load to the same table contents.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib.util
import io
import logging
import re
import shutil
import sqlite3
import unittest
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

import helpers
from db.checks import load_checks
from db.schema import load_schema
from utils.config import SCHEMA_PATH

INGEST_SCRIPT = helpers.ROOT / "project" / "ingest.py"
ERROR_PREFIX = "ingest.py: error: "
SCHEMA = load_schema(SCHEMA_PATH)


def _load_cli():
    """project/ingest.py as a module, so its ``main([...])`` runs in-process."""
    spec = importlib.util.spec_from_file_location("ingest_cli", INGEST_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


CLI = _load_cli()


# ---------------------------------------------------------------------------------------------
# Running the ingester and looking at what it left behind


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def kept_logging() -> Iterator[None]:
    """main() points the root logger at the (redirected) stderr; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


def run_ingest(data_dir: Path, db_path: Path) -> Outcome:
    """``ingest.py --ingest`` in-process; anything but a KitError escapes main() and the test."""
    out, err = io.StringIO(), io.StringIO()
    with kept_logging(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = CLI.main(["--ingest", "--data-dir", str(data_dir), "--db", str(db_path)])
    return Outcome(code, out.getvalue(), err.getvalue())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_files(db_path: Path) -> list[str]:
    return sorted(p.name for p in db_path.parent.glob(f".{db_path.name}.*.tmp"))


def table_contents(db_path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows in key order (submission_meta left out: it records hashes)."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t.name: conn.execute(f'SELECT * FROM "{t.name}" ORDER BY rowid').fetchall()
                for t in SCHEMA.data_tables}
    finally:
        conn.close()


def error_line(case: unittest.TestCase, outcome: Outcome) -> str:
    """The single error line of a failed run, after checking the run failed cleanly."""
    case.assertEqual(outcome.code, 1, outcome.stderr)
    case.assertEqual(outcome.stdout, "")
    lines = outcome.stderr.splitlines()
    case.assertEqual(len(lines), 1, f"expected exactly one line on stderr, got:\n{outcome.stderr}")
    case.assertTrue(outcome.stderr.endswith("\n"))
    case.assertTrue(lines[0].startswith(ERROR_PREFIX), lines[0])
    return lines[0]


# ---------------------------------------------------------------------------------------------
# Editing one case's copy of the CSVs

Where = Union[None, int, Callable[[dict], bool]]


class CsvFiles:
    """One case's copy of the data directory, edited as records or as raw bytes.

    The generated files hold one record per line (checked in setUpClass), so data row ``i``
    (0-based) is on line ``i + 2``: the line numbers expected below are counted, not parsed.
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def path(self, name: str) -> Path:
        return self.dir / name

    def records(self, name: str) -> list[list[str]]:
        with open(self.path(name), encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    def write(self, name: str, records: list[list[str]], **options) -> None:
        with open(self.path(name), "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n", **options).writerows(records)

    def rows(self, name: str) -> list[dict]:
        header, *data = self.records(name)
        return [dict(zip(header, fields)) for fields in data]

    def find(self, name: str, where: Where = None) -> int:
        """0-based index of the data row: ``where`` is an index, a predicate or None (first)."""
        rows = self.rows(name)
        if isinstance(where, int):
            return where if where >= 0 else len(rows) + where
        for index, row in enumerate(rows):
            if where is None or where(row):
                return index
        raise AssertionError(f"the fixture has no row in {name} that this case needs")

    def row(self, name: str, where: Where = None) -> dict:
        return self.rows(name)[self.find(name, where)]

    def line(self, name: str, where: Where = None) -> int:
        return self.find(name, where) + 2

    def edit(self, file: str, where: Where = None, /, **values: str) -> dict:
        """Set columns of one row; returns ``line`` and the original ``row`` for the message."""
        records = self.records(file)
        index = self.find(file, where)
        header, fields = records[0], records[index + 1]
        original = dict(zip(header, fields))
        for column, value in values.items():
            fields[header.index(column)] = value
        self.write(file, records)
        return {"line": index + 2, "row": original}

    def raw_lines(self, name: str) -> list[bytes]:
        return self.path(name).read_bytes().split(b"\n")

    def set_raw_line(self, name: str, line: int, text: bytes) -> None:
        lines = self.raw_lines(name)
        lines[line - 1] = text
        self.path(name).write_bytes(b"\n".join(lines))

    def map_columns(self, name: str, change: Callable[[list[str]], list[str]]) -> None:
        """Apply ``change`` to the header and to every record (add, drop, rename, reorder)."""
        self.write(name, [change(list(r)) for r in self.records(name)])


def is_(**wanted: str) -> Callable[[dict], bool]:
    return lambda row: all(row[k] == v for k, v in wanted.items())


def status_in(*statuses: str) -> Callable[[dict], bool]:
    return lambda row: row["status"] in statuses


# ---------------------------------------------------------------------------------------------
# The cases: (name, mutation, expected substrings). A mutation edits a CsvFiles and returns the
# values the expected strings are formatted with ({line}, {row[column]}, ...).


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[CsvFiles], Optional[dict]]
    expected: tuple[str, ...]


USERS_HEADER = "user_id,first_name,last_name,email,signup_date,country,city"
REVIEWS_HEADER = "review_id,product_id,user_id,rating,review_date,title"
STATUS_CHECK = "status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')"
EMAIL_CHECK = "email LIKE '_%@_%._%' AND length(email) <= 254"


def drop_column(name: str, column: str) -> Callable[[CsvFiles], None]:
    def mutate(f: CsvFiles) -> None:
        index = f.records(name)[0].index(column)
        f.map_columns(name, lambda r: r[:index] + r[index + 1:])
    return mutate


def add_column(name: str, column: str, value: str) -> Callable[[CsvFiles], None]:
    def mutate(f: CsvFiles) -> None:
        header = f.records(name)[0]
        f.map_columns(name, lambda r: r + ([column] if r == header else [value]))
    return mutate


def rename_column(name: str, old: str, new: str) -> Callable[[CsvFiles], None]:
    def mutate(f: CsvFiles) -> None:
        header = f.records(name)[0]
        f.map_columns(name, lambda r: [new if c == old else c for c in r] if r == header else r)
    return mutate


def set_value(file: str, where: Where = None, /, **values: str) -> Callable[[CsvFiles], dict]:
    return lambda f: f.edit(file, where, **values)


def header_blank(f: CsvFiles) -> None:
    lines = f.raw_lines("orders.csv")
    f.path("orders.csv").write_bytes(b"\n".join([b""] + lines[1:]))


def header_removed(f: CsvFiles) -> None:
    f.path("products.csv").write_bytes(b"\n".join(f.raw_lines("products.csv")[1:]))


def price_with_unquoted_comma(f: CsvFiles) -> dict:
    line = f.line("products.csv", 3)
    row = f.row("products.csv", 3)
    f.set_raw_line("products.csv", line,
                   f"{row['product_id']},{row['name']},{row['category_id']},1,5".encode())
    return {"line": line}


def nul_in(name: str, column: str, where: Where) -> Callable[[CsvFiles], dict]:
    """A NUL after the first character of one field (raw bytes: csv.writer may refuse NUL)."""
    def mutate(f: CsvFiles) -> dict:
        line = f.line(name, where)
        fields = f.raw_lines(name)[line - 1].split(b",")
        index = f.records(name)[0].index(column)
        fields[index] = fields[index][:1] + b"\x00" + fields[index][1:]
        f.set_raw_line(name, line, b",".join(fields))
        return {"line": line}
    return mutate


def duplicate_row(f: CsvFiles) -> dict:
    records = f.records("users.csv")
    f.write("users.csv", records[:2] + [records[1]] + records[2:])
    return {"line": 3, "row": dict(zip(records[0], records[1]))}


def reuse_item_key(f: CsvFiles) -> dict:
    previous = f.row("order_items.csv", 8)["order_item_id"]
    return f.edit("order_items.csv", 9, order_item_id=previous)


def copy_email(f: CsvFiles, change: Callable[[str], str]) -> dict:
    email = f.row("users.csv", 0)["email"]
    context = f.edit("users.csv", 1, email=change(email))
    return dict(context, email=email)


def email_with_line_break(f: CsvFiles) -> dict:
    f.edit("users.csv", 0, email="first\nlast@example.com")
    f.edit("users.csv", 1, email="FIRST\nLAST@example.com")
    return {}


def dangling(name: str, column: str, value: str = "99999") -> Callable[[CsvFiles], dict]:
    """Point the fifth row's ``column`` (a non-empty one, for parent_id) at nothing."""
    def mutate(f: CsvFiles) -> dict:
        rows = f.rows(name)
        index = [i for i, r in enumerate(rows) if r[column]][4]
        return f.edit(name, index, **{column: value})
    return mutate


def categories_three_levels(f: CsvFiles) -> dict:
    children = [r for r in f.rows("categories.csv") if r["parent_id"]]
    context = f.edit("categories.csv", is_(category_id=children[-1]["category_id"]),
                     parent_id=children[0]["category_id"])
    return dict(context, parent=children[0]["category_id"])


def unit_price_changed(f: CsvFiles) -> dict:
    row = f.row("order_items.csv", 6)
    price = Decimal(row["unit_price"]) + Decimal("0.01")
    context = f.edit("order_items.csv", 6, unit_price=str(price))
    return dict(context, price=price, product=int(row["quantity"]) * price)


def line_total_changed(f: CsvFiles) -> dict:
    row = f.row("order_items.csv", 6)
    total = Decimal(row["line_total"]) + Decimal("1.00")
    return dict(f.edit("order_items.csv", 6, line_total=str(total)), total=total)


def order_before_signup(f: CsvFiles) -> dict:
    order = f.row("orders.csv", 3)
    signup = f.row("users.csv", is_(user_id=order["user_id"]))["signup_date"]
    return dict(f.edit("orders.csv", 3, order_date="2000-01-01 00:00:00"), signup=signup)


def signup_after_first_order(f: CsvFiles) -> dict:
    order = f.row("orders.csv", 0)
    f.edit("users.csv", is_(user_id=order["user_id"]), signup_date="2099-01-01 00:00:00")
    return {"line": 2, "row": order}


def order_total_changed(f: CsvFiles) -> dict:
    row = f.row("orders.csv", status_in("cancelled", "pending"))
    total = Decimal(row["total_amount"]) + Decimal("1.00")
    context = f.edit("orders.csv", is_(order_id=row["order_id"]), total_amount=str(total))
    return dict(context, total=total)


def order_without_lines(f: CsvFiles) -> dict:
    records = f.records("orders.csv")
    user = f.row("users.csv", 0)
    new_id = str(max(int(r[0]) for r in records[1:]) + 1)
    f.write("orders.csv", records + [[new_id, user["user_id"], user["signup_date"], "pending",
                                      "0.00", "", ""]])
    return {"line": len(records) + 1}


def payment_before_order(f: CsvFiles) -> dict:
    payment = f.row("payments.csv", 2)
    order = f.row("orders.csv", is_(order_id=payment["order_id"]))
    return dict(f.edit("payments.csv", 2, payment_date="2000-01-01 00:00:00"), order=order)


def product_in_top_category(f: CsvFiles) -> dict:
    product = f.row("products.csv", 2)
    parent = f.row("categories.csv", is_(category_id=product["category_id"]))["parent_id"]
    return dict(f.edit("products.csv", 2, category_id=parent), parent=parent)


def _revenue_order(f: CsvFiles) -> dict:
    """A paid or shipped order with a completed payment (no review depends on it)."""
    paid = {p["order_id"] for p in f.rows("payments.csv") if p["status"] == "completed"}
    return f.row("orders.csv", lambda r: r["status"] in ("paid", "shipped") and r["order_id"] in paid)


def order_refunded_without_refund(f: CsvFiles) -> dict:
    order = _revenue_order(f)
    return f.edit("orders.csv", is_(order_id=order["order_id"]), status="refunded")


def refund_on_paid_order(f: CsvFiles) -> dict:
    order = _revenue_order(f)
    context = f.edit("payments.csv", is_(order_id=order["order_id"], status="completed"),
                     status="refunded")
    return dict(context, order=order)


def payment_amount_changed(f: CsvFiles) -> dict:
    order = _revenue_order(f)
    payment = f.row("payments.csv", is_(order_id=order["order_id"], status="completed"))
    completed = sum(Decimal(p["amount"]) for p in f.rows("payments.csv")
                    if p["order_id"] == order["order_id"] and p["status"] == "completed")
    f.edit("payments.csv", is_(payment_id=payment["payment_id"]),
           amount=str(Decimal(payment["amount"]) + Decimal("1.00")))
    return {"line": f.line("orders.csv", is_(order_id=order["order_id"])), "row": order,
            "paid": completed + Decimal("1.00")}


def review_before_purchase(f: CsvFiles) -> dict:
    return f.edit("reviews.csv", 3, review_date="2000-01-01 00:00:00")


def review_by_non_buyer(f: CsvFiles) -> dict:
    delivered = {o["order_id"]: o["user_id"] for o in f.rows("orders.csv")
                 if o["status"] == "delivered"}
    bought = {(delivered[i["order_id"]], i["product_id"]) for i in f.rows("order_items.csv")
              if i["order_id"] in delivered}
    review = f.row("reviews.csv", 3)
    stranger = next(u["user_id"] for u in f.rows("users.csv")
                    if (u["user_id"], review["product_id"]) not in bought)
    return dict(f.edit("reviews.csv", 3, user_id=stranger), user=stranger)


def paid_order_marked_pending(f: CsvFiles) -> dict:
    order = _revenue_order(f)
    return f.edit("orders.csv", is_(order_id=order["order_id"]), status="pending",
                  shipped_at="", delivered_at="")


def _delivered_without_refund(f: CsvFiles) -> dict:
    refunded = {p["order_id"] for p in f.rows("payments.csv") if p["status"] == "refunded"}
    return f.row("orders.csv", lambda r: r["status"] == "delivered" and r["order_id"] not in refunded)


def delivered_order_without_delivery_time(f: CsvFiles) -> dict:
    order = _delivered_without_refund(f)
    return f.edit("orders.csv", is_(order_id=order["order_id"]), delivered_at="")


def refund_above_the_charges(f: CsvFiles) -> dict:
    order = _delivered_without_refund(f)
    records = f.records("payments.csv")
    new_id = str(max(int(r[0]) for r in records[1:]) + 1)
    refund = Decimal(order["total_amount"]) + Decimal("1.00")
    f.write("payments.csv", records + [[new_id, order["order_id"], "card", str(refund),
                                        order["delivered_at"], "refunded"]])
    return {"line": f.line("orders.csv", is_(order_id=order["order_id"])), "row": order,
            "refund": refund}


def latin1_name(f: CsvFiles) -> dict:
    line = f.line("users.csv", 3)
    text = f.raw_lines("users.csv")[line - 1]
    prefix = text.split(b",")[0] + b","
    f.set_raw_line("users.csv", line, prefix + "José".encode("latin-1") + text[len(prefix):])
    return {"line": line, "byte": len(prefix) + 4}


def utf16_file(f: CsvFiles) -> None:
    path = f.path("users.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def unterminated_quote(f: CsvFiles) -> dict:
    line = f.line("reviews.csv", 2)
    text = f.raw_lines("reviews.csv")[line - 1]
    head, _, title = text.rpartition(b",")
    f.set_raw_line("reviews.csv", line, head + b',"' + title)
    return {"line": line}


def quote_inside_quoted_field(f: CsvFiles) -> dict:
    line = f.line("reviews.csv", 2)
    head, _, _ = f.raw_lines("reviews.csv")[line - 1].rpartition(b",")
    f.set_raw_line("reviews.csv", line, head + b',"Good" value"')
    return {"line": line}


def truncated_last_row(f: CsvFiles) -> dict:
    data = f.path("order_items.csv").read_bytes().rstrip(b"\n")
    last_start = data.rindex(b"\n") + 1
    fields = data[last_start:].split(b",")
    f.path("order_items.csv").write_bytes(data[:last_start] + b",".join(fields[:3]))
    return {"line": data.count(b"\n") + 1}


def extra_field(f: CsvFiles) -> dict:
    line = f.line("payments.csv", 4)
    f.set_raw_line("payments.csv", line, f.raw_lines("payments.csv")[line - 1] + b",extra")
    return {"line": line}


def huge_field(f: CsvFiles) -> dict:
    return f.edit("reviews.csv", 1, title="x" * (10 * 1024 * 1024))


def empty_file(f: CsvFiles) -> None:
    f.path("reviews.csv").write_bytes(b"")


def missing_file(f: CsvFiles) -> dict:
    f.path("payments.csv").unlink()
    return {"dir": f.dir}


def missing_data_dir(f: CsvFiles) -> dict:
    shutil.rmtree(f.dir)
    return {"dir": f.dir}


def data_dir_is_a_file(f: CsvFiles) -> dict:
    shutil.rmtree(f.dir)
    f.dir.write_text("not a directory\n", encoding="utf-8")
    return {"dir": f.dir}


def manifest(text: str) -> Callable[[CsvFiles], dict]:
    def mutate(f: CsvFiles) -> dict:
        f.path("manifest.json").write_text(text, encoding="utf-8")
        return {"manifest": f.path("manifest.json")}
    return mutate


def header_only(name: str) -> Callable[[CsvFiles], None]:
    def mutate(f: CsvFiles) -> None:
        f.write(name, f.records(name)[:1])
    return mutate


def too_long(n: int) -> str:
    return "x" * n


CASES = (
    # Header faults (columns are matched by name; reordering is accepted, tested below).
    Case("header: missing column", drop_column("users.csv", "city"),
         (f"users.csv line 1: header: missing column 'city' (expected {USERS_HEADER})",)),
    Case("header: extra column", add_column("users.csv", "nickname", "x"),
         (f"users.csv line 1: header: unexpected column 'nickname' (expected {USERS_HEADER})",)),
    Case("header: duplicated column", add_column("users.csv", "city", "Paris"),
         ("users.csv line 1: column 'city' appears twice in the header",)),
    Case("header: renamed column", rename_column("users.csv", "email", "e_mail"),
         ("users.csv line 1: header: missing column 'email'; unexpected column 'e_mail'",)),
    Case("header: names are case-sensitive", rename_column("users.csv", "email", "Email"),
         ("users.csv line 1: header: missing column 'email'; unexpected column 'Email'",)),
    Case("header: a space is part of the name", rename_column("users.csv", "email", " email"),
         ("users.csv line 1: header: missing column 'email'; unexpected column ' email'",)),
    Case("header: empty header line", header_blank,
         ("orders.csv line 1: header: missing columns 'order_id', 'user_id', 'order_date', "
          "'status', 'total_amount', 'shipped_at', 'delivered_at' (expected ",)),
    Case("header: no header row", header_removed,
         ("products.csv line 1: header: missing columns 'product_id', 'name', 'category_id', "
          "'price'; unexpected columns ",)),

    # Type faults, one per converter.
    Case("integer: text", set_value("order_items.csv", 3, quantity="two"),
         ("order_items.csv line {line}, column quantity: expected an integer, got 'two'",)),
    Case("integer: decimal point", set_value("order_items.csv", 3, quantity="1.0"),
         ("order_items.csv line {line}, column quantity: expected an integer, got '1.0'",)),
    Case("integer: leading space", set_value("users.csv", 2, user_id=" 3"),
         ("users.csv line {line}, column user_id: expected an integer, got ' 3'",)),
    Case("integer: 19 digits", set_value("reviews.csv", 2, rating="1234567890123456789"),
         ("reviews.csv line {line}, column rating: expected an integer, got "
          "'1234567890123456789'",)),
    Case("decimal: three decimals", set_value("products.csv", 4, price="12.345"),
         ("products.csv line {line}, column price: expected a number with at most 2 decimals, "
          "got '12.345'",)),
    Case("decimal: text", set_value("products.csv", 4, price="cheap"),
         ("products.csv line {line}, column price: expected a number with at most 2 decimals, "
          "got 'cheap'",)),
    Case("decimal: quoted decimal comma", set_value("products.csv", 4, price="1,5"),
         ("products.csv line {line}, column price: expected a number with at most 2 decimals, "
          "got '1,5'",)),
    Case("decimal: unquoted decimal comma", price_with_unquoted_comma,
         ("products.csv line {line}: expected 4 fields, found 5",)),
    Case("decimal: exponent", set_value("payments.csv", 4, amount="1e2"),
         ("payments.csv line {line}, column amount: expected a number with at most 2 decimals, "
          "got '1e2'",)),
    Case("timestamp: 30 February", set_value("orders.csv", 5, order_date="2024-02-30 10:00:00"),
         ("orders.csv line {line}, column order_date: expected a timestamp "
          "'YYYY-MM-DD HH:MM:SS', got '2024-02-30 10:00:00'",)),
    Case("timestamp: two-digit year", set_value("users.csv", 5, signup_date="24-01-01 00:00:00"),
         ("users.csv line {line}, column signup_date: expected a timestamp "
          "'YYYY-MM-DD HH:MM:SS', got '24-01-01 00:00:00'",)),
    Case("timestamp: ISO T separator",
         set_value("payments.csv", 5, payment_date="2024-01-01T10:00:00"),
         ("payments.csv line {line}, column payment_date: expected a timestamp "
          "'YYYY-MM-DD HH:MM:SS', got '2024-01-01T10:00:00'",)),
    Case("timestamp: date only", set_value("orders.csv", 5, order_date="2024-01-01"),
         ("orders.csv line {line}, column order_date: expected a timestamp",)),
    Case("timestamp: empty", set_value("reviews.csv", 5, review_date=""),
         ("reviews.csv line {line}, column review_date: empty value in a required column",)),
    # Before Python 3.11 csv itself rejects NUL, after it the loader does: the same line.
    Case("text: NUL byte", nul_in("reviews.csv", "title", 4),
         ("reviews.csv line {line}, column title: contains a NUL byte",)),
    Case("integer: NUL byte", nul_in("order_items.csv", "quantity", 4),
         ("order_items.csv line {line}, column quantity: contains a NUL byte",)),

    # Empty required values.
    # SQLite calls an INTEGER PRIMARY KEY nullable (NULL invents a rowid); a CSV key may not be.
    Case("empty: primary key", set_value("users.csv", 6, user_id=""),
         ("users.csv line {line}, column user_id: empty value in a required column",)),
    Case("empty: text", set_value("users.csv", 6, last_name=""),
         ("users.csv line {line}, column last_name: empty value in a required column",)),
    Case("empty: foreign key", set_value("order_items.csv", 6, product_id=""),
         ("order_items.csv line {line}, column product_id: empty value in a required column",)),
    Case("empty: category name", set_value("categories.csv", 6, name=""),
         ("categories.csv line {line}, column name: empty value in a required column",)),
    Case("empty: payment status", set_value("payments.csv", 6, status=""),
         ("payments.csv line {line}, column status: empty value in a required column",)),

    # Every CHECK constraint of schema.sql reachable from a CSV (coverage is asserted).
    Case("check: category name length", set_value("categories.csv", 7, name=too_long(101)),
         ("categories.csv line {line}, column name: violates CHECK "
          "(length(name) BETWEEN 1 AND 100)",)),
    Case("check: category is its own parent",
         lambda f: f.edit("categories.csv", -1, parent_id=f.row("categories.csv", -1)["category_id"]),
         ("categories.csv line {line}, column parent_id: violates CHECK "
          "(parent_id IS NULL OR parent_id <> category_id)",)),
    Case("check: first name length", set_value("users.csv", 7, first_name=too_long(101)),
         ("users.csv line {line}, column first_name: violates CHECK "
          "(length(first_name) BETWEEN 1 AND 100)",)),
    Case("check: last name length", set_value("users.csv", 7, last_name=too_long(101)),
         ("users.csv line {line}, column last_name: violates CHECK "
          "(length(last_name) BETWEEN 1 AND 100)",)),
    Case("check: e-mail without @", set_value("users.csv", 7, email="someone.example.com"),
         (f"users.csv line {{line}}, column email: violates CHECK ({EMAIL_CHECK})",)),
    Case("check: e-mail over 254 characters",
         set_value("users.csv", 7, email="a" * 250 + "@b.cd"),
         (f"users.csv line {{line}}, column email: violates CHECK ({EMAIL_CHECK})",)),
    Case("check: country length", set_value("users.csv", 8, country=too_long(101)),
         ("users.csv line {line}, column country: violates CHECK "
          "(length(country) BETWEEN 1 AND 100)",)),
    Case("check: city length", set_value("users.csv", 8, city=too_long(101)),
         ("users.csv line {line}, column city: violates CHECK "
          "(city IS NULL OR length(city) BETWEEN 1 AND 100)",)),
    Case("check: product name length", set_value("products.csv", 5, name=too_long(201)),
         ("products.csv line {line}, column name: violates CHECK "
          "(length(name) BETWEEN 1 AND 200)",)),
    Case("check: price zero", set_value("products.csv", 5, price="0.00"),
         ("products.csv line {line}, column price: violates CHECK (price > 0)",)),
    Case("check: price negative", set_value("products.csv", 5, price="-1.50"),
         ("products.csv line {line}, column price: violates CHECK (price > 0)",)),
    Case("check: order status", set_value("orders.csv", 7, status="shipping"),
         (f"orders.csv line {{line}}, column status: violates CHECK ({STATUS_CHECK})",)),
    Case("check: order total negative", set_value("orders.csv", 7, total_amount="-1.00"),
         ("orders.csv line {line}, column total_amount: violates CHECK (total_amount >= 0)",)),
    Case("check: quantity zero", set_value("order_items.csv", 7, quantity="0"),
         ("order_items.csv line {line}, column quantity: violates CHECK (quantity > 0)",)),
    Case("check: quantity negative", set_value("order_items.csv", 7, quantity="-2"),
         ("order_items.csv line {line}, column quantity: violates CHECK (quantity > 0)",)),
    Case("check: unit price zero", set_value("order_items.csv", 7, unit_price="0.00"),
         ("order_items.csv line {line}, column unit_price: violates CHECK (unit_price > 0)",)),
    Case("check: line total zero", set_value("order_items.csv", 7, line_total="0.00"),
         ("order_items.csv line {line}, column line_total: violates CHECK (line_total > 0)",)),
    Case("check: payment method", set_value("payments.csv", 7, payment_method="cash"),
         ("payments.csv line {line}, column payment_method: violates CHECK "
          "(payment_method IN ('card', 'paypal', 'bank'))",)),
    Case("check: payment amount negative", set_value("payments.csv", 7, amount="-0.01"),
         ("payments.csv line {line}, column amount: violates CHECK (amount >= 0)",)),
    Case("check: payment status", set_value("payments.csv", 7, status="pending"),
         ("payments.csv line {line}, column status: violates CHECK "
          "(status IN ('completed', 'failed', 'refunded'))",)),
    Case("check: rating 6", set_value("reviews.csv", 7, rating="6"),
         ("reviews.csv line {line}, column rating: violates CHECK (rating BETWEEN 1 AND 5)",)),
    Case("check: rating 0", set_value("reviews.csv", 7, rating="0"),
         ("reviews.csv line {line}, column rating: violates CHECK (rating BETWEEN 1 AND 5)",)),
    Case("check: review title length", set_value("reviews.csv", 7, title=too_long(201)),
         ("reviews.csv line {line}, column title: violates CHECK "
          "(title IS NULL OR length(title) BETWEEN 1 AND 200)",)),

    # Uniqueness.
    Case("unique: duplicated row", duplicate_row,
         ("users.csv line 3, column user_id: duplicate primary key (UNIQUE users.user_id)",)),
    Case("unique: key reused further down", reuse_item_key,
         ("order_items.csv line 11, column order_item_id: duplicate primary key "
          "(UNIQUE order_items.order_item_id)",)),
    Case("unique: same e-mail", lambda f: copy_email(f, str),
         ("users.csv line 3, column email: duplicate unique value (UNIQUE users.email)",)),
    Case("unique: category name",
         lambda f: f.edit("categories.csv", 8, name=f.row("categories.csv", 7)["name"]),
         ("categories.csv line 10, column name: duplicate unique value (UNIQUE categories.name)",)),
    Case("unique: e-mail differing only in case", lambda f: copy_email(f, str.upper),
         ("users.csv line 2, column email: e-mail {email} is used by more than one user: "
          "breaks check emails_unique, e-mail addresses are unique, ignoring letter case",)),
    Case("unique: e-mail with a line break stays on one line", email_with_line_break,
         ("users.csv line 2, column email: e-mail first\\nlast@example.com is used by more "
          "than one user: breaks check emails_unique",)),

    # A dangling foreign key in every relationship.
    Case("foreign key: categories.parent_id", dangling("categories.csv", "parent_id", "999"),
         ("categories.csv line {line}, column parent_id: 999 does not match any "
          "categories.category_id (dangling foreign key)",)),
    Case("foreign key: products.category_id", dangling("products.csv", "category_id", "999"),
         ("products.csv line {line}, column category_id: 999 does not match any "
          "categories.category_id (dangling foreign key)",)),
    Case("foreign key: orders.user_id", dangling("orders.csv", "user_id"),
         ("orders.csv line {line}, column user_id: 99999 does not match any users.user_id "
          "(dangling foreign key)",)),
    Case("foreign key: order_items.order_id", dangling("order_items.csv", "order_id"),
         ("order_items.csv line {line}, column order_id: 99999 does not match any "
          "orders.order_id (dangling foreign key)",)),
    Case("foreign key: order_items.product_id", dangling("order_items.csv", "product_id"),
         ("order_items.csv line {line}, column product_id: 99999 does not match any "
          "products.product_id (dangling foreign key)",)),
    Case("foreign key: payment for a non-existent order", dangling("payments.csv", "order_id"),
         ("payments.csv line {line}, column order_id: 99999 does not match any "
          "orders.order_id (dangling foreign key)",)),
    Case("foreign key: reviews.product_id", dangling("reviews.csv", "product_id"),
         ("reviews.csv line {line}, column product_id: 99999 does not match any "
          "products.product_id (dangling foreign key)",)),
    Case("foreign key: reviews.user_id", dangling("reviews.csv", "user_id"),
         ("reviews.csv line {line}, column user_id: 99999 does not match any users.user_id "
          "(dangling foreign key)",)),

    # Every business check in db/checks/ (coverage is asserted).
    Case("business: three category levels", categories_three_levels,
         ("categories.csv line {line}, column parent_id: parent {parent} is itself a "
          "subcategory: breaks check categories_two_levels",)),
    Case("business: line total is not quantity x unit price", unit_price_changed,
         ("order_items.csv line {line}, column line_total: {row[quantity]} x {price} = "
          "{product}, but line_total is {row[line_total]}: breaks check line_totals",)),
    Case("business: line total changed alone", line_total_changed,
         ("order_items.csv line {line}, column line_total: ", "but line_total is {total}: "
          "breaks check line_totals",)),
    Case("business: order before signup", order_before_signup,
         ("orders.csv line {line}, column order_date: ordered 2000-01-01 00:00:00, signed up "
          "{signup}: breaks check order_after_signup",)),
    Case("business: signup moved after the first order", signup_after_first_order,
         ("orders.csv line 2, column order_date: ordered {row[order_date]}, signed up "
          "2099-01-01 00:00:00: breaks check order_after_signup",)),
    Case("business: order total is not the sum of its lines", order_total_changed,
         ("orders.csv line {line}, column total_amount: total_amount is {total} but the lines "
          "sum to {row[total_amount]}: breaks check order_totals",)),
    Case("business: order without lines", order_without_lines,
         ("orders.csv line {line}, column order_id: the order has no lines: breaks check "
          "orders_have_lines, every order has at least one order line",)),
    Case("business: payment before its order", payment_before_order,
         ("payments.csv line {line}, column payment_date: paid 2000-01-01 00:00:00, ordered "
          "{order[order_date]}: breaks check payment_after_order",)),
    Case("business: product in a top-level category", product_in_top_category,
         ("products.csv line {line}, column category_id: category {parent} has subcategories: "
          "breaks check products_in_leaf_categories",)),
    Case("business: refunded order without a refund", order_refunded_without_refund,
         ("orders.csv line {line}, column status: refunded order without a refunded payment: "
          "breaks check refunded_orders_refunded",)),
    Case("business: refund on an order that is not refunded", refund_on_paid_order,
         ("payments.csv line {line}, column status: refunded payment on a {order[status]} "
          "order: breaks check refunds_after_delivery",)),
    Case("business: paid order with the wrong payment", payment_amount_changed,
         ("orders.csv line {line}, column total_amount: {row[status]} order of "
          "{row[total_amount]} has completed payments of {paid}: breaks check "
          "revenue_orders_paid",)),
    Case("business: review dated before the purchase", review_before_purchase,
         ("reviews.csv line {line}, column product_id: user {row[user_id]} has no delivered "
          "order of product {row[product_id]} before 2000-01-01 00:00:00: breaks check "
          "reviews_by_buyers",)),
    Case("business: review without a delivered purchase", review_by_non_buyer,
         ("reviews.csv line {line}, column product_id: user {user} has no delivered order of "
          "product {row[product_id]} before {row[review_date]}: breaks check "
          "reviews_by_buyers",)),
    Case("business: pending order with a completed payment", paid_order_marked_pending,
         ("orders.csv line {line}, column status: pending order with a completed payment: "
          "breaks check unpaid_orders_uncharged",)),
    Case("business: delivered order without a delivery time", delivered_order_without_delivery_time,
         ("orders.csv line {line}, column status: delivered order with shipped_at "
          "{row[shipped_at]} and delivered_at NULL: breaks check status_follows_fulfilment",)),
    Case("business: refund above the charges", refund_above_the_charges,
         ("orders.csv line {line}, column total_amount: refunds of {refund} exceed completed "
          "charges of {row[total_amount]}: breaks check refunds_within_charges",)),
    # A zero-row table is still a table: the checks judge it like any other.
    Case("header-only order_items.csv", header_only("order_items.csv"),
         ("orders.csv line 2, column total_amount: total_amount is ",
          " but the lines sum to 0.00: breaks check order_totals")),

    # The file itself.
    Case("file: bytes that are not UTF-8", latin1_name,
         ("users.csv line {line}: bytes that are not UTF-8 at byte {byte} of the line",)),
    Case("file: UTF-16", utf16_file,
         ("users.csv line 1: bytes that are not UTF-8 at byte 1 of the line",)),
    Case("file: unterminated quote", unterminated_quote,
         ("reviews.csv line {line}: unterminated quoted field",)),
    Case("file: stray quote in a quoted field", quote_inside_quoted_field,
         ("reviews.csv line {line}: malformed CSV: ",)),
    Case("file: truncated last row", truncated_last_row,
         ("order_items.csv line {line}: expected 6 fields, found 3 (truncated row?)",)),
    Case("file: a row with an extra field", extra_field,
         ("payments.csv line {line}: expected 6 fields, found 7",)),
    Case("file: 10 MB field", huge_field,
         ("reviews.csv line {line}: a field is larger than the 1024 KiB limit",)),
    Case("file: empty (0 bytes)", empty_file,
         (f"reviews.csv line 1: empty file: expected a header row {REVIEWS_HEADER}",)),
    Case("file: missing", missing_file, ("payments.csv: file not found in {dir}",)),
    Case("file: data directory missing", missing_data_dir,
         ("data directory {dir} does not exist",)),
    Case("file: data directory is a file", data_dir_is_a_file,
         ("data directory {dir} is not a directory",)),
    Case("manifest: not JSON", manifest("{"), ("{manifest}: unreadable manifest: ",)),
    Case("manifest: not an object", manifest("[]"),
         ("{manifest}: the manifest is not a JSON object",)),
    Case("manifest: window not an object", manifest('{"window": 3}'),
         ('{manifest}: "window" is not a JSON object',)),
    Case("manifest: files not a list", manifest('{"files": 3}'),
         ('{manifest}: "files" is not a list of JSON objects',)),
)


def _check_expressions(create_sql: str) -> Iterator[str]:
    """The expression of each ``CHECK (...)`` in a CREATE TABLE, whitespace collapsed."""
    for match in re.finditer(r"\bCHECK\s*\(", create_sql):
        depth, quoted, start = 1, False, match.end()
        for position in range(start, len(create_sql)):
            char = create_sql[position]
            if char == "'":
                quoted = not quoted
            elif not quoted and char in "()":
                depth += 1 if char == "(" else -1
                if depth == 0:
                    yield " ".join(create_sql[start:position].split())
                    break


def reachable_checks() -> set[tuple[str, str]]:
    """(table, expression) for every CHECK a CSV value can reach.

    Left out: submission_meta (not loaded from a CSV) and the ``datetime(x, '+0 days') IS x``
    checks, which only canonical timestamps reach: the converter rejects every other form first
    (the timestamp cases above show it).
    """
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA.table_sql())
        found = set()
        for table in SCHEMA.data_tables:
            (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                  (table.name,)).fetchone()
            found |= {(table.name, e) for e in _check_expressions(sql)
                      if not e.startswith("datetime(")}
        return found
    finally:
        conn.close()


class _Fixture(unittest.TestCase):
    """One clean dataset and the database built from it, shared by a class's tests."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.holder = unittest.TestCase()
        cls.addClassCleanup(cls.holder.doCleanups)
        cls.tmp = helpers.temp_dir(cls.holder).resolve()  # main() resolves paths too
        cls.clean, cls.db = helpers.small_database(cls.tmp)
        cls.baseline = table_contents(cls.db)
        for path in sorted(cls.clean.glob("*.csv")):  # CsvFiles counts lines on this
            with open(path, encoding="utf-8", newline="") as handle:
                records = sum(1 for _ in csv.reader(handle))
            lines = path.read_bytes().count(b"\n")
            if records != lines:
                raise AssertionError(f"{path.name}: a record spans lines; line numbers below "
                                     "assume one record per line")

    def copy_data(self, name: str = "case") -> CsvFiles:
        target = self.tmp / name
        shutil.rmtree(target, ignore_errors=True)
        if target.is_file():
            target.unlink()
        shutil.copytree(self.clean, target)
        return CsvFiles(target)

    def assert_previous_database_kept(self, before: str) -> None:
        self.assertEqual(sha256(self.db), before, "the previous database was changed")
        self.assertEqual(temp_files(self.db), [], "a temporary file was left behind")

    def assert_loads_like_clean(self, files: CsvFiles, **changed: list[tuple]) -> Outcome:
        """Ingest into a fresh database: same tables as the clean data, except ``changed``."""
        db = self.tmp / "unusual" / "ecommerce.db"
        if db.exists():
            db.unlink()
        outcome = run_ingest(files.dir, db)
        self.assertEqual(outcome.code, 0, outcome.stderr)
        contents = table_contents(db)
        for table, rows in dict(self.baseline, **changed).items():
            self.assertEqual(contents[table], rows, f"{table} differs from the clean load")
        self.assertEqual(temp_files(db), [])
        return outcome


class MalformedInput(_Fixture):
    """The table of broken inputs, run in-process through ``main([...])``."""

    def test_each_case_fails_cleanly_and_keeps_the_database(self) -> None:
        self.assertGreaterEqual(len(CASES), 40)
        self.assertEqual(len({c.name for c in CASES}), len(CASES), "case names must be unique")
        messages = []
        for case in CASES:
            with self.subTest(case.name):
                files = self.copy_data()
                context = case.mutate(files) or {}
                before = sha256(self.db)
                line = error_line(self, run_ingest(files.dir, self.db))
                for expected in case.expected:
                    self.assertIn(expected.format(**context), line)
                self.assert_previous_database_kept(before)
                messages.append(line)
        triggered_checks = {m.group(1) for m in map(re.compile(r"breaks check (\w+)").search,
                                                     messages) if m}
        self.assertEqual(triggered_checks, {c.name for c in load_checks()},
                         "every business check in db/checks/ needs a case")
        violated = {(m.group(1), m.group(2)) for m in map(
            re.compile(r"error: (\w+)\.csv line \d+, column \w+: violates CHECK \((.*)\)$").search,
            messages) if m}
        self.assertEqual(violated, reachable_checks(), "every CHECK constraint needs a case")

    def test_db_path_that_is_a_directory(self) -> None:
        db = self.tmp / "taken" / "ecommerce.db"
        db.mkdir(parents=True)
        line = error_line(self, run_ingest(self.clean, db))
        self.assertIn(f"cannot write {db}: ", line)
        self.assertTrue(db.is_dir())
        self.assertEqual(temp_files(db), [])

    def test_line_numbers_count_physical_lines(self) -> None:
        """A quoted newline, a blank line, CRLF and a BOM do not shift the reported line."""
        files = self.copy_data()
        records = files.records("reviews.csv")
        records[1][5] = "Good, and\nthen some"
        records.insert(3, [])        # a blank line after the first two data rows
        records[6][3] = "6"          # the 5th data row: line 2 + 1 (newline) + 1 (blank) + 4
        text = "\r\n".join(",".join(f'"{v}"' if "\n" in v or "," in v else v for v in r)
                           for r in records) + "\r\n"
        files.path("reviews.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        before = sha256(self.db)
        line = error_line(self, run_ingest(files.dir, self.db))
        self.assertIn("reviews.csv line 8, column rating: violates CHECK", line)
        self.assert_previous_database_kept(before)


class ValidButUnusual(_Fixture):
    """Inputs the design accepts: they load to exactly what the clean files load to."""

    def rewrite_all(self, files: CsvFiles, change: Callable[[bytes], bytes]) -> None:
        for path in sorted(files.dir.glob("*.csv")):
            path.write_bytes(change(path.read_bytes()))

    def test_utf8_bom(self) -> None:
        files = self.copy_data()
        self.rewrite_all(files, lambda data: b"\xef\xbb\xbf" + data)
        self.assert_loads_like_clean(files)

    def test_crlf_line_endings(self) -> None:
        files = self.copy_data()
        self.rewrite_all(files, lambda data: data.replace(b"\n", b"\r\n"))
        self.assert_loads_like_clean(files)

    def test_trailing_blank_line(self) -> None:
        files = self.copy_data()
        self.rewrite_all(files, lambda data: data + b"\n")
        self.assert_loads_like_clean(files)

    def test_blank_line_between_rows(self) -> None:
        files = self.copy_data()
        records = files.records("reviews.csv")
        files.write("reviews.csv", records[:3] + [[]] + records[3:])
        self.assert_loads_like_clean(files)

    def test_every_field_quoted(self) -> None:
        files = self.copy_data()
        for path in sorted(files.dir.glob("*.csv")):
            files.write(path.name, files.records(path.name), quoting=csv.QUOTE_ALL)
        self.assert_loads_like_clean(files)

    def test_reordered_columns(self) -> None:
        """Columns are matched by name, so a file with its columns reversed loads the same."""
        files = self.copy_data()
        for path in sorted(files.dir.glob("*.csv")):
            files.map_columns(path.name, lambda r: r[::-1])
        self.assertEqual(files.records("users.csv")[0][0], "city")
        self.assert_loads_like_clean(files)

    def test_quoted_comma_and_newline(self) -> None:
        files = self.copy_data()
        title = 'Great, really\ngreat "value"'
        files.edit("reviews.csv", 1, title=title)
        self.assertIn(b'"Great, really\ngreat ""value"""', files.path("reviews.csv").read_bytes())
        reviews = list(self.baseline["reviews"])
        reviews[1] = reviews[1][:5] + (title,)
        self.assert_loads_like_clean(files, reviews=reviews)

    def test_header_only_reviews_is_an_empty_table(self) -> None:
        files = self.copy_data()
        files.write("reviews.csv", files.records("reviews.csv")[:1])
        self.assert_loads_like_clean(files, reviews=[])
        conn = sqlite3.connect(str(self.tmp / "unusual" / "ecommerce.db"))
        try:
            row_count = conn.execute("SELECT row_count FROM submission_meta "
                                     "WHERE file_name = 'reviews.csv'").fetchone()
        finally:
            conn.close()
        self.assertEqual(row_count, (0,))

    def test_unknown_csv_is_ignored_with_a_warning(self) -> None:
        files = self.copy_data()
        files.path("notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        outcome = self.assert_loads_like_clean(files)
        self.assertIn(f"ignoring {files.path('notes.csv')}: no table of that name in schema.sql",
                      outcome.stderr)


class RealProcess(_Fixture):
    """A few cases through a real interpreter: the exit status and stderr as a user sees them."""

    CASE_NAMES = ("check: order status", "file: unterminated quote", "file: bytes that are not UTF-8",
                  "file: missing", "business: order total is not the sum of its lines",
                  "file: data directory missing")

    def test_cases_in_a_subprocess(self) -> None:
        cases = {c.name: c for c in CASES}
        for name in self.CASE_NAMES:
            with self.subTest(name):
                files = self.copy_data()
                context = cases[name].mutate(files) or {}
                before = sha256(self.db)
                result = helpers.run_script(str(INGEST_SCRIPT), "--ingest", "--data-dir",
                                            str(files.dir), "--db", str(self.db), cwd=self.tmp)
                self.assertNotIn("Traceback", result.stderr)
                line = error_line(self, Outcome(result.returncode, result.stdout, result.stderr))
                for expected in cases[name].expected:
                    self.assertIn(expected.format(**context), line)
                self.assert_previous_database_kept(before)

    def test_unknown_csv_warning_in_a_subprocess(self) -> None:
        files = self.copy_data()
        files.path("extra.csv").write_text("x\n1\n", encoding="utf-8")
        result = helpers.run_script(str(INGEST_SCRIPT), "--ingest", "--data-dir", str(files.dir),
                                    "--db", str(self.tmp / "other" / "ecommerce.db"), cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ignoring", result.stderr)
        self.assertIn("extra.csv", result.stderr)
        self.assertIn("rows from 7 files", result.stdout)


if __name__ == "__main__":
    unittest.main()
