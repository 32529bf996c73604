"""serve_frontend.py: what it serves, what it refuses, and how it behaves as a process.

The server runs for real on an ephemeral port, in a thread, against a temporary copy
of the repository holding fake artifacts, a fake database and CSV, and a secret file
beside the copy that no request may reach. The API itself is tested in test_api.py;
here only how the server routes to it, and that a fake database is a 503, never a leak.
"""
from __future__ import annotations

import contextlib
import http.client
import io
import json
import logging
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlsplit

import api_helpers
import helpers
import serve_frontend
from api.routes import ROUTES
from api.spec import Route
from queries.params import Param
from server import hardening, static
from server.serve import DashboardServer

SECRET = "TOP-SECRET-MARKER"
REPORT = {"report": "fake", "kpis": {"revenue": 12.5}}
QUERY_RESULT = {"query": "cohort_clv", "columns": ["cohort_month"], "rows": [{"cohort_month": "2024-01"}]}
TIMEOUT = 10
JSON = "application/json; charset=utf-8"   # what the server writes itself; files keep their own


def make_site(directory: Path) -> Path:
    """A repository copy with artifacts, unpublished files, and a secret outside it."""
    root = helpers.copy_repo(directory)
    (root / "report.json").write_text(json.dumps(REPORT), encoding="utf-8")
    (root / "query_result.json").write_text(json.dumps(QUERY_RESULT), encoding="utf-8")
    for name in ("db/ecommerce.db", "data/users.csv", ".git/config", "report.md", "query_result.csv",
                 "frontend/.hidden.json", "frontend/notes.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(SECRET, encoding="utf-8")
    (root / "frontend" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (root / "frontend" / "pixel.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (directory / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


start = api_helpers.start  # one way to run a test server, shared with the API tests


class ServerCase(unittest.TestCase):
    """One server for the class: every test here only reads."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.directory = Path(tempfile.mkdtemp(prefix="ecomkit-test-"))
        cls.addClassCleanup(shutil.rmtree, cls.directory, ignore_errors=True)
        cls.root = make_site(cls.directory)
        cls.server = start(cls.root)
        cls.addClassCleanup(cls.server.stop)
        cls.port = cls.server.server_address[1]

    def request(self, path: str, method: str = "GET",
                headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        """Send ``path`` byte for byte (http.client does not normalise it, unlike urllib)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            headers = headers or {}
            conn.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def assert_not_served(self, path: str, statuses: tuple[int, ...] = (400, 404)) -> None:
        response, body = self.request(path)
        self.assertIn(response.status, statuses, f"{path} -> {response.status}")
        self.assertNotIn(SECRET.encode(), body, path)
        self.assertNotIn(b"root:", body, path)
        self.assertEqual(response.getheader("Content-Type"), JSON, path)
        self.assertIn("error", json.loads(body), path)


class RoutingTest(ServerCase):

    def test_root_redirects_to_the_dashboard(self) -> None:
        for path in ("/", "/?next=x"):
            response, _ = self.request(path)
            self.assertEqual(response.status, 302)
            self.assertEqual(response.getheader("Location"), "/frontend/")

    def test_directory_without_slash_redirects(self) -> None:
        response, _ = self.request("/frontend")
        self.assertEqual(response.status, 301)
        self.assertEqual(response.getheader("Location"), "/frontend/")

    def test_content_types(self) -> None:
        expected = {
            "/frontend/": "text/html; charset=utf-8",
            "/frontend/index.html": "text/html; charset=utf-8",
            "/frontend/app.js": "text/javascript; charset=utf-8",
            "/frontend/style.css": "text/css; charset=utf-8",
            "/frontend/logo.svg": "image/svg+xml",
            "/frontend/pixel.png": "image/png",
            "/report.json": "application/json",
            "/query_result.json": "application/json",
        }
        for path, content_type in expected.items():
            response, _ = self.request(path)
            self.assertEqual(response.status, 200, path)
            self.assertEqual(response.getheader("Content-Type"), content_type, path)

    def test_every_script_the_page_loads_is_served_as_javascript(self) -> None:
        """index.html's scripts and every module they import, followed from the page itself."""
        index = (self.root / "frontend" / "index.html").read_text(encoding="utf-8")
        pending = re.findall(r'<script[^>]* src="([^"]+)"', index)
        self.assertIn("app.js", pending)
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            response, body = self.request(f"/frontend/{name}")
            self.assertEqual(response.status, 200, name)
            self.assertEqual(response.getheader("Content-Type"), "text/javascript; charset=utf-8", name)
            self.assertEqual(body, (self.root / "frontend" / name).read_bytes(), name)
            pending += re.findall(r"^import .* from '\./([\w.-]+\.js)';$", body.decode(), re.M)
        self.assertGreater(len(seen), 10, "the modules app.js and explore.js import")

    def test_artifacts_are_served_exactly_and_never_cached(self) -> None:
        for name in ("report.json", "query_result.json"):
            response, body = self.request(f"/{name}?cache-buster=1")
            self.assertEqual(body, (self.root / name).read_bytes())
            self.assertEqual(response.getheader("Cache-Control"), "no-store")
            self.assertEqual(int(response.getheader("Content-Length")), len(body))

    def test_security_headers_on_every_kind_of_response(self) -> None:
        for path in ("/frontend/", "/report.json", "/", "/missing.json", "/%2e%2e/x", "/api/x"):
            response, _ = self.request(path)
            self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff", path)
            csp = response.getheader("Content-Security-Policy")
            self.assertIn("default-src 'self'", csp, path)
            self.assertNotIn("unsafe-inline", csp, path)
            self.assertNotIn("unsafe-eval", csp, path)

    def test_missing_file_is_a_json_404(self) -> None:
        response, body = self.request("/frontend/nothing-here.js")
        self.assertEqual(response.status, 404)
        self.assertEqual(json.loads(body)["error"]["code"], "not_found")

    def test_unknown_api_paths_are_json_404(self) -> None:
        for path in ("/api/x", "/api/v1/cohorts", "/api/users/1/x", "/api/docs/x"):
            response, body = self.request(path)
            self.assertEqual(response.status, 404, path)
            self.assertEqual(response.getheader("Content-Type"), JSON)
            error = json.loads(body)["error"]
            self.assertEqual(error["code"], "not_found")
            self.assertIn("API", error["message"])

    def test_api_index_answers_at_both_addresses(self) -> None:
        """The banner prints /api/: JSON for scripts, the docs page for a browser."""
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        for path in ("/api", "/api/"):
            for accept in (None, "*/*", "application/json"):
                with self.subTest(path=path, accept=accept):
                    response, body = self.request(path, headers={"Accept": accept} if accept else {})
                    self.assertEqual((response.status, response.getheader("Content-Type")), (200, JSON))
                    self.assertEqual(response.getheader("Vary"), "Accept, Accept-Encoding")
                    index = json.loads(body)
                    self.assertEqual([e["path"] for e in index["endpoints"]], list(ROUTES))
                    self.assertEqual(index["docs"], "/api/docs")
            with self.subTest(path=path, accept="browser"):
                response, body = self.request(path, headers={"Accept": browser})
                self.assertEqual((response.status, response.getheader("Location")), (303, "/api/docs"))
                self.assertEqual(response.getheader("Vary"), "Accept")
                response, body = self.request(response.getheader("Location"), headers={"Accept": browser})
                self.assertEqual(response.status, 200)
                self.assertEqual(response.getheader("Content-Type"), "text/html; charset=utf-8")
                self.assertIn(b"<code>/api/health</code>", body)

    def test_api_dispatches_through_the_route_table(self) -> None:
        ping = Route("/api/ping/{n}", "ping", lambda call: {"pong": call.params["n"]}, "Ping", "service",
                     (Param("n", "integer", "a number", location="path"),),
                     database=False, etag="body")
        with mock.patch.dict(ROUTES, {ping.path: ping}):
            response, body = self.request("/api/ping/3")
            self.assertEqual((response.status, json.loads(body)), (200, {"pong": 3}))
            self.assertEqual(response.getheader("Content-Type"), JSON)
            self.assertEqual(self.request("/api/ping/x")[0].status, 400)
        self.assertEqual(self.request("/api/ping/3")[0].status, 404)

    def test_a_file_that_is_not_a_database_is_a_503_not_a_leak(self) -> None:
        for path in ("/api/health", "/api/users", "/api/users/1"):
            response, body = self.request(path)
            self.assertEqual(response.status, 503, path)
            self.assertEqual(json.loads(body)["error"]["code"], "database_unavailable")
            self.assertIn("db/ecommerce.db", json.loads(body)["error"]["message"])
            self.assertNotIn(SECRET.encode(), body)
        self.assertEqual(self.request("/api/openapi.json")[0].status, 200)

    def test_the_data_profile_is_published_with_its_own_policy(self) -> None:
        self.assert_not_served("/docs/profile.html", (404,))  # not generated in this copy
        profile = self.root / "docs" / "profile.html"
        profile.write_text("<!doctype html><style>p{}</style><p style=\"x\">profile", encoding="utf-8")
        self.addCleanup(profile.unlink)
        response, body = self.request("/docs/profile.html")
        self.assertEqual((response.status, body), (200, profile.read_bytes()))
        self.assertEqual(response.getheader("Cache-Control"), "no-cache")
        csp = response.getheader("Content-Security-Policy")
        self.assertIn("style-src 'unsafe-inline'", csp)
        self.assertIn("default-src 'none'", csp)          # so no script of any origin runs
        self.assertNotIn("script-src", csp)
        self.assert_not_served("/docs/profile.json", (404,))
        self.assert_not_served("/docs/data_dictionary.md", (404,))

    def test_allow_list_is_the_only_gate(self) -> None:
        (self.root / "results").mkdir(exist_ok=True)
        (self.root / "results" / "top.json").write_text("[]", encoding="utf-8")
        self.addCleanup(shutil.rmtree, self.root / "results")
        self.assert_not_served("/results/top.json", (404,))
        with mock.patch.dict(static.PUBLISHED, {"results/*.json": "no-store"}):
            response, body = self.request("/results/top.json")
        self.assertEqual((response.status, body), (200, b"[]"))

    def test_head_has_headers_but_no_body(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        self.addCleanup(conn.close)
        conn.request("HEAD", "/report.json")
        head = conn.getresponse()
        self.assertEqual(head.read(), b"")
        self.assertEqual(head.status, 200)
        self.assertEqual(int(head.getheader("Content-Length")), (self.root / "report.json").stat().st_size)
        conn.request("GET", "/query_result.json")  # same connection: HEAD left nothing behind
        self.assertEqual(json.loads(conn.getresponse().read()), QUERY_RESULT)
        conn.request("HEAD", "/missing.json")
        missing = conn.getresponse()
        self.assertEqual((missing.status, missing.read()), (404, b""))

    def test_other_methods_are_refused(self) -> None:
        for method in ("POST", "PUT", "DELETE", "OPTIONS"):
            response, body = self.request("/report.json", method)
            self.assertEqual(response.status, 405, method)
            self.assertEqual(response.getheader("Allow"), "GET, HEAD")
            self.assertEqual(json.loads(body)["error"]["code"], "method_not_allowed")

    def test_malformed_request_line_gets_a_json_400(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as sock:
            sock.sendall(b"GET /report.json /query_result.json HTTP/1.1\r\n\r\n")
            reply = read_all(sock)
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400 "), head)
        self.assertIn(b"Content-Type: application/json", head)
        self.assertIn(b"X-Content-Type-Options: nosniff", head)
        self.assertEqual(json.loads(body)["error"]["code"], "bad_request")

    def test_foreign_host_header_is_refused(self) -> None:
        for host in ("attacker.example", f"attacker.example:{self.port}", "127.0.0.1.nip.io"):
            response, body = self.request("/report.json", headers={"Host": host})
            self.assertEqual(response.status, 400, host)
            self.assertEqual(json.loads(body)["error"]["code"], "bad_host")
        for host in ("localhost", f"localhost:{self.port}", f"127.0.0.1:{self.port}", "[::1]:80"):
            self.assertEqual(self.request("/report.json", headers={"Host": host})[0].status, 200, host)


class ConfinementTest(ServerCase):
    """Nothing outside the allow-list, however the path is spelled."""

    def test_unpublished_files_are_404(self) -> None:
        for path in ("/db/ecommerce.db", "/data/users.csv", "/.git/config", "/report.md",
                     "/query_result.csv", "/serve_frontend.py", "/utils/config.py", "/db/schema.sql",
                     "/frontend/.hidden.json", "/frontend/notes.txt", "/frontend/index.html/",
                     "/Report.json", "/data/", "/frontend/missing/"):
            self.assert_not_served(path, (404,))

    def test_traversal_patterns(self) -> None:
        outside = (self.directory / "secret.txt").as_posix()
        patterns = [
            "/../secret.txt", "/frontend/../../secret.txt", "/frontend/../report.json",
            "/%2e%2e/secret.txt", "/frontend/%2e%2e/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
            "/frontend/.%2e/.%2e/secret.txt", "/frontend/./index.html",
            "/frontend/..%2f..%2fsecret.txt", "/frontend%2f..%2f..%2fsecret.txt", "/%2fetc%2fpasswd",
            "/frontend/..%5c..%5csecret.txt", "/frontend\\..\\..\\secret.txt", "/%5c..%5csecret.txt",
            "//etc/passwd", "/" + outside, "/" + quote(outside, safe=""), "/etc/passwd",
            "/C:/Windows/win.ini", "/C:%5cWindows%5cwin.ini", "/frontend/index.html::$DATA",
            "/frontend/%00index.html", "/report.json%00.html", "/frontend/index.html%00",
            "/%c0%ae%c0%ae/secret.txt", "/%252e%252e/secret.txt", "/frontend/%0aindex.html",
            "http://127.0.0.1/../secret.txt", "*",
        ]
        for path in patterns:
            with self.subTest(path=path):
                self.assert_not_served(path)

    def test_dot_segments_are_rejected_not_normalised(self) -> None:
        # A server that normalised would serve report.json here; refusing shows no path is rewritten.
        for path in ("/frontend/../report.json", "/frontend/%2e%2e/report.json", "/./report.json"):
            self.assertEqual(self.request(path)[0].status, 400, path)

    @unittest.skipIf(os.name == "nt", "symlinks need privileges on Windows")
    def test_symlinks_cannot_leave_the_allowed_set(self) -> None:
        frontend = self.root / "frontend"
        links = {
            "leak.json": self.directory / "secret.txt",              # out of the tree
            "db.json": self.root / "db" / "ecommerce.db",            # in the tree, not published
            "up": self.directory,                                    # a directory out of the tree
            "alias.json": self.root / "report.json",                 # in the tree and published
        }
        for name, target in links.items():
            (frontend / name).symlink_to(target, target_is_directory=target.is_dir())
            self.addCleanup((frontend / name).unlink)
        self.assert_not_served("/frontend/leak.json", (404,))
        self.assert_not_served("/frontend/db.json", (404,))
        self.assert_not_served("/frontend/up/secret.txt", (404,))
        response, body = self.request("/frontend/alias.json")
        self.assertEqual((response.status, body), (200, (self.root / "report.json").read_bytes()))


class ConcurrencyTest(ServerCase):

    def test_twenty_parallel_clients(self) -> None:
        expected = (self.root / "report.json").read_bytes()
        results: list[tuple[int, bytes]] = []
        lock = threading.Lock()

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                for _ in range(5):
                    conn.request("GET", "/report.json")
                    response = conn.getresponse()
                    with lock:
                        results.append((response.status, response.read()))
            finally:
                conn.close()

        threads = [threading.Thread(target=client, daemon=True) for _ in range(20)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + TIMEOUT * 2
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.assertEqual(results, [(200, expected)] * 100)

    def test_a_silent_client_does_not_block_others(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as idle:
            idle.sendall(b"GET /report.json HTTP/1.1\r\n")  # and then nothing more
            started = time.perf_counter()
            response, _ = self.request("/frontend/")
            self.assertEqual(response.status, 200)
            self.assertLess(time.perf_counter() - started, 2.0)

    def test_keep_alive_responses_are_not_delayed(self) -> None:
        # Headers and body written separately with Nagle on stall ~40 ms per response.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        self.addCleanup(conn.close)
        times = []
        for _ in range(15):
            started = time.perf_counter()
            conn.request("GET", "/query_result.json")
            conn.getresponse().read()
            times.append(time.perf_counter() - started)
        self.assertLess(statistics.median(times), 0.02, times)


class RequestLimitsTest(ServerCase):
    """Issue 8: oversized heads get a JSON 4xx, slow or vanishing clients hold up no one."""

    def exchange(self, data: bytes) -> tuple[int, dict]:
        """Send raw bytes, read the reply until the server closes: (status, JSON body)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as sock:
            sock.sendall(data)
            reply = read_all(sock)
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Type: " + JSON.encode(), head)
        self.assertIn(b"Connection: close", head)
        return int(head.split(b" ", 2)[1]), json.loads(body)

    def assert_still_serving(self) -> None:
        response, body = self.request("/report.json")
        self.assertEqual((response.status, json.loads(body)), (200, REPORT))

    def test_a_long_request_line_is_414(self) -> None:
        for size in (hardening.MAX_REQUEST_LINE + 1, 70 * 1024):
            with self.subTest(size=size):
                status, body = self.exchange(b"GET /" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual((status, body["error"]["code"]), (414, "uri_too_long"))
        self.assert_still_serving()

    def test_large_or_many_headers_are_431(self) -> None:
        line = hardening.MAX_HEADER_LINE
        cases = {
            "one long header": [b"X-Long: " + b"a" * line],
            "too many headers": [b"X-H%d: 1" % i for i in range(101)],
            "too large in all": [b"X-H%d: " % i + b"a" * (line - 100) for i in range(5)],
        }
        for name, headers in cases.items():
            with self.subTest(name):
                status, body = self.exchange(b"GET /report.json HTTP/1.1\r\n"
                                             + b"".join(h + b"\r\n" for h in headers) + b"\r\n")
                self.assertEqual((status, body["error"]["code"]), (431, "headers_too_large"))
                self.assertIn("header", body["error"]["message"])
        self.assert_still_serving()

    def test_heads_within_the_limits_are_served(self) -> None:
        headers = {f"X-H{i}": "a" * 250 for i in range(90)}   # 90 headers, about 23 KiB
        response, body = self.request("/report.json", headers=headers)
        self.assertEqual((response.status, json.loads(body)), (200, REPORT))

    def test_a_refused_request_with_a_body_still_gets_its_answer(self) -> None:
        # The server reads no body: it answers, stops sending and drains, so closing does not
        # reset the connection and destroy the answer before the client reads it.
        body = b"x" * 200_000
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as sock:
            sock.sendall(b"POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                         % len(body) + body)
            reply = read_all(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 405 "), reply[:100])
        self.assert_still_serving()

    def test_slow_clients_do_not_block_others(self) -> None:
        slow = [socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) for _ in range(20)]
        try:
            for sock in slow:
                sock.sendall(b"GET /report.json HTTP/1.1\r\nHo")  # and the rest much later
            started = time.perf_counter()
            for _ in range(10):
                self.assert_still_serving()
            self.assertLess(time.perf_counter() - started, 2.0)
            for sock in slow:
                sock.sendall(b"st: localhost\r\nConnection: close\r\n\r\n")
            for sock in slow:
                self.assertTrue(read_all(sock).startswith(b"HTTP/1.1 200 "))
        finally:
            for sock in slow:
                sock.close()

    def test_200_connections_opened_and_dropped_leave_it_answering(self) -> None:
        threads_before = threading.active_count()
        socks = []
        try:
            for i in range(200):
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
                socks.append(sock)
                if i % 3 == 1:
                    sock.sendall(b"GET /frontend/ HTTP/1.1\r\nHost: loc")
                if i % 3 == 2:  # close with a reset instead of a FIN
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            for sock in socks:
                sock.close()
        started = time.perf_counter()
        self.assert_still_serving()
        self.assertLess(time.perf_counter() - started, 2.0)
        deadline = time.monotonic() + 10
        while threading.active_count() > threads_before + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertLessEqual(threading.active_count(), threads_before + 2, "handler threads left behind")


class TimeoutAndLoggingTest(unittest.TestCase):

    def setUp(self) -> None:
        self.root = make_site(helpers.temp_dir(self))

    def test_idle_connection_is_closed_after_the_request_timeout(self) -> None:
        server = start(self.root, request_timeout=0.3)
        self.addCleanup(server.stop)
        with socket.create_connection(server.server_address[:2], timeout=TIMEOUT) as idle:
            started = time.perf_counter()
            self.assertEqual(idle.recv(1024), b"")  # the server hung up
            self.assertLess(time.perf_counter() - started, 5)

    def test_one_log_line_per_request_unless_quiet(self) -> None:
        server = start(self.root, quiet=False)
        self.addCleanup(server.stop)
        with self.assertLogs("server", logging.INFO) as logs:
            fetch(server, "/report.json")
            fetch(server, "/db/ecommerce.db")
        self.assertEqual(len(logs.output), 2)
        self.assertIn('"GET /report.json HTTP/1.1" 200', logs.output[0])
        self.assertIn('"GET /db/ecommerce.db HTTP/1.1" 404', logs.output[1])

        quiet = start(self.root, quiet=True)
        self.addCleanup(quiet.stop)
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        logger = logging.getLogger("server")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        fetch(quiet, "/report.json")
        self.assertEqual(records, [])


class CommandLineTest(unittest.TestCase):
    """The script itself: in-process through main() and for real in a subprocess."""

    def setUp(self) -> None:
        self.directory = helpers.temp_dir(self)
        self.root = make_site(self.directory)
        self.script = self.root / "serve_frontend.py"
        # main() configures the root logger for its run; put it back afterwards.
        root_logger = logging.getLogger()
        self.addCleanup(setattr, root_logger, "handlers", root_logger.handlers[:])
        self.addCleanup(root_logger.setLevel, root_logger.level)

    def start_script(self, *args: str) -> tuple[subprocess.Popen, int]:
        """Run the copy's script from an unrelated directory: it must find its files by itself."""
        flags = subprocess.CREATE_NEW_PROCESS_GROUP if os.name == "nt" else 0
        proc = subprocess.Popen([sys.executable, str(self.script), "--port", "0", *args], cwd=self.directory,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                creationflags=flags, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.addCleanup(stop_process, proc)
        line = read_line(proc)
        match = re.fullmatch(r"Server running at http://127\.0\.0\.1:(\d+)/frontend/\n", line)
        self.assertIsNotNone(match, line)
        port = int(match.group(1))
        self.assertNotEqual(port, 0)
        return proc, port

    def assert_clean_exit(self, proc: subprocess.Popen, sig: int) -> str:
        if os.name == "nt":
            self.skipTest("POSIX signals cannot be sent to a child process on Windows")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        self.assertNotIn("Traceback", err)
        return err

    def test_prints_url_serves_and_exits_0_on_ctrl_c(self) -> None:
        proc, port = self.start_script()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/report.json")
        self.assertEqual(json.loads(conn.getresponse().read()), REPORT)
        conn.close()
        err = self.assert_clean_exit(proc, signal.SIGINT)
        self.assertIn('"GET /report.json HTTP/1.1" 200', err)  # the request log is on stderr

    def test_db_and_data_dir_options_point_the_api_elsewhere(self) -> None:
        data_dir, db_path = helpers.small_database(self.directory / "elsewhere")
        proc, port = self.start_script("--db", str(db_path), "--data-dir", str(data_dir))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.addCleanup(conn.close)
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        health = json.loads(response.read())
        self.assertEqual((response.status, health["status"]), (200, "ok"))
        self.assertEqual((health["database"], health["data_dir"]), (str(db_path), str(data_dir)))
        conn.request("GET", "/api/users/1")
        self.assertEqual(conn.getresponse().status, 200)
        self.assert_clean_exit(proc, signal.SIGINT)

    def test_data_dir_takes_the_part_directories_as_ingest_does(self) -> None:
        """A database ingested from parts given one by one (submission_meta names the files
        p1/orders.csv, p2/orders.csv): the same parts make /api/health ok; an edit is named."""
        parts = [self.directory / "a" / "p1", self.directory / "b" / "p2"]  # apart: found by name
        for index, part in enumerate(parts, 1):
            proc = subprocess.run([sys.executable, "project/generate_data.py", "--generate",
                                   "--seed", "3", "--scale", "0.6", "--parts", "2", "--part",
                                   str(index), "--out", str(part), "-q"], cwd=helpers.ROOT,
                                  capture_output=True, text=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        db_path = self.directory / "parts.db"
        with contextlib.redirect_stdout(io.StringIO()):
            code = helpers.load_script("ingest").main(["--ingest", "-q", "--data-dir", *map(str, parts),
                                                       "--db", str(db_path)])
        self.assertEqual(code, 0)
        proc, port = self.start_script("--db", str(db_path), "--data-dir", *map(str, parts))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.addCleanup(conn.close)

        def health() -> dict:
            conn.request("GET", "/api/health")
            return json.loads(conn.getresponse().read())
        first = health()
        self.assertEqual((first["status"], first["csv_matches_meta"], first["data_dir"]),
                         ("ok", True, f"{parts[0]}, {parts[1]}"))
        self.assertIn("p2/orders.csv", [f["file"] for f in first["files"]])
        with open(parts[1] / "orders.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write("99999,1,2024-01-01 00:00:00,pending,1.00,,\n")
        after = health()
        self.assertEqual((after["status"], [(d["file"], d["problem"]) for d in after["csv_differences"]]),
                         ("degraded", [("p2/orders.csv", "changed")]))
        self.assert_clean_exit(proc, signal.SIGINT)

    def banner(self, host: str) -> tuple[subprocess.Popen, list[str]]:
        """Start the script on ``host``; its banner lines, up to and including the API line."""
        flags = subprocess.CREATE_NEW_PROCESS_GROUP if os.name == "nt" else 0
        proc = subprocess.Popen([sys.executable, str(self.script), "--host", host, "--port", "0", "-q"],
                                cwd=self.directory, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, creationflags=flags)
        self.addCleanup(stop_process, proc)
        lines = [read_line(proc)]
        while lines[-1].startswith(("Server running", "From other machines")):
            lines.append(read_line(proc))
        self.assertTrue(lines[-1].startswith("API: "), lines)
        return proc, lines

    def test_every_address_the_banner_prints_answers(self) -> None:
        hosts = ["127.0.0.1", "0.0.0.0"]
        if socket.has_ipv6:
            with contextlib.suppress(OSError), socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::", 0))
                hosts.append("::")
        for host in hosts:
            with self.subTest(host=host):
                proc, lines = self.banner(host)
                urls = re.findall(r"http://\S+?(?=[,)\s]|$)", "".join(lines))
                self.assertGreaterEqual(len(urls), 3, lines)
                self.assertRegex(lines[0], r"^Server running at http://127\.0\.0\.1:\d+/frontend/\n$")
                for url in urls:
                    self.assertNotRegex(url, r"//(0\.0\.0\.0|\[::\])[:/]", "a browser cannot open it")
                    parsed = urlsplit(url)
                    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=TIMEOUT)
                    conn.request("GET", parsed.path, headers={"Accept": "text/html,*/*;q=0.8"})
                    response = conn.getresponse()
                    response.read()
                    conn.close()
                    self.assertIn(response.status, (200, 303), url)
                    if response.status == 303:  # /api/ for a browser: the docs page
                        self.assertEqual(response.getheader("Location"), "/api/docs", url)
                if host != "127.0.0.1":
                    self.assertTrue(all(u.startswith("http://127.0.0.1:") for u in
                                        re.findall(r"http://\S+", lines[0] + lines[-1])), lines)
                stop_process(proc)

    def test_help_names_the_api_options_and_their_defaults(self) -> None:
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), self.assertRaises(SystemExit):
            serve_frontend.main(["--help"])
        text = " ".join(stdout.getvalue().split())
        self.assertIn("--db DB", text)
        self.assertIn("(default: db/ecommerce.db under --root)", text)
        self.assertIn("(default: data/ under --root)", text)

    def test_sigterm_also_exits_0(self) -> None:
        proc, _ = self.start_script()
        self.assert_clean_exit(proc, signal.SIGTERM)

    def test_port_in_use_is_one_line_and_non_zero(self) -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            port = str(busy.getsockname()[1])
            result = helpers.run_script(str(self.script), "--port", port, cwd=self.directory, timeout=60)
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr):
                code = serve_frontend.main(["--port", port, "--root", str(self.root)])
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertRegex(lines[0], rf"^serve_frontend\.py: error: cannot listen on 127\.0\.0\.1:{port}: ")
        self.assertEqual((code, stderr.getvalue().strip()), (1, lines[0]))

    def test_root_without_dashboard_is_an_error(self) -> None:
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = serve_frontend.main(["--port", "0", "--root", str(self.directory / "nowhere")])
        self.assertEqual(code, 1)
        self.assertIn("no dashboard at", stderr.getvalue())

    def test_bad_port_is_a_usage_error(self) -> None:
        for port in ("-1", "65536", "http"):
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as exit_:
                serve_frontend.main(["--port", port])
            self.assertEqual(exit_.exception.code, 2)
            self.assertIn("--port", stderr.getvalue())


def fetch(server: DashboardServer, path: str) -> int:
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def read_line(proc: subprocess.Popen) -> str:
    """The first stdout line of ``proc``, or a failure after TIMEOUT seconds.

    A thread reads it because select() does not work on pipes on Windows.
    """
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=TIMEOUT)
    except queue.Empty:
        raise AssertionError(f"no output within {TIMEOUT} s") from None


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=TIMEOUT)


if __name__ == "__main__":
    unittest.main()
