"""docs/data_dictionary.md: generated from db/schema.sql, complete, and never stale."""
from __future__ import annotations

import contextlib
import io
import logging
import re
import unittest

import helpers
from db.dictionary.markdown import build_dictionary
from db.schema import load_schema
from db.schema_docs import read_schema_text
from utils.config import DICTIONARY_PATH, SCHEMA_PATH
from utils.errors import SchemaError

SCHEMA = load_schema(SCHEMA_PATH)


class CommittedDictionary(unittest.TestCase):
    def setUp(self) -> None:
        self.text = DICTIONARY_PATH.read_text(encoding="utf-8")

    def test_committed_file_is_what_the_generator_writes(self) -> None:
        """Stale docs are a bug: after editing db/schema.sql run project/generate_docs.py."""
        self.assertEqual(self.text, build_dictionary(SCHEMA_PATH),
                         "docs/data_dictionary.md is stale: run python project/generate_docs.py")

    def test_every_table_and_column_with_its_description(self) -> None:
        texts = read_schema_text(SCHEMA)
        for table in SCHEMA.tables.values():
            section = self.text.split(f"\n## {table.name}\n", 1)[1].split("\n## ", 1)[0]
            self.assertIn(texts[table.name].purpose, section)
            for col in table.columns:
                with self.subTest(table=table.name, column=col.name):
                    row = re.search(rf"^\| `{col.name}` \|.*$", section, re.MULTILINE).group()
                    self.assertIn(f"| {col.declared} |", row)
                    self.assertIn(texts[table.name].columns[col.name].description, row)
                    required = col.not_null or col.primary_key
                    self.assertIn("| NOT NULL |" if required else "| NULL |", row)

    def test_mermaid_diagram_names_every_table_and_relationship(self) -> None:
        block = re.search(r"```mermaid\nerDiagram\n(.*?)\n```", self.text, re.DOTALL).group(1)
        entities = re.findall(r"^    (\w+) \{$", block, re.MULTILINE)
        self.assertEqual(sorted(entities), sorted(SCHEMA.tables))
        links = set(re.findall(r"^    (\w+) \|[|o]--o\{ (\w+) : \"(\w+)\"$", block, re.MULTILINE))
        expected = {(fk.parent, t.name, fk.column) for t in SCHEMA.tables.values()
                    for fk in t.foreign_keys}
        self.assertEqual(links, expected)
        self.assertIn('categories |o--o{ categories : "parent_id"', block)  # optional parent

    def test_check_option_passes_on_the_committed_file(self) -> None:
        proc = helpers.run_script("project/generate_docs.py", "--check", cwd=helpers.ROOT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("up to date", proc.stdout)


class Generator(unittest.TestCase):
    def write_schema(self, text: str):
        path = helpers.temp_dir(self) / "schema.sql"
        path.write_text(text, encoding="utf-8")
        return path

    def test_check_fails_on_a_stale_or_missing_file_and_generation_fixes_it(self) -> None:
        module = helpers.load_script("generate_docs")
        root = logging.getLogger()  # main() configures logging; leave it as it was
        self.addCleanup(root.setLevel, root.level)
        self.addCleanup(setattr, root, "handlers", root.handlers[:])
        target = helpers.temp_dir(self) / "dictionary.md"
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            self.assertEqual(module.main(["--check", "--out", str(target)]), 1)
            self.assertEqual(module.main(["--out", str(target)]), 0)
            self.assertEqual(module.main(["--check", "--out", str(target)]), 0)
            target.write_text(target.read_text() + "edited by hand\n")
            self.assertEqual(module.main(["--check", "--out", str(target)]), 1)
        lines = err.getvalue().splitlines()
        self.assertRegex(lines[0], r"^generate_docs\.py: error: .*dictionary\.md is missing")
        self.assertRegex(lines[1], r"is out of date with db/schema\.sql; regenerate it with "
                                   r"python project/generate_docs\.py$")

    def test_comments_are_read_as_the_schema_conventions_say(self) -> None:
        path = self.write_schema(
            "-- a header\n\n-- table: Things, with a purpose\n-- that goes on.\n"
            "CREATE TABLE things (\n"
            "    id   INTEGER PRIMARY KEY,   -- the key\n"
            "    note TEXT CHECK (note <> '-- not a comment, (really)') -- a note\n"
            "              CHECK (length(note) < 9),\n"
            "    tag  TEXT  -- the tag\n"
            "         NOT NULL,\n"
            "    CHECK (tag <> note)\n);\n")
        text = read_schema_text(load_schema(path))["things"]
        self.assertEqual(text.purpose, "Things, with a purpose that goes on.")
        self.assertEqual({c.name: c.description for c in text.columns.values()},
                         {"id": "the key", "note": "a note", "tag": "the tag"})
        self.assertEqual(text.columns["note"].checks,
                         ("note <> '-- not a comment, (really)'", "length(note) < 9"))
        self.assertEqual(text.checks, ("tag <> note",))

    def test_an_undocumented_column_is_an_error(self) -> None:
        path = self.write_schema("-- table: T.\nCREATE TABLE t (\n"
                                 "    id INTEGER PRIMARY KEY, -- key\n    v TEXT\n);\n")
        with self.assertRaisesRegex(SchemaError, r"column t\.v has no '-- description' comment"):
            build_dictionary(path)
        path = self.write_schema("CREATE TABLE t (id INTEGER PRIMARY KEY -- key\n);\n")
        with self.assertRaisesRegex(SchemaError, "table t has no '-- table: <purpose>' comment"):
            build_dictionary(path)


if __name__ == "__main__":
    unittest.main()
