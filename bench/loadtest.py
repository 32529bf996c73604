"""A bounded load test of a running server: N requests from T keep-alive clients, loopback only.

    python -m bench.loadtest --url http://127.0.0.1:8000 --requests 2000 --threads 16

``load_test`` returns latency percentiles, throughput and the error count; it asserts
nothing about time, so a benchmark script can record what a machine does.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import statistics
import sys
import threading
import time
from typing import Any, Sequence
from urllib.parse import urlsplit

from utils import cli

# A mix of what the dashboard and a script would ask: lists with filters and sorting,
# single rows, aggregates, health. Every path must answer 200 on any generated dataset.
PATHS = (
    "/api/users?limit=25",
    "/api/users?country=Germany&sort=-signup_date&limit=10",
    "/api/products?q=a&sort=-price&limit=10",
    "/api/orders?status=delivered&sort=-total_amount&limit=25",
    "/api/orders?from=2024-01-01&to=2024-06-30&offset=10&limit=10",
    "/api/payments?method=card&limit=10",
    "/api/users/1",
    "/api/orders/1",
    "/api/users/1/orders",
    "/api/orders/stats/summary",
    "/api/analytics/top-products?limit=5",
    "/api/health",
)
TIMEOUT = 10.0


def load_test(base_url: str, requests: int = 2000, threads: int = 16,
              paths: Sequence[str] = PATHS, allow_remote: bool = False) -> dict[str, Any]:
    """Send ``requests`` GETs (cycling through ``paths``) from ``threads`` clients at once.

    Each client keeps one HTTP/1.1 connection and reconnects after an error. An error is a
    status other than 200 or a failed exchange. Refuses a non-loopback host unless
    ``allow_remote``: this is a load generator.
    """
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if not allow_remote and not _is_loopback(host):
        raise ValueError(f"{host} is not a loopback address; pass allow_remote=True to load it")
    if requests < 1 or threads < 1:
        raise ValueError("requests and threads must be positive")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        mine, failed = [], []
        try:
            for i in _take(counter, lock):
                path = paths[i % len(paths)]
                started = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        failed.append(f"{path}: HTTP {response.status}")
                except (OSError, http.client.HTTPException) as exc:
                    failed.append(f"{path}: {type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
                mine.append(time.perf_counter() - started)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors.extend(failed)

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    ms = sorted(t * 1000 for t in latencies)
    return {
        "requests": len(ms), "threads": threads, "errors": len(errors),
        "error_examples": errors[:5], "seconds": round(elapsed, 3),
        "requests_per_s": round(len(ms) / elapsed, 1) if elapsed else None,
        "p50_ms": _percentile(ms, 50), "p90_ms": _percentile(ms, 90),
        "p99_ms": _percentile(ms, 99), "max_ms": round(ms[-1], 2) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
    }


def _take(counter: Any, lock: threading.Lock) -> Any:
    while True:
        with lock:
            i = next(counter, None)
        if i is None:
            return
        yield i


def _percentile(sorted_ms: list[float], p: int) -> float | None:
    """Nearest-rank percentile."""
    if not sorted_ms:
        return None
    rank = max(1, -(-p * len(sorted_ms) // 100))
    return round(sorted_ms[rank - 1], 2)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser("python -m bench.loadtest", __doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="server to load")
    parser.add_argument("--requests", type=cli.positive_int, default=2000, help="requests in all")
    parser.add_argument("--threads", type=cli.positive_int, default=16, help="concurrent clients")
    args = parser.parse_args(argv)
    cli.configure_logging(args)
    try:
        result = load_test(args.url, args.requests, args.threads)
    except ValueError as exc:
        sys.stderr.write(f"{parser.prog}: error: {exc}\n")
        return 2
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
