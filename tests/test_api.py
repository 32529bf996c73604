"""The read-only JSON API, served for real on an ephemeral port over a small generated dataset.

Answers are checked against SQL written here, independently of api/: lists with paging,
sorting and filters, single rows, the analytics queries, every error status, injection
attempts, ETags, the read-only guarantee, the OpenAPI document both ways, the docs page,
health (also when a CSV is edited) and 503 without a database.
"""
from __future__ import annotations

import http.client
import os
import shutil
import sqlite3
import tempfile
import threading
import unittest
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import api_helpers
import helpers
from api.routes import ROUTES
from db.schema import load_schema
from db.connect import connect_readonly
from queries.runner import load_query, run_query, write_result
from utils.config import SCHEMA_PATH
from utils.fileio import sha256_file, to_json

SCHEMA = load_schema(SCHEMA_PATH)
JSON = "application/json; charset=utf-8"
INJECTION = "' OR 1=1 --"


class ApiCase(unittest.TestCase):
    """One server for the class over one small dataset; the tests here only read."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.work = Path(tempfile.mkdtemp(prefix="ecomkit-api-"))
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.data_dir, cls.db_path = helpers.small_database(cls.work)
        cls.root = api_helpers.site(cls.work)
        cls.server = api_helpers.start(cls.root, db_path=cls.db_path, data_dir=cls.data_dir)
        cls.addClassCleanup(cls.server.stop)
        cls.port = cls.server.server_address[1]
        cls.conn = sqlite3.connect(f"{cls.db_path.resolve().as_uri()}?mode=ro", uri=True)
        cls.addClassCleanup(cls.conn.close)

    def get(self, path: str, **options: Any) -> api_helpers.Reply:
        return api_helpers.request(self.port, path, **options)

    def ok(self, path: str) -> Any:
        reply = self.get(path)
        self.assertEqual(reply.status, 200, f"{path}: {reply.body[:300]!r}")
        self.assertEqual(reply.headers["Content-Type"], JSON, path)
        return reply.json()

    def rows(self, table: str, where: str = "", args: tuple = (), order: str = "") -> list[dict]:
        """Rows as the API must show them: money exact to the cent, times ISO 8601 with T."""
        columns = SCHEMA.tables[table].columns
        select = [f'CAST(round("{c.name}" * 100) AS INTEGER)' if c.kind == "decimal" else
                  f"""strftime('%Y-%m-%dT%H:%M:%S', "{c.name}")""" if c.kind == "timestamp" else
                  f'"{c.name}"' for c in columns]
        sql = (f"SELECT {', '.join(select)} FROM {table}{' WHERE ' + where if where else ''} "
               f"ORDER BY {order or SCHEMA.tables[table].primary_key}")
        return [{c.name: Decimal(v).scaleb(-2) if c.kind == "decimal" and v is not None else v
                 for c, v in zip(columns, row)} for row in self.conn.execute(sql, args)]

    def scalar(self, sql: str, args: tuple = ()) -> Any:
        return self.conn.execute(sql, args).fetchone()[0]

    def assert_money_has_two_decimals(self, table: str, items: list[dict]) -> None:
        for column in (c.name for c in SCHEMA.tables[table].columns if c.kind == "decimal"):
            for item in items:
                self.assertEqual(item[column].as_tuple().exponent, -2, (table, column, item))


class ListTest(ApiCase):

    def test_default_page_is_the_first_fifty_by_key(self) -> None:
        for table in ("users", "products", "orders", "payments", "reviews", "categories"):
            with self.subTest(table=table):
                page = self.ok(f"/api/{table}")
                expected = self.rows(table)
                self.assertEqual(list(page), ["items", "total", "limit", "offset", "next"])
                self.assertEqual(page["items"], expected[:50])
                self.assertEqual((page["total"], page["limit"], page["offset"]), (len(expected), 50, 0))
                self.assertEqual(page["next"], f"/api/{table}?offset=50" if len(expected) > 50 else None)
                self.assert_money_has_two_decimals(table, page["items"])

    def test_paging_by_next_links_visits_every_row_once(self) -> None:
        for table, query in (("users", "sort=-country&limit=7"), ("orders", "status=delivered&limit=40"),
                             ("products", "limit=9&sort=price")):
            with self.subTest(table=table):
                url, seen, offsets = f"/api/{table}?{query}", [], []
                while url:
                    page = self.ok(url)
                    offsets.append(page["offset"])
                    self.assertLessEqual(len(page["items"]), page["limit"])
                    seen.extend(page["items"])
                    url = page["next"]
                    self.assertLess(len(offsets), 100)
                total = page["total"]
                self.assertEqual(len(seen), total)
                self.assertEqual(offsets, list(range(0, total, page["limit"])) or [0])
                keys = [row[SCHEMA.tables[table].primary_key] for row in seen]
                self.assertEqual(len(set(keys)), len(keys), "a row appeared on two pages")

    def test_every_column_sorts_both_ways_with_ties_broken_by_key(self) -> None:
        for table in ("users", "products", "orders", "payments", "reviews", "categories"):
            key = SCHEMA.tables[table].primary_key
            for column in SCHEMA.tables[table].column_names:
                for sign, direction in (("", "ASC"), ("-", "DESC")):
                    with self.subTest(table=table, sort=sign + column):
                        page = self.ok(f"/api/{table}?sort={sign}{column}&limit=500")
                        order = f'"{column}" {direction}' + (f", {key}" if column != key else "")
                        self.assertEqual(page["items"], self.rows(table, order=order))

    def test_filters_match_sql_written_here(self) -> None:
        email = self.scalar("SELECT email FROM users WHERE user_id = 5")
        name = self.scalar("SELECT name FROM products WHERE product_id = 3")
        category = self.scalar("SELECT category_id FROM products WHERE product_id = 3")
        buyer = self.scalar("SELECT user_id FROM orders GROUP BY user_id ORDER BY count(*) DESC, 1")
        order = self.scalar("SELECT order_id FROM payments GROUP BY order_id ORDER BY count(*) DESC, 1")
        product = self.scalar("SELECT product_id FROM reviews GROUP BY 1 ORDER BY count(*) DESC, 1")
        country = self.scalar("SELECT country FROM users GROUP BY 1 ORDER BY count(*) DESC, 1")
        cases = [
            ("users", {"country": country}, "country = ?", (country,)),
            ("users", {"signup_from": "2024-01-01", "signup_to": "2024-06-30"},
             "date(signup_date) BETWEEN ? AND ?", ("2024-01-01", "2024-06-30")),
            ("users", {"email": email.upper()}, "lower(email) = lower(?)", (email,)),
            ("products", {"category_id": category}, "category_id = ?", (category,)),
            ("products", {"min_price": "20", "max_price": "99.99"},
             "round(price * 100) BETWEEN 2000 AND 9999", ()),
            ("products", {"q": name.split()[-1].lower()}, "instr(lower(name), lower(?)) > 0",
             (name.split()[-1],)),
            ("products", {"q": "%"}, "instr(name, '%') > 0", ()),
            ("products", {"q": "_"}, "instr(name, '_') > 0", ()),
            ("orders", {"user_id": buyer}, "user_id = ?", (buyer,)),
            ("orders", {"status": "delivered", "min_total": "150.5"},
             "status = 'delivered' AND round(total_amount * 100) >= 15050", ()),
            ("orders", {"from": "2024-02-01", "to": "2024-03-31"},
             "date(order_date) BETWEEN '2024-02-01' AND '2024-03-31'", ()),
            ("payments", {"order_id": order}, "order_id = ?", (order,)),
            ("payments", {"method": "card", "status": "completed"},
             "payment_method = 'card' AND status = 'completed'", ()),
            ("reviews", {"product_id": product, "rating": 5}, "product_id = ? AND rating = 5", (product,)),
            ("categories", {"parent_id": 1}, "parent_id = 1", ()),
        ]
        for table, params, where, args in cases:
            with self.subTest(table=table, params=params):
                expected = self.rows(table, where, args)
                page = self.ok(f"/api/{table}?{urlencode({**params, 'limit': 500})}")
                self.assertEqual(page["items"], expected)
                self.assertEqual(page["total"], len(expected))
        self.assertTrue(self.rows("users", "lower(email) = lower(?)", (email,)), "fixture")
        self.assertTrue(self.rows("orders", "user_id = ?", (buyer,)), "fixture")

    def test_a_filter_keeps_its_place_in_the_next_link(self) -> None:
        page = self.ok("/api/orders?status=delivered&limit=10&sort=-order_date")
        self.assertEqual(page["next"], "/api/orders?status=delivered&limit=10&sort=-order_date&offset=10")
        later = self.ok(page["next"])
        self.assertEqual(later["items"], self.rows("orders", "status = 'delivered'",
                                                   order="order_date DESC, order_id")[10:20])

    def test_offset_past_the_end_is_an_empty_last_page(self) -> None:
        page = self.ok("/api/users?offset=100000")
        self.assertEqual((page["items"], page["next"], page["total"]), ([], None, 100))


class DetailTest(ApiCase):

    def test_single_rows(self) -> None:
        for table, noun in (("users", "user"), ("products", "product")):
            key = SCHEMA.tables[table].primary_key
            for id_ in (1, self.scalar(f"SELECT max({key}) FROM {table}")):
                with self.subTest(table=table, id=id_):
                    self.assertEqual(self.ok(f"/api/{table}/{id_}"),
                                     self.rows(table, f"{key} = ?", (id_,))[0])
            missing = self.get(f"/api/{table}/999999")
            self.assertEqual((missing.status, missing.error["code"]), (404, "not_found"))
            self.assertIn(f"no {noun} with {key} 999999", missing.error["message"])

    def test_an_order_embeds_its_items_and_payments(self) -> None:
        order_id = self.scalar("SELECT order_id FROM payments GROUP BY 1 ORDER BY count(*) DESC, 1")
        order = self.ok(f"/api/orders/{order_id}")
        columns = list(SCHEMA.tables["orders"].column_names)
        self.assertEqual(list(order)[:len(columns)], columns)
        self.assertEqual({k: order[k] for k in SCHEMA.tables["orders"].column_names},
                         self.rows("orders", "order_id = ?", (order_id,))[0])
        items = self.rows("order_items", "order_id = ?", (order_id,))
        names = dict(self.conn.execute("SELECT product_id, name FROM products"))
        self.assertEqual(order["items"], [{**i, "product_name": names[i["product_id"]]} for i in items])
        self.assertEqual(order["payments"], self.rows("payments", "order_id = ?", (order_id,)))
        self.assertGreater(len(order["payments"]), 1, "fixture: an order with several attempts")
        self.assertEqual(sum(i["line_total"] for i in order["items"]), order["total_amount"])

    def test_a_user_s_orders_are_a_list(self) -> None:
        buyer = self.scalar("SELECT user_id FROM orders GROUP BY 1 ORDER BY count(*) DESC, 1")
        page = self.ok(f"/api/users/{buyer}/orders?limit=2&sort=-total_amount")
        expected = self.rows("orders", "user_id = ?", (buyer,), "total_amount DESC, order_id")
        self.assertEqual((page["items"], page["total"]), (expected[:2], len(expected)))
        self.assertEqual(page["next"], f"/api/users/{buyer}/orders?limit=2&sort=-total_amount&offset=2")
        never = self.scalar("SELECT user_id FROM users WHERE user_id NOT IN (SELECT user_id FROM orders)")
        self.assertEqual(self.ok(f"/api/users/{never}/orders")["items"], [])
        missing = self.get("/api/users/999999/orders")
        self.assertEqual(missing.status, 404)
        self.assertEqual(self.get(f"/api/users/{buyer}/orders?user_id=1").status, 400)


class AnalyticsTest(ApiCase):
    """Each endpoint is its named query, run by the same runner the report uses."""

    def expected(self, name: str, **params: Any) -> bytes:
        conn = connect_readonly(self.db_path)
        try:
            return to_json(run_query(conn, load_query(name), params).as_json()).encode()
        finally:
            conn.close()

    def test_each_endpoint_is_its_query(self) -> None:
        cases = {
            "/api/analytics/revenue/daily": ("revenue_daily", {}),
            "/api/analytics/revenue/daily?from=2024-03-01&to=2024-03-31":
                ("revenue_daily", {"from": "2024-03-01", "to": "2024-03-31"}),
            "/api/analytics/revenue/daily?to=2023-06-30": ("revenue_daily", {"to": "2023-06-30"}),
            "/api/analytics/revenue/monthly": ("revenue_monthly", {}),
            "/api/analytics/top-customers": ("top_customers", {}),
            "/api/analytics/top-customers?limit=3": ("top_customers", {"limit": 3}),
            "/api/analytics/top-products?limit=4&by=units": ("top_products", {"limit": 4, "by": "units"}),
            "/api/analytics/top-products": ("top_products", {}),
        }
        for path, (name, params) in cases.items():
            with self.subTest(path=path):
                reply = self.get(path)
                self.assertEqual((reply.status, reply.body), (200, self.expected(name, **params)))
        daily = self.ok("/api/analytics/revenue/daily?from=2024-03-01&to=2024-03-31")["rows"]
        self.assertTrue(daily and all("2024-03-01" <= r["day"] <= "2024-03-31" for r in daily))

    def test_cohort_clv_is_query_result_json(self) -> None:
        conn = connect_readonly(self.db_path)
        self.addCleanup(conn.close)
        out = helpers.temp_dir(self)
        write_result(run_query(conn, load_query("join_query")), out, "query_result")
        reply = self.get("/api/analytics/cohort-clv")
        self.assertEqual(reply.body, (out / "query_result.json").read_bytes())

    def test_summary(self) -> None:
        summary = self.ok("/api/orders/stats/summary")
        revenue_cents = self.scalar("SELECT sum(round(total_amount * 100)) FROM orders "
                                    "WHERE status IN ('paid', 'shipped', 'delivered')")
        self.assertEqual(summary["revenue"], Decimal(int(revenue_cents)).scaleb(-2))
        self.assertEqual(summary["all_orders"], self.scalar("SELECT count(*) FROM orders"))
        self.assertEqual(summary["customers"], self.scalar(
            "SELECT count(DISTINCT user_id) FROM orders WHERE status IN ('paid', 'shipped', 'delivered')"))
        by_status = {r["status"]: r["orders"] for r in summary["by_status"]}
        self.assertEqual(by_status, dict(self.conn.execute("SELECT status, count(*) FROM orders GROUP BY 1")))
        self.assertEqual(summary["avg_order_value"].as_tuple().exponent, -2)

    def test_analytics_parameters_are_checked(self) -> None:
        for path, name in (("/api/analytics/top-products?by=price", "by"),
                           ("/api/analytics/top-products?limit=0", "limit"),
                           ("/api/analytics/top-customers?limit=501", "limit"),
                           ("/api/analytics/revenue/daily?from=2024-02-30", "from"),
                           ("/api/analytics/revenue/daily?from=2024-04-01&to=2024-03-01", "from"),
                           ("/api/analytics/revenue/monthly?limit=3", "limit")):
            with self.subTest(path=path):
                reply = self.get(path)
                self.assertEqual((reply.status, reply.error["code"]), (400, "bad_parameter"))
                self.assertIn(name, reply.error["message"])


class ErrorTest(ApiCase):

    def assert_error(self, path: str, status: int, code: str, names: str = "",
                     method: str = "GET") -> api_helpers.Reply:
        reply = self.get(path, method=method)
        self.assertEqual(reply.status, status, f"{method} {path}: {reply.body[:200]!r}")
        self.assertEqual(reply.headers["Content-Type"], JSON, path)
        self.assertEqual(list(reply.json()), ["error"])
        self.assertEqual(reply.error["code"], code, path)
        self.assertIn(names, reply.error["message"], path)
        self.assertNotIn(b"Traceback", reply.body)
        return reply

    def test_bad_parameters_are_400_naming_the_parameter(self) -> None:
        cases = {
            "/api/users/abc": "id", "/api/users/1.5": "id", "/api/users/%2B1": "id",
            "/api/users/99999999999999999999": "id", "/api/orders/-": "id",
            "/api/users?limit=0": "limit", "/api/users?limit=501": "limit",
            "/api/users?limit=ten": "limit", "/api/users?limit=1e3": "limit",
            "/api/users?limit=%EF%BC%95": "limit",      # a full-width digit five: not ASCII
            "/api/users?offset=-1": "offset", "/api/users?offset=99999999999999999999": "offset",
            "/api/users?sort=password": "sort", "/api/users?sort=--user_id": "sort",
            "/api/users?sort=user_id%3B%20DROP%20TABLE%20users": "sort",
            "/api/users?signup_from=2024-02-30": "signup_from", "/api/users?signup_to=2024-1-1": "signup_to",
            "/api/orders?from=yesterday": "from", "/api/orders?status=lost": "status",
            "/api/orders?min_total=1.234": "min_total", "/api/products?max_price=-5": "max_price",
            "/api/products?category_id=x": "category_id", "/api/reviews?rating=6": "rating",
            "/api/payments?method=cash": "method", "/api/users?bogus=1": "bogus",
            "/api/users?limit=5&limit=6": "limit", "/api/users?q=lamp": "q",
            "/api/users?country=%FF": "UTF-8", "/api/health?verbose=1": "verbose",
            "/api/users?" + "&".join(f"x{i}=1" for i in range(60)): "more than",
            "/api/users?country=" + "x" * 201: "country",
        }
        for path, name in cases.items():
            with self.subTest(path=path[:80]):
                self.assert_error(path, 400, "bad_parameter", name)

    def test_unknown_ids_and_routes_are_404(self) -> None:
        for path in ("/api/users/0", "/api/products/999999", "/api/orders/999999",
                     "/api/users/999999/orders", "/api/nope", "/api/users/1/nope", "/api/users/",
                     "/api/orders/stats/total", "/api/analytics", "/api/openapi.yaml", "/api/index"):
            with self.subTest(path=path):
                self.assert_error(path, 404, "not_found")

    def test_other_methods_are_405(self) -> None:
        for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            for path in ("/api/users", "/api/users/1", "/api/health", "/api/nope"):
                with self.subTest(method=method, path=path):
                    reply = self.assert_error(path, 405, "method_not_allowed", method, method=method)
                    self.assertEqual(reply.headers["Allow"], "GET, HEAD")

    def test_injection_strings_are_only_values(self) -> None:
        for path in (f"/api/users?country={quote(INJECTION)}", f"/api/users?email={quote(INJECTION)}",
                     f"/api/products?q={quote(INJECTION)}",
                     "/api/users?country=" + quote("x' UNION SELECT * FROM submission_meta --"),
                     "/api/products?q=" + quote("%' OR '1'='1")):
            with self.subTest(path=path):
                page = self.ok(path)
                self.assertEqual((page["items"], page["total"]), ([], 0))
        self.assert_error(f"/api/users/{quote(INJECTION)}", 400, "bad_parameter", "id")
        self.assert_error(f"/api/orders?status={quote(INJECTION)}", 400, "bad_parameter", "status")
        self.assertEqual(self.ok("/api/users?limit=1")["total"], 100)  # nothing was dropped


class CachingTest(ApiCase):

    def test_etag_and_if_none_match(self) -> None:
        first = self.get("/api/users?limit=3")
        etag = first.headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertEqual(first.headers["Cache-Control"], "no-cache")
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            with self.subTest(header=header):
                again = self.get("/api/users?limit=3", headers={"If-None-Match": header})
                self.assertEqual((again.status, again.body), (304, b""))
                self.assertEqual(again.headers["ETag"], etag)
                self.assertIsNone(again.headers["Content-Type"])
        self.assertEqual(self.get("/api/users?limit=3", headers={"If-None-Match": '"stale"'}).status, 200)
        self.assertNotEqual(self.get("/api/users?limit=4").headers["ETag"], etag)
        self.assertEqual(self.get("/api/users?limit=3").headers["ETag"], etag)

    def test_head_has_the_headers_of_get_and_no_body(self) -> None:
        for path in ("/api/users?limit=2", "/api/orders/1", "/api/health", "/api/nope"):
            with self.subTest(path=path):
                get, head = self.get(path), self.get(path, method="HEAD")
                self.assertEqual((head.status, head.body), (get.status, b""))
                self.assertEqual(head.headers["Content-Length"], str(len(get.body)))
                self.assertEqual(head.headers["ETag"], get.headers["ETag"])

    def test_health_is_never_cached(self) -> None:
        reply = self.get("/api/health")
        self.assertEqual(reply.headers["Cache-Control"], "no-store")
        self.assertIsNone(reply.headers["ETag"])

    def test_concurrent_clients_get_the_same_answers(self) -> None:
        paths = ["/api/users?limit=20&sort=-signup_date", "/api/orders/1", "/api/orders?status=delivered",
                 "/api/analytics/top-products?limit=5", "/api/health", "/api/products?q=a"]
        expected = {p: self.get(p).body for p in paths}
        failures: list[str] = []

        def client(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=api_helpers.TIMEOUT)
            try:
                for i in range(30):
                    path = paths[(n + i) % len(paths)]
                    conn.request("GET", path)
                    response = conn.getresponse()
                    body = response.read()
                    if (response.status, body) != (200, expected[path]):
                        failures.append(f"{path}: {response.status}")
            except (OSError, http.client.HTTPException) as exc:
                failures.append(repr(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(failures, [])


class ReadOnlyTest(ApiCase):

    def test_a_burst_of_requests_and_writes_leaves_the_database_unchanged(self) -> None:
        before = sha256_file(self.db_path)
        listing = sorted(os.listdir(self.db_path.parent))
        paths = [route.replace("{id}", "1") for route in ROUTES] + [
            f"/api/users?country={quote(INJECTION)}", "/api/users?sort=user_id;DELETE%20FROM%20users",
            "/api/products?q=" + quote("'); DROP TABLE products; --")]
        statuses: list[int] = []

        def client() -> None:
            for path in paths:
                for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                    statuses.append(self.get(path, method=method).status)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(len(statuses), 4 * 5 * len(paths))
        self.assertEqual(statuses.count(405), 4 * 4 * len(paths))
        self.assertTrue(set(statuses) <= {200, 400, 405}, set(statuses))
        self.assertEqual(sha256_file(self.db_path), before)
        self.assertEqual(sorted(os.listdir(self.db_path.parent)), listing, "no journal or WAL file")

    def test_the_api_connection_refuses_writes(self) -> None:
        snapshot = self.server.api.database.snapshot(None)
        self.addCleanup(snapshot.close)
        for statement in ("DELETE FROM users", "CREATE TABLE t (x)", "PRAGMA query_only = OFF"):
            with self.subTest(statement=statement):
                try:
                    snapshot.conn.execute(statement)
                    snapshot.conn.execute("DELETE FROM users")
                except sqlite3.Error as exc:
                    self.assertRegex(str(exc), "readonly|query_only")
                else:
                    self.fail(f"{statement} succeeded")


class DocumentTest(ApiCase):

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.doc = api_helpers.request(cls.port, "/api/openapi.json").json()

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            prefix = "#/components/schemas/"
            self.assertTrue(schema["$ref"].startswith(prefix), schema)
            schema = self.doc["components"]["schemas"][schema["$ref"][len(prefix):]]
        return schema

    def validate(self, value: Any, schema: dict, where: str) -> None:
        """The JSON Schema keywords the document uses: $ref, allOf, type, enum, const,
        properties, required, items, additionalProperties."""
        schema = self.resolve(schema)
        for part in schema.get("allOf", []):
            self.validate(value, part, where)
        types = schema.get("type")
        if types is not None:
            names = {"object": dict, "array": list, "string": str, "integer": int,
                     "number": (int, Decimal), "boolean": bool, "null": type(None)}
            allowed = tuple(t for name in ([types] if isinstance(types, str) else types)
                            for t in (names[name] if isinstance(names[name], tuple) else (names[name],)))
            self.assertIsInstance(value, allowed, where)
            if isinstance(value, bool):
                self.assertIn("boolean", [types] if isinstance(types, str) else types, where)
        if "enum" in schema:
            self.assertIn(value, schema["enum"], where)
        if "const" in schema:
            self.assertEqual(value, schema["const"], where)
        if isinstance(value, dict):
            for name in schema.get("required", []):
                self.assertIn(name, value, where)
            for name, item in value.items():
                sub = schema.get("properties", {}).get(name) or (
                    schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict)
                    else None)
                if sub:
                    self.validate(item, sub, f"{where}.{name}")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                self.validate(item, schema["items"], f"{where}[{i}]")

    def example_url(self, path: str, operation: dict, with_query: bool) -> str:
        url, query = path, {}
        for param in operation["parameters"]:
            if param["in"] == "path":
                url = url.replace("{" + param["name"] + "}", param["example"])
            elif with_query and "example" in param:
                query[param["name"]] = param["example"]
        return url + (f"?{urlencode(query)}" if query else "")

    def test_documented_paths_are_exactly_the_dispatched_routes(self) -> None:
        self.assertEqual(self.doc["openapi"], "3.1.0")
        self.assertEqual(set(self.doc["paths"]), set(ROUTES))
        for path, item in self.doc["paths"].items():
            self.assertEqual(list(item), ["get"], path)

    def test_every_documented_path_answers_as_documented(self) -> None:
        for path, item in self.doc["paths"].items():
            operation = item["get"]
            for with_query in (False, True):
                url = self.example_url(path, operation, with_query)
                with self.subTest(url=url):
                    reply = self.get(url)
                    self.assertEqual(reply.status, 200, reply.body[:300])
                    ok = operation["responses"]["200"]["content"]
                    media = reply.headers["Content-Type"].split(";")[0]
                    self.assertIn(media, ok)
                    if media == "application/json":
                        self.validate(reply.json(), ok[media]["schema"], url)
            with self.subTest(path=path, probe="undocumented neighbour"):
                self.assertEqual(self.get(self.example_url(path, operation, False) + "/x/y").status, 404)

    def test_every_parameter_and_reference_is_described(self) -> None:
        text = (self.get("/api/openapi.json").body).decode()
        for name in set(part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]):
            self.assertIn(name, self.doc["components"]["schemas"])
        for path, item in self.doc["paths"].items():
            for param in item["get"]["parameters"]:
                with self.subTest(path=path, param=param["name"]):
                    self.assertTrue(param["description"])
                    self.assertIn("type", param["schema"])
                    self.assertIn("example", param)
            for status in ("200", "400"):
                self.assertIn(status, item["get"]["responses"], path)
        sort = next(p for p in self.doc["paths"]["/api/users"]["get"]["parameters"] if p["name"] == "sort")
        self.assertEqual(set(sort["schema"]["enum"]), {s + c for c in SCHEMA.tables["users"].column_names
                                                       for s in ("", "-")})

    def test_the_index_lists_every_route_with_a_working_example(self) -> None:
        for path in ("/api", "/api/"):
            index = self.get(path).json()
            self.assertEqual([e["path"] for e in index["endpoints"]], list(self.doc["paths"]))
            for entry in index["endpoints"]:
                with self.subTest(path=path, example=entry["example"]):
                    self.assertTrue(entry["summary"])
                    self.assertEqual(self.get(entry["example"]).status, 200)
            for link in (index["docs"], index["openapi"]):
                self.assertEqual(self.get(link).status, 200)
        self.assertIn("303", self.doc["paths"]["/api"]["get"]["responses"])

    def test_docs_page_links_all_work(self) -> None:
        reply = self.get("/api/docs")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["Content-Type"], "text/html; charset=utf-8")
        page = reply.body.decode()
        for forbidden in ("<script", "<style", "style=", "javascript:"):
            self.assertNotIn(forbidden, page)
        links = Links()
        links.feed(page)
        self.assertGreaterEqual(len(links.hrefs), len(ROUTES) + 3)
        for path in self.doc["paths"]:
            self.assertIn(f"<code>{path}</code>", page)
        for href in links.hrefs:
            with self.subTest(href=href):
                self.assertTrue(href.startswith("/"), href)
                self.assertEqual(self.get(href).status, 200)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href and not href.startswith("data:"):
            self.hrefs.append(href)


class HealthTest(unittest.TestCase):
    """Health against the CSVs on disk; each test edits its own copy of the data."""

    def setUp(self) -> None:
        self.work = helpers.temp_dir(self)
        self.data_dir, self.db_path = helpers.small_database(self.work)
        self.server = api_helpers.start(api_helpers.site(self.work), db_path=self.db_path,
                                        data_dir=self.data_dir)
        self.addCleanup(self.server.stop)

    def health(self) -> tuple[int, Any]:
        reply = api_helpers.request(self.server.server_address[1], "/api/health")
        return reply.status, reply.json()

    def test_healthy(self) -> None:
        status, health = self.health()
        self.assertEqual(status, 200)
        self.assertEqual((health["status"], health["csv_matches_meta"], health["csv_differences"]),
                         ("ok", True, []))
        self.assertEqual(health["database"], str(self.db_path))  # outside the served root: absolute
        self.assertEqual((health["dataset"]["seed"], health["dataset"]["scale"]), (7, Decimal("0.05")))
        self.assertEqual(health["dataset"]["generator_version"], "3.0.0")
        conn = connect_readonly(self.db_path)
        self.addCleanup(conn.close)
        self.assertEqual(health["row_counts"], {t.name: conn.execute(f"SELECT count(*) FROM {t.name}")
                                                .fetchone()[0] for t in SCHEMA.data_tables})
        recorded = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT file_name, sha256, row_count FROM submission_meta WHERE kind = 'file'")}
        self.assertEqual({f["file"]: (f["sha256"], f["rows"]) for f in health["files"]}, recorded)
        self.assertEqual(recorded["orders.csv"][0], sha256_file(self.data_dir / "orders.csv"))

    def test_an_edited_or_missing_csv_is_degraded(self) -> None:
        with open(self.data_dir / "orders.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write("99999,1,2024-01-01 00:00:00,paid,1.00\n")
        status, health = self.health()
        self.assertEqual((status, health["status"], health["csv_matches_meta"]), (200, "degraded", False))
        self.assertEqual([(d["file"], d["problem"]) for d in health["csv_differences"]],
                         [("orders.csv", "changed")])
        self.assertIn("orders.csv", health["message"])
        (self.data_dir / "reviews.csv").unlink()
        _, health = self.health()
        self.assertEqual([(d["file"], d["problem"]) for d in health["csv_differences"]],
                         [("orders.csv", "changed"), ("reviews.csv", "missing")])
        shutil.rmtree(self.data_dir)
        _, health = self.health()
        self.assertEqual((health["status"], health["csv_matches_meta"]), ("ok", None))
        self.assertIn("no data directory", health["message"])


class DatabaseLifecycleTest(unittest.TestCase):
    """No database yet, then one; then a different one: the server follows without a restart."""

    def test_503_until_the_database_exists_then_new_data_and_new_etags(self) -> None:
        work = helpers.temp_dir(self)
        db_path = work / "served" / "ecommerce.db"
        server = api_helpers.start(api_helpers.site(work), db_path=db_path, data_dir=work / "none")
        self.addCleanup(server.stop)
        port = server.server_address[1]
        for path in ("/api/health", "/api/users", "/api/orders/1", "/api/analytics/cohort-clv"):
            with self.subTest(path=path):
                reply = api_helpers.request(port, path)
                self.assertEqual((reply.status, reply.error["code"]), (503, "no_database"))
                self.assertIn("python project/run_all.py", reply.error["message"])
        self.assertEqual(api_helpers.request(port, "/api/users?limit=0").status, 400)
        self.assertEqual(api_helpers.request(port, "/api/nope").status, 404)
        for path in ("/api/openapi.json", "/api/docs"):
            self.assertEqual(api_helpers.request(port, path).status, 200, path)

        db_path.parent.mkdir()
        db_path.write_text("not a database", encoding="utf-8")
        reply = api_helpers.request(port, "/api/users")
        self.assertEqual((reply.status, reply.error["code"]), (503, "database_unavailable"))

        _, first = helpers.small_database(work / "first", seed=7)
        _, second = helpers.small_database(work / "second", seed=8)
        os.replace(first, db_path)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=api_helpers.TIMEOUT)
        self.addCleanup(conn.close)

        def users() -> tuple[str, bytes]:
            conn.request("GET", "/api/users?limit=3")   # one keep-alive connection throughout
            response = conn.getresponse()
            body = response.read()
            self.assertEqual(response.status, 200, body[:200])
            return response.getheader("ETag"), body

        etag_1, body_1 = users()
        os.replace(second, db_path)
        etag_2, body_2 = users()
        self.assertNotEqual(etag_1, etag_2)
        self.assertNotEqual(body_1, body_2)
        self.assertEqual(users(), (etag_2, body_2))


if __name__ == "__main__":
    unittest.main()
