"""db/schema.sql as SQLite reports it: load order, types, keys, indexes, comments."""
from __future__ import annotations

import re
import unittest

import helpers
from db.schema import load_schema
from utils.config import META_TABLE, SCHEMA_PATH
from utils.errors import SchemaError


class SchemaIntrospection(unittest.TestCase):
    def setUp(self) -> None:
        self.schema = load_schema(SCHEMA_PATH)

    def test_tables_and_load_order_follow_foreign_keys(self) -> None:
        order = list(self.schema.tables)
        self.assertEqual(sorted(order), sorted(["categories", "users", "products", "orders",
                                                "order_items", "payments", "reviews", META_TABLE]))
        for table in self.schema.tables.values():
            for fk in table.foreign_keys:
                if fk.parent != table.name:
                    self.assertLess(order.index(fk.parent), order.index(table.name),
                                    f"{fk.parent} must load before {table.name}")
        self.assertNotIn(META_TABLE, [t.name for t in self.schema.data_tables])

    def test_declared_types_drive_conversion(self) -> None:
        columns = {(t.name, c.name): c for t in self.schema.tables.values() for c in t.columns}
        self.assertEqual(columns[("products", "price")].kind, "decimal")
        self.assertEqual(columns[("products", "price")].decimals, 2)
        self.assertEqual(columns[("orders", "order_date")].kind, "timestamp")
        self.assertEqual(columns[("orders", "user_id")].kind, "integer")
        self.assertEqual(columns[("users", "email")].kind, "text")
        self.assertFalse(columns[("categories", "parent_id")].not_null)
        self.assertTrue(columns[("users", "email")].not_null)

    def test_foreign_keys_as_specified(self) -> None:
        fks = {(t.name, fk.column): fk.parent for t in self.schema.tables.values()
               for fk in t.foreign_keys}
        self.assertEqual(fks, {
            ("categories", "parent_id"): "categories", ("products", "category_id"): "categories",
            ("orders", "user_id"): "users", ("order_items", "order_id"): "orders",
            ("order_items", "product_id"): "products", ("payments", "order_id"): "orders",
            ("reviews", "product_id"): "products", ("reviews", "user_id"): "users"})

    def test_every_foreign_key_column_leads_an_index(self) -> None:
        indexed = {re.search(r"ON (\w+) \((\w+)", sql).groups() for sql in self.schema.indexes}
        for table in self.schema.tables.values():
            for fk in table.foreign_keys:
                self.assertIn((table.name, fk.column), indexed)

    def test_indexes_are_created_after_the_load(self) -> None:
        self.assertNotIn("CREATE INDEX", self.schema.table_sql())
        self.assertEqual(len(self.schema.indexes), self.schema.sql.count("CREATE INDEX"))

    def test_every_column_and_table_is_documented(self) -> None:
        """The data dictionary is generated from these comments, so none may be missing."""
        text = SCHEMA_PATH.read_text(encoding="utf-8")
        for table in self.schema.tables.values():
            self.assertRegex(text, rf"-- table: .+\nCREATE TABLE {table.name} \(")
            body = text.split(f"CREATE TABLE {table.name} (", 1)[1].split("\n);", 1)[0]
            for column in table.columns:
                self.assertRegex(body, rf"(?s)\b{column.name}\b[^\n]*(\n[^\n]*)?--", column.name)


class LoadOrder(unittest.TestCase):
    def write(self, sql: str):
        path = helpers.temp_dir(self) / "schema.sql"
        path.write_text(sql, encoding="utf-8")
        return path

    def test_cycle_is_an_error(self) -> None:
        path = self.write("CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));\n"
                          "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n")
        with self.assertRaisesRegex(SchemaError, "cycle between tables: a, b"):
            load_schema(path)

    def test_unknown_parent_is_an_error(self) -> None:
        path = self.write("CREATE TABLE a (id INTEGER PRIMARY KEY, x INTEGER REFERENCES nowhere (id));\n")
        with self.assertRaisesRegex(SchemaError, "references unknown table nowhere"):
            load_schema(path)

    def test_syntax_error_names_the_file(self) -> None:
        path = self.write("CREATE TABLE (;\n")
        with self.assertRaisesRegex(SchemaError, r"schema\.sql: .*syntax error"):
            load_schema(path)

    def test_order_is_topological_with_name_ties(self) -> None:
        path = self.write("CREATE TABLE z (id INTEGER PRIMARY KEY);\n"
                          "CREATE TABLE m (id INTEGER PRIMARY KEY, z INTEGER REFERENCES z (id),"
                          " me INTEGER REFERENCES m (id));\n"
                          "CREATE TABLE a (id INTEGER PRIMARY KEY, m INTEGER REFERENCES m (id));\n"
                          "CREATE TABLE b (id INTEGER PRIMARY KEY);\n")
        self.assertEqual(list(load_schema(path).tables), ["b", "z", "m", "a"])


if __name__ == "__main__":
    unittest.main()
