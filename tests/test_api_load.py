"""A bounded load test of the API: 2,000 requests from 16 keep-alive clients, loopback only.

It asserts no errors, not a speed (machines differ); the latency percentiles are printed
to stderr. bench/ can call ``bench.loadtest.load_test`` the same way against any server.
"""
from __future__ import annotations

import sys
import unittest

import api_helpers
import helpers
from bench.loadtest import PATHS, load_test


class LoadTest(unittest.TestCase):

    def setUp(self) -> None:
        work = helpers.temp_dir(self)
        data_dir, db_path = helpers.small_database(work)
        self.server = api_helpers.start(api_helpers.site(work), db_path=db_path, data_dir=data_dir)
        self.addCleanup(self.server.stop)
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}"

    def test_2000_requests_from_16_clients_without_an_error(self) -> None:
        result = load_test(self.url, requests=2000, threads=16)
        sys.stderr.write(
            f"\n  load test: {result['requests']} requests, {result['threads']} clients, "
            f"{result['seconds']} s, {result['requests_per_s']} req/s; latency ms p50 "
            f"{result['p50_ms']} p90 {result['p90_ms']} p99 {result['p99_ms']} max {result['max_ms']}\n")
        self.assertEqual((result["requests"], result["errors"]), (2000, 0), result["error_examples"])
        for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "requests_per_s"):
            self.assertGreater(result[key], 0)
        self.assertLessEqual(result["p50_ms"], result["p90_ms"])
        self.assertLessEqual(result["p99_ms"], result["max_ms"])

    def test_every_load_path_answers_200(self) -> None:
        port = self.server.server_address[1]
        for path in PATHS:
            self.assertEqual(api_helpers.request(port, path).status, 200, path)

    def test_refuses_a_remote_host(self) -> None:
        with self.assertRaisesRegex(ValueError, "not a loopback address"):
            load_test("http://192.0.2.1:8000", requests=1, threads=1)



class SingleFlight(unittest.TestCase):
    """Concurrent misses on one cached aggregate compute it once, not once per client."""

    def test_concurrent_misses_compute_once(self) -> None:
        import threading
        import time
        from api.cache import BodyCache
        cache, calls, results = BodyCache(), [], []

        def compute() -> bytes:
            calls.append(1)
            time.sleep(0.2)
            return b"body"
        threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("e", compute)))
                   for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        self.assertEqual(len(calls), 1)
        self.assertEqual(results, [b"body"] * 8)
        self.assertEqual(cache.get_or_compute("e", compute), b"body")
        self.assertEqual(len(calls), 1)


if __name__ == "__main__":
    unittest.main()
