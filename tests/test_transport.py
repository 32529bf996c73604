"""How answers travel, served for real: gzip when accepted (with Vary and a marked ETag that
still revalidates), Link headers for the next page, ETags and 304 for static files, and list
totals counted once per dataset and filter."""
from __future__ import annotations

import gzip
import unittest

import api_helpers
from server.compress import accepts_gzip


class TransportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        api_helpers.serve_small_database(cls, "ecomkit-transport-")

    def get(self, path: str, **headers: str) -> api_helpers.Reply:
        return api_helpers.request(self.port, path, headers={k.replace("_", "-"): v
                                                             for k, v in headers.items()})

    def test_gzip_only_when_accepted_same_content_and_vary(self) -> None:
        for path in ("/api/orders?limit=50", "/api/orders.csv?limit=50", "/frontend/style.css",
                     "/api/openapi.json"):
            with self.subTest(path):
                plain = self.get(path)
                packed = self.get(path, Accept_Encoding="gzip, deflate")
                self.assertNotIn("Content-Encoding", plain.headers)
                self.assertEqual(packed.headers["Content-Encoding"], "gzip")
                self.assertEqual(gzip.decompress(packed.body), plain.body)
                self.assertLess(len(packed.body), len(plain.body))
                self.assertIn("Accept-Encoding", plain.headers["Vary"])
                self.assertIn("Accept-Encoding", packed.headers["Vary"])
                self.assertEqual(int(packed.headers["Content-Length"]), len(packed.body))
                self.assertNotEqual(packed.headers["ETag"], plain.headers["ETag"])
                again = self.get(path, Accept_Encoding="gzip",
                                 If_None_Match=packed.headers["ETag"])
                self.assertEqual((again.status, again.body), (304, b""))
                self.assertEqual(again.headers["ETag"], packed.headers["ETag"])
                self.assertEqual(self.get(path, If_None_Match=plain.headers["ETag"]).status, 304)
        refused = self.get("/api/orders?limit=50", Accept_Encoding="gzip;q=0, identity")
        self.assertNotIn("Content-Encoding", refused.headers)
        tiny = self.get("/api/users/1", Accept_Encoding="gzip")
        self.assertNotIn("Content-Encoding", tiny.headers)   # below GZIP_MIN: not worth it

    def test_accept_encoding_parsing(self) -> None:
        self.assertTrue(accepts_gzip("gzip"))
        self.assertTrue(accepts_gzip("br;q=1.0, gzip;q=0.8"))
        self.assertTrue(accepts_gzip("*"))
        self.assertFalse(accepts_gzip("gzip;q=0"))
        self.assertFalse(accepts_gzip("identity"))
        self.assertFalse(accepts_gzip(None))

    def test_pages_link_to_the_next_one(self) -> None:
        reply = self.get("/api/orders?status=delivered&limit=3")
        following = reply.json()["next"]
        self.assertEqual(reply.headers["Link"], f'<{following}>; rel="next"')
        csv_reply = self.get("/api/orders.csv?status=delivered&limit=3")
        self.assertEqual(csv_reply.headers["Link"],
                         f'<{following.replace("/api/orders?", "/api/orders.csv?")}>; rel="next"')
        total = reply.json()["total"]
        last = self.get(f"/api/orders?status=delivered&limit=3&offset={total - 1}")
        self.assertIsNone(last.json()["next"])
        self.assertNotIn("Link", last.headers)

    def test_static_files_carry_an_etag_and_revalidate(self) -> None:
        first = self.get("/frontend/app.js")
        self.assertEqual(first.headers["Cache-Control"], "no-cache")
        again = self.get("/frontend/app.js", If_None_Match=first.headers["ETag"])
        self.assertEqual(again.status, 304)
        stale = self.get("/frontend/app.js", If_None_Match='"0123"')
        self.assertEqual((stale.status, stale.body), (200, first.body))

    def test_the_server_warms_the_aggregates_before_any_request(self) -> None:
        server = api_helpers.start(api_helpers.site(self.work / "warm"), db_path=self.db_path,
                                   data_dir=self.data_dir)
        self.addCleanup(server.stop)
        cache = server.api.cache
        self.assertTrue(server.api.warmed.wait(60))
        cached = [r for r in server.api.routes.values() if r.cached and "{" not in r.path]
        self.assertGreaterEqual(len(cache._bodies), len(cached))
        self.assertTrue(server.api.database.health_bodies, "health was not computed")
        before = len(cache._bodies)
        port = server.server_address[1]
        for target in ("/api/analytics/top-products", "/api/analytics/top-products?limit=5",
                       "/api/analytics/top-products?by=units&limit=5", "/api/orders"):
            reply = api_helpers.request(port, target)
            self.assertEqual(reply.status, 200)
        self.assertEqual(len(cache._bodies), before, "the first request was not served warm")

    def test_a_total_is_counted_once_per_dataset_and_filter(self) -> None:
        counts = self.server.api.database.counts
        self.assertTrue(self.server.api.warmed.wait(60))
        before = len(counts._totals)
        one = self.get("/api/orders?status=shipped&limit=2").json()["total"]
        self.assertEqual(len(counts._totals), before + 1)
        two = self.get("/api/orders?status=shipped&limit=2&offset=2").json()["total"]
        self.assertEqual((len(counts._totals), one), (before + 1, two))
        self.get("/api/orders?status=paid&limit=2")
        self.assertEqual(len(counts._totals), before + 2)


if __name__ == "__main__":
    unittest.main()
