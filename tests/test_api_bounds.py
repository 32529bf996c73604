"""Issue 18: the server's resources are bounded: threads (one per connection, at most
max_connections) and the SQL console's connections (a shared pool, not one per client)."""
from __future__ import annotations

import http.client
import json
import socket
import unittest
from urllib.parse import quote

import api_helpers
from api.console import Limits
from api.pool import ConsolePool


class ConnectionCapTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        api_helpers.serve_small_database(cls, "bounds-", warm=False, max_connections=2)
        cls.server.slot_wait = 0.3

    def test_a_connection_beyond_the_cap_waits_then_gets_a_503(self) -> None:
        held = []
        for _ in range(2):   # two idle keep-alive clients hold both threads
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/api/health")
            first = conn.getresponse()
            first.read()
            self.assertEqual(first.status, 200)
            held.append(conn)
        third = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        third.request("GET", "/api/health")
        reply = third.getresponse()
        body = json.loads(reply.read())
        self.assertEqual((reply.status, body["error"]["code"]), (503, "busy"))
        self.assertEqual(reply.headers["Retry-After"], "1")
        third.close()
        for conn in held:
            conn.close()
        again = api_helpers.request(self.port, "/api/health")   # a freed slot serves again
        self.assertEqual(again.status, 200)

    def test_the_slot_is_freed_when_a_client_drops_mid_request(self) -> None:
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no end
        for _ in range(3):
            self.assertEqual(api_helpers.request(self.port, "/api/health").status, 200)


class ConsolePoolTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        api_helpers.serve_small_database(cls, "pool-", warm=False)

    def test_many_clients_share_a_few_console_connections(self) -> None:
        pool = self.server.api.database.consoles
        before = pool.opened
        sql = quote("SELECT count(*) AS n FROM orders")
        clients = [http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                   for _ in range(12)]
        for _ in range(2):
            for conn in clients:   # keep-alive connections, one after another
                conn.request("GET", f"/api/sql?sql={sql}")
                reply = conn.getresponse()
                self.assertEqual(reply.status, 200)
                self.assertEqual(json.loads(reply.read())["columns"], ["n"])
        for conn in clients:
            conn.close()
        self.assertLessEqual(pool.opened - before, 1, "one connection per client again")

    def test_a_replaced_database_gets_new_connections(self) -> None:
        opened, closed = [], []

        class Fake:
            def __init__(self, path: object) -> None:
                opened.append(self)

            def run(self, sql: str, params: object, limits: Limits) -> dict:
                return {"sql": sql}

            def close(self) -> None:
                closed.append(self)
        pool = ConsolePool(self.db_path, keep=1, opener=Fake)  # type: ignore[arg-type]
        self.assertEqual(pool.run("v1", "a", {}, Limits()), {"sql": "a"})
        pool.run("v1", "b", {}, Limits())
        self.assertEqual((len(opened), len(closed)), (1, 0))
        pool.run("v2", "c", {}, Limits())   # the file changed: the old one is closed
        self.assertEqual((len(opened), len(closed)), (2, 1))
        pool.close()
        self.assertEqual(len(closed), 2)


if __name__ == "__main__":
    unittest.main()
