"""Seeded random mutations of a small valid dataset (issue 8).

Each run must end in one of two ways: success, with tables that equal a strict, independent
re-read of the mutated CSVs; or one clean error line, with the previous database byte-identical
and no temporary file left. Never a traceback, never a partial database. Each case has its own
seed derived from BASE_SEED; a failure names it, and ECOMKIT_MUTATION_CASE=<n> replays only it.
"""
from __future__ import annotations

import csv
import io
import os
import random
import re
import shutil
import sqlite3
import traceback
import unittest
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable

import helpers
from db.checks import load_checks, run_check
from db.schema import Column, Table
from test_ingest_errors import ERROR_PREFIX, SCHEMA, run_ingest, sha256, temp_files
from utils.fileio import sha256_file

BASE_SEED = "ingest-mutation-1"
MUTATIONS = 300
REPLAY_ENV = "ECOMKIT_MUTATION_CASE"
SCALE = 0.02                       # about 450 rows: an ingest takes a few milliseconds

FILES = tuple(t.csv_name for t in SCHEMA.data_tables)
SPECIAL = (b'"', b",", b"\n", b"\r\n", b"\r", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf",
           b" ", b'""', b"-", b".", b"0", b"9", b":", b"e", b"@")
_LINE = re.compile(r" line (\d+)")
_WHERE = re.compile(r"(\w+\.csv) line (\d+), column (\w+): (.*)$")


# ---------------------------------------------------------------------------------------------
# Mutations. Only Random.random() is used, so a seed replays the same case on any Python.


def _below(rng: random.Random, n: int) -> int:
    return min(int(rng.random() * n), n - 1) if n > 0 else 0


def _choice(rng: random.Random, items):
    return items[_below(rng, len(items))]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_byte(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = _below(rng, len(data))
    new = _choice(rng, SPECIAL)[:1] if rng.random() < 0.6 else bytes([_below(rng, 256)])
    return data[:at] + new + data[at + 1:], f"byte {at} -> {new!r}"


def insert_special(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at, new = _below(rng, len(data) + 1), _choice(rng, SPECIAL)
    return data[:at] + new + data[at:], f"insert {new!r} at {at}"


def delete_span(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at, size = _below(rng, len(data)), 1 + _below(rng, 8)
    return data[:at] + data[at + size:], f"delete {size} bytes at {at}"


def duplicate_span(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at, size = _below(rng, len(data)), 1 + _below(rng, 20)
    return data[:at + size] + data[at:at + size] + data[at + size:], f"repeat {size} bytes at {at}"


def drop_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    k = _below(rng, len(lines))
    return b"\n".join(lines[:k] + lines[k + 1:]), f"drop line {k + 1}"


def duplicate_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    k = _below(rng, len(lines))
    to = _below(rng, len(lines) + 1)
    return b"\n".join(lines[:to] + [lines[k]] + lines[to:]), f"copy line {k + 1} to {to + 1}"


def swap_lines(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    i, j = _below(rng, len(lines)), _below(rng, len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines), f"swap lines {i + 1} and {j + 1}"


def swap_fields(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    k = _below(rng, len(lines))
    fields = lines[k].split(b",")
    i, j = _below(rng, len(fields)), _below(rng, len(fields))
    fields[i], fields[j] = fields[j], fields[i]
    lines[k] = b",".join(fields)
    return b"\n".join(lines), f"line {k + 1}: swap fields {i + 1} and {j + 1}"


def empty_field(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    k = _below(rng, len(lines))
    fields = lines[k].split(b",")
    i = _below(rng, len(fields))
    fields[i] = b""
    lines[k] = b",".join(fields)
    return b"\n".join(lines), f"line {k + 1}: empty field {i + 1}"


def change_number(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    numbers = list(re.finditer(rb"[0-9]+", data))
    if not numbers:
        return insert_special(data, rng)
    match = _choice(rng, numbers)
    old = int(match.group())
    new = _choice(rng, (
        str(old + 1), str(max(old - 1, 0)), "0", str(_below(rng, 10)), str(_below(rng, 10 ** 6)),
        "-" + match.group().decode(), match.group().decode() + "5", "0" + match.group().decode(),
        str(old * 10), "99999999999999999999",
    )).encode()
    return (data[:match.start()] + new + data[match.end():],
            f"number {match.group()!r} at {match.start()} -> {new!r}")


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = _below(rng, len(data) + 1)
    return data[:at], f"truncate at {at} of {len(data)}"


OPERATORS: tuple[Callable[[bytes, random.Random], tuple[bytes, str]], ...] = (
    flip_byte, insert_special, delete_span, duplicate_span, drop_line, duplicate_line,
    swap_lines, swap_fields, empty_field, change_number, change_number, truncate,
)


def mutate(pristine: dict[str, bytes], rng: random.Random) -> tuple[str, bytes, str]:
    """One file, one to three operators: (file name, new bytes, what was done)."""
    name = _choice(rng, FILES)
    data, done = pristine[name], []
    count = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.67 else 3
    for _ in range(count):
        operator = _choice(rng, OPERATORS)
        data, what = operator(data, rng)
        done.append(f"{operator.__name__}: {what}")
    return name, data, f"{name}: " + "; ".join(done)


# ---------------------------------------------------------------------------------------------
# The oracle: a strict re-read of the CSVs that shares no conversion code with db/ingest/.


class Rejected(Exception):
    """The oracle would not accept this file; ingest must not have either."""


def _strict_value(column: Column, text: str) -> object:
    if text == "":
        if column.not_null or column.primary_key:  # a key is never invented for a row
            raise Rejected(f"{column.name}: empty")
        return None
    if "\x00" in text:
        raise Rejected(f"{column.name}: NUL")
    if column.declared == "INTEGER":
        if not re.fullmatch(r"-?[0-9]+", text):
            raise Rejected(f"{column.name}: not an integer: {text!r}")
        return int(text)
    if column.declared.startswith("DECIMAL"):
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,%d})?" % column.decimals, text):
            raise Rejected(f"{column.name}: not a decimal: {text!r}")
        return Decimal(text)
    if column.declared == "TIMESTAMP":
        try:
            parsed = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise Rejected(f"{column.name}: not a timestamp: {text!r}") from None
        if parsed.strftime("%Y-%m-%d %H:%M:%S") != text:
            raise Rejected(f"{column.name}: not canonical: {text!r}")
        return text
    return text


def strict_rows(path: Path, table: Table) -> list[tuple]:
    """The table's rows as the CSV states them, in key order; Rejected if it is not valid."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(f"not UTF-8: {exc}") from None
    text = text[1:] if text.startswith("\ufeff") else text
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if r]
    except csv.Error as exc:
        raise Rejected(f"csv: {exc}") from None
    if not records or sorted(records[0]) != sorted(table.column_names) \
            or len(set(records[0])) != len(records[0]):
        raise Rejected("header")
    positions = [records[0].index(c.name) for c in table.columns]
    rows = []
    for fields in records[1:]:
        if len(fields) != len(records[0]):
            raise Rejected("field count")
        rows.append(tuple(_strict_value(c, fields[p]) for c, p in zip(table.columns, positions)))
    return sorted(rows, key=lambda row: row[0])


def records_by_line(path: Path) -> tuple[list[str], dict[int, list[str]]] | None:
    """The header and each record keyed by its first physical line; None if unreadable."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    reader = csv.reader(io.StringIO(text[1:] if text.startswith("\ufeff") else text, newline=""),
                        strict=True)
    try:
        header, records, end = next(reader, []), {}, reader.line_num
        for fields in reader:
            records[end + 1], end = fields, reader.line_num
    except csv.Error:
        return None
    return header, records


def _same_key(a: str, b: str) -> bool:
    return a == b or (re.fullmatch(r"-?[0-9]+", a) is not None
                      and re.fullmatch(r"-?[0-9]+", b) is not None and int(a) == int(b))


def database_rows(conn: sqlite3.Connection, table: Table) -> list[tuple]:
    """The table as stored, decimals read back exactly (repr of the stored float or integer)."""
    decimal = [c.declared.startswith("DECIMAL") for c in table.columns]
    return [tuple(Decimal(repr(v)) if d and v is not None else v for d, v in zip(decimal, row))
            for row in conn.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')]


# ---------------------------------------------------------------------------------------------


class RandomMutations(unittest.TestCase):
    """300 seeded mutations of a 0.02-scale dataset: success that round-trips, or a clean error."""

    def setUp(self) -> None:
        tmp = helpers.temp_dir(self).resolve()
        clean, self.db = helpers.small_database(tmp, scale=SCALE)
        self.work = tmp / "work"
        shutil.copytree(clean, self.work)
        self.pristine = {name: (clean / name).read_bytes() for name in FILES}
        self.checks = load_checks()

    def test_every_mutation_loads_exactly_or_fails_cleanly(self) -> None:
        replay = os.environ.get(REPLAY_ENV)
        numbers = [int(replay)] if replay else range(MUTATIONS)
        outcomes = {"loaded": 0, "refused": 0}
        for number in numbers:
            seed = f"{BASE_SEED}:{number}"
            name, data, what = mutate(self.pristine, random.Random(seed))
            label = f"mutation {number} (seed {seed!r}; {what}; replay with {REPLAY_ENV}={number})"
            with self.subTest(mutation=number, seed=seed):
                (self.work / name).write_bytes(data)
                try:
                    outcomes[self.run_one(name, label)] += 1
                finally:
                    (self.work / name).write_bytes(self.pristine[name])
        if not replay:  # both paths must have been exercised, or the test proves little
            self.assertGreaterEqual(outcomes["loaded"], 20, outcomes)
            self.assertGreaterEqual(outcomes["refused"], 150, outcomes)

    def run_one(self, name: str, label: str) -> str:
        before = sha256(self.db)
        try:
            outcome = run_ingest(self.work, self.db)
        except Exception:  # noqa: BLE001 - anything but a KitError escaping main() is the bug
            self.fail(f"{label}: an exception escaped main():\n{traceback.format_exc()}")
        self.assertEqual(temp_files(self.db), [], f"{label}: a temporary file was left")
        if outcome.code == 0:
            self.assert_round_trip(label)
            return "loaded"
        self.assertEqual(outcome.code, 1, f"{label}: {outcome.stderr}")
        self.assertEqual(outcome.stdout, "", label)
        lines = outcome.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{label}: expected one line on stderr:\n{outcome.stderr}")
        message = lines[0]
        self.assertTrue(message.startswith(ERROR_PREFIX), f"{label}: {message}")
        self.assertTrue(message[len(ERROR_PREFIX):].startswith(FILES), f"{label}: {message}")
        reported = _LINE.search(message)
        if reported:
            physical = (self.work / message[len(ERROR_PREFIX):].split(" ")[0].rstrip(":")) \
                .read_bytes().count(b"\n") + 1
            self.assertTrue(1 <= int(reported.group(1)) <= physical,
                            f"{label}: line out of range (file has {physical}): {message}")
        self.assert_message_matches_file(message, label)
        self.assertEqual(sha256(self.db), before, f"{label}: the previous database changed")
        return "refused"

    def assert_message_matches_file(self, message: str, label: str) -> None:
        """An error naming a line and column points at a record whose value fits the message."""
        match = _WHERE.match(message[len(ERROR_PREFIX):])
        parsed = records_by_line(self.work / match.group(1)) if match else None
        if not parsed:
            return
        header, records = parsed
        line, column, problem = int(match.group(2)), match.group(3), match.group(4)
        self.assertIn(line, records, f"{label}: no record starts on the reported line: {message}")
        self.assertIn(column, header, f"{label}: {message}")
        self.assertEqual(len(records[line]), len(header), f"{label}: {message}")
        value = records[line][header.index(column)]
        if problem.startswith("duplicate "):
            earlier = [r[header.index(column)] for n, r in records.items()
                       if n < line and len(r) == len(header)]  # not blank lines
            self.assertTrue(any(_same_key(value, e) for e in earlier),
                            f"{label}: {value!r} is not a duplicate of an earlier row: {message}")
        elif problem.startswith("empty value"):
            self.assertEqual(value, "", f"{label}: {message}")
        elif problem.startswith("contains a NUL"):
            self.assertIn("\x00", value, f"{label}: {message}")
        elif problem.startswith("expected ") and len(value) <= 40:
            self.assertTrue(problem.endswith(f"got {value!r}"), f"{label}: {message}")
        elif "does not match any" in problem or problem.startswith("violates CHECK"):
            self.assertNotEqual(value, "", f"{label}: {message}")

    def assert_round_trip(self, label: str) -> None:
        """The loaded tables are exactly what a strict re-read of the CSVs says, and valid."""
        conn = sqlite3.connect(f"{self.db.as_uri()}?mode=ro", uri=True)
        try:
            for table in SCHEMA.data_tables:
                path = self.work / table.csv_name
                try:
                    expected = strict_rows(path, table)
                except Rejected as exc:
                    self.fail(f"{label}: ingest accepted {table.csv_name}, which the strict "
                              f"re-read rejects: {exc}")
                self.assertEqual(database_rows(conn, table), expected,
                                 f"{label}: {table.name} does not match its CSV")
                meta = conn.execute("SELECT sha256, row_count FROM submission_meta "
                                    "WHERE file_name = ?", (table.csv_name,)).fetchone()
                self.assertEqual(meta, (sha256_file(path), len(expected)), label)
            self.assertEqual(conn.execute("PRAGMA foreign_key_check").fetchall(), [], label)
            for check in self.checks:
                self.assertTrue(run_check(conn, check).passed, f"{label}: {check.name} fails")
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
