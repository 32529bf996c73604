"""The baseline of the API load test: the standard library's http.server (HTTP/1.1 keep-alive,
Nagle off) running the same SQL as the kit for each measured endpoint plus ``json.dumps``,
and serving the same bytes for health and the static files. Benchmark only; never imported
by the product.

    python -m bench.bare_server --db DB --health-body FILE --root ROOT
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

LIST = ("SELECT * FROM orders{where} ORDER BY {order} LIMIT ? OFFSET ?",
        "SELECT count(*) FROM orders{where}")


class Bare(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    local = threading.local()

    def conn(self) -> sqlite3.Connection:
        if not hasattr(self.local, "conn"):
            self.local.conn = sqlite3.connect(f"{self.server.db.resolve().as_uri()}?mode=ro", uri=True)
            self.local.conn.row_factory = sqlite3.Row
        return self.local.conn

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        parts = url.path.strip("/").split("/")
        if url.path == "/api/health":
            body = self.server.health
        elif url.path.startswith("/frontend/"):
            body = (self.server.root / url.path.lstrip("/")).read_bytes()
        elif parts[:2] == ["api", "users"] and len(parts) == 3:
            row = self.conn().execute("SELECT * FROM users WHERE user_id = ?", (int(parts[2]),)).fetchone()
            body = json.dumps(dict(row)).encode()
        elif parts[:2] == ["api", "orders"] and len(parts) == 3:
            body = json.dumps(self.order(int(parts[2]))).encode()
        elif url.path == "/api/orders":
            body = json.dumps(self.orders(query)).encode()
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def order(self, key: int) -> dict:
        conn = self.conn()
        order = dict(conn.execute("SELECT * FROM orders WHERE order_id = ?", (key,)).fetchone())
        order["items"] = [dict(r) for r in conn.execute(
            "SELECT c.*, p.name AS product_name FROM order_items AS c LEFT JOIN products AS p "
            "ON p.product_id = c.product_id WHERE c.order_id = ? ORDER BY c.order_item_id", (key,))]
        order["payments"] = [dict(r) for r in conn.execute(
            "SELECT * FROM payments WHERE order_id = ? ORDER BY payment_id", (key,))]
        return order

    def orders(self, query: dict) -> dict:
        where, args = (" WHERE status = ?", [query["status"]]) if "status" in query else ("", [])
        sort = query.get("sort", "order_id")
        column = sort.lstrip("-")
        order = f"{column} {'DESC' if sort.startswith('-') else 'ASC'}, order_id"
        limit, offset = int(query.get("limit", 50)), int(query.get("offset", 0))
        conn = self.conn()
        (total,) = conn.execute(LIST[1].format(where=where), args).fetchone()
        rows = [dict(r) for r in conn.execute(LIST[0].format(where=where, order=order),
                                               [*args, limit, offset])]
        return {"items": rows, "total": total, "limit": limit, "offset": offset}

    def log_message(self, *args: object) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--health-body", type=Path, required=True)
    parser.add_argument("--root", type=Path, required=True)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bare)
    server.daemon_threads = True
    server.db, server.root = args.db, args.root
    server.health = args.health_body.read_bytes()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
