"""Issue 18: every documented filter and sort order of the API's lists is served by an index,
and the indexes added for them do not change how the library's queries run.

SQLite has no statistics here (the ingester runs no ANALYZE), so its plans do not depend on
the data's size: a plan proven on a small database is the plan at scale 100.
"""
from __future__ import annotations

import itertools
import re
import sqlite3
import unittest
from typing import Any

import helpers
from api.paging import list_query
from api.routes import ROUTES
from api.tables import RESOURCES, Resource
from db.checks import load_checks
from db.export.postgres import _index as postgres_index
from db.schema import load_schema
from db.schema_docs import parse_index
from queries.runner import list_queries
from utils.config import SCHEMA_PATH
from utils.errors import SchemaError

SCHEMA = load_schema(SCHEMA_PATH)
API_BLOCK = "-- Indexes for the API's lists"
API_INDEXES = set(re.findall(r"CREATE INDEX (\w+)",
                             SCHEMA_PATH.read_text(encoding="utf-8").split(API_BLOCK, 1)[1]))


def combinations(resource: Resource) -> list[tuple[Any, ...]]:
    """No filter, each filter, and each pair of filters of a resource."""
    return [(), *((f,) for f in resource.filters),
            *itertools.combinations(resource.filters, 2)]


class ApiPlans(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        _, db = helpers.small_database(helpers.temp_dir(cls.case), seed=4, scale=0.2)
        cls.conn = sqlite3.connect(db)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.conn.close()
        cls.case.doCleanups()

    def plan(self, sql: str, args: list[Any]) -> list[str]:
        return [row[3] for row in self.conn.execute("EXPLAIN QUERY PLAN " + sql, args)]

    def queries(self):
        """Every list's SQL for each filter combination, sort order, direction and cursor."""
        for name, resource in RESOURCES.items():
            params = {p.name: p for p in ROUTES[f"/api/{name}"].params}
            for filters, column, descending, paged in itertools.product(
                    combinations(resource), resource.sorts, (False, True), (False, True)):
                values = {"limit": 25, "offset": 0, "sort": (column, descending), "after": None}
                for f in filters:
                    values[f.param] = params[f.param].parse(f.example)
                if paged:
                    values["after"] = (5,) if column == resource.key else ("5", 5)
                yield resource, filters, column, list_query(resource, values)

    def test_every_page_walks_an_index_without_sorting(self) -> None:
        """No temporary sort, and no whole-table scan except in key order: only a key filter
        (a few rows per value, sorted in memory) or contains (LIKE '%x%' reads every row)
        may do either."""
        checked = 0
        for resource, filters, column, query in self.queries():
            plan = self.plan(query.page_sql, query.page_args)
            exempt = any(f.selective or f.op == "contains" for f in filters)
            with self.subTest(table=resource.name, filters=[f.param for f in filters],
                              sort=column, plan=plan):
                checked += 1
                if not exempt:
                    self.assertFalse([step for step in plan if "TEMP B-TREE" in step])
                    if column != resource.key:
                        self.assertFalse([step for step in plan if step.startswith("SCAN")
                                          and " INDEX " not in step])
        self.assertGreater(checked, 600)

    def test_a_cursor_is_an_index_range(self) -> None:
        cases = [(RESOURCES["orders"], {"status": "delivered", "sort": ("total_amount", True),
                                        "after": (5, 5)}, "idx_orders_status_total"),
                 (RESOURCES["users"], {"sort": ("last_name", False), "after": ("m", 5)},
                  "idx_users_last_name"),
                 (RESOURCES["orders"], {"sort": ("order_id", False), "after": (5,)},
                  "INTEGER PRIMARY KEY")]
        for resource, values, index in cases:
            with self.subTest(values=values):
                query = list_query(resource, {"limit": 25, "offset": 0, **values})
                (step,) = self.plan(query.page_sql, query.page_args)
                self.assertTrue(step.startswith(f"SEARCH {resource.name} USING"), step)
                self.assertIn(index, step)
                self.assertRegex(step, r"[<>]\?\)$")

    def test_counts_read_an_index_alone_or_the_table_once(self) -> None:
        """A total never walks an index with a table lookup per entry (2 s at scale 100),
        except through a key filter's few rows."""
        for resource, filters, _, query in self.queries():
            plan = self.plan(query.count_sql, query.count_args)
            with self.subTest(table=resource.name, filters=[f.param for f in filters], plan=plan):
                if not any(f.selective for f in filters):
                    self.assertFalse([s for s in plan if " USING INDEX " in s])

    def test_library_queries_do_not_search_through_the_api_indexes(self) -> None:
        """The API's indexes may only be read whole, as a narrower copy of a column (a
        covering scan); a query or check that searched one would have a new plan."""
        self.assertGreater(len(API_INDEXES), 15)
        statements = [(f"queries/{q.path.name}", q.sql, q.bind()) for q in list_queries()]
        statements += [(f"db/checks/{c.name}.sql", c.sql, {}) for c in load_checks()]
        for name, sql, params in statements:
            with self.subTest(statement=name):
                used = [step for step in self.plan(sql, params)
                        if set(re.findall(r"\w+", step)) & API_INDEXES]
                self.assertEqual([s for s in used if "USING COVERING INDEX" not in s
                                  or not s.startswith("SCAN")], [])

    def test_collated_index_columns_are_read_as_their_column(self) -> None:
        statements = [s for s in SCHEMA.indexes if "COLLATE" in s]
        self.assertGreater(len(statements), 5)
        for statement in statements:
            with self.subTest(statement=statement):
                index = parse_index(statement)
                self.assertTrue(set(index.columns) <= set(SCHEMA.tables[index.table].column_names))
                self.assertNotIn("COLLATE", postgres_index(statement))
        with self.assertRaises(SchemaError):
            parse_index("CREATE INDEX i ON orders (status DESC NULLS)")

    def test_every_sort_order_has_an_index(self) -> None:
        indexed = {tuple(r[2] for r in self.conn.execute(f"PRAGMA index_info({name})"))[:1]
                   for (name,) in self.conn.execute("SELECT name FROM sqlite_master "
                                                    "WHERE type = 'index'")}
        for resource in RESOURCES.values():
            for column in resource.sorts:
                with self.subTest(table=resource.name, sort=column):
                    self.assertTrue(column == resource.key or (column,) in indexed)


if __name__ == "__main__":
    unittest.main()
