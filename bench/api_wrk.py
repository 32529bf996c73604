"""The API under wrk, against a bare http.server baseline timed in the same run.

For each endpoint of the issue's table: the kit's first (cold) request on a fresh server,
then ``wrk -t2 -c8 -d SECONDS --latency`` against the kit and, where the baseline serves it,
against bench/bare_server.py (same SQL plus json.dumps, or the same bytes). Figures are
ratios of one run. Without wrk, bench/loadtest.py's Python client is the fallback.

    python -m bench.api_wrk --db DB --data-dir DIR [--seconds 5]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = (  # (path, served by the baseline)
    ("/api/health", True),
    ("/frontend/app.js", True),
    ("/api/users/1", True),
    ("/api/orders/1", True),
    ("/api/orders?limit=25", True),
    ("/api/orders?status=delivered&sort=-total_amount&limit=25", True),
    ("/api/users?country=Germany&signup_from=2023-06-01&sort=last_name&limit=25", False),
    ("/api/payments?method=card&status=failed&sort=-payment_date&limit=25", False),
    ("/api/analytics/top-products?limit=5", False),
    ("/api/orders/stats/summary", False),
)
# Every request a different page (a random keyset position), so no cached body serves it:
# the index range scan, the count cache and the encoding, per request.
UNCACHED = ("/api/orders?status=delivered&sort=-total_amount&limit=25", """
math.randomseed(18)
request = function()
  local after = string.format("%%5B%d.%02d%%2C%d%%5D", math.random(0, 1999),
                              math.random(0, 99), math.random(1, 400000))
  return wrk.format("GET", "/api/orders?status=delivered&sort=-total_amount&limit=25&after=" .. after)
end
""")
UNCACHED_LABEL = UNCACHED[0] + "&after=(random, uncached)"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _start(command: list[str], first_line: str = "") -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    line = proc.stdout.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not url:
        proc.terminate()
        raise SystemExit(f"bench: server did not start: {line.strip()}")
    return proc, url.group(0)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()


def _get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def _settle(url: str) -> None:
    """Wait for the server's start-up warming: ask every analytics example once (each waits
    for, or reuses, the one computation), so no wrk run shares the CPU with it."""
    index = json.loads(_get(url + "/api/")[1])
    for endpoint in index["endpoints"]:
        if endpoint["tag"] == "analytics":
            _get(url + endpoint["path"])
            _get(url + endpoint["example"])


def wrk(url: str, seconds: int, script: str = "") -> dict[str, Any]:
    """Requests/s and p99 (ms) from wrk's --latency report; Python client without wrk
    (which cannot run a script: it asks the script's first URL every time)."""
    if not shutil.which("wrk"):
        from bench.loadtest import load_test
        result = load_test(url.split("/", 3)[0] + "//" + url.split("/", 3)[2], requests=2000,
                           threads=8, paths=("/" + url.split("/", 3)[3],))
        return {"rps": round(result["requests_per_s"]), "p99_ms": result["p99_ms"], "tool": "python"}
    with tempfile.TemporaryDirectory() as tmp:
        options = []
        if script:
            (Path(tmp) / "pages.lua").write_text(script, encoding="utf-8")
            options = ["-s", str(Path(tmp) / "pages.lua")]
        out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", *options, url],
                             capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": round(rps), "p99_ms": round(float(value) * _UNITS[unit], 2), "tool": "wrk",
            "non_2xx": int(errors.group(1)) if errors else 0}


def run(db: Path, data_dir: Path, seconds: int) -> list[dict[str, Any]]:
    kit, kit_url = _start([sys.executable, "serve_frontend.py", "--port", "0", "--quiet",
                           "--db", str(db), "--data-dir", str(data_dir)])
    rows = []
    try:
        cold = {path: _get(kit_url + path)[0] for path, _ in ENDPOINTS}
        _settle(kit_url)
        with tempfile.TemporaryDirectory() as tmp:
            health = Path(tmp) / "health.json"
            health.write_bytes(_get(kit_url + "/api/health")[1])
            bare, bare_url = _start([sys.executable, "-m", "bench.bare_server", "--db", str(db),
                                     "--health-body", str(health), "--root", str(ROOT)])
            try:
                for path, baseline in ENDPOINTS:
                    ours = wrk(kit_url + path, seconds)
                    theirs = wrk(bare_url + path, seconds) if baseline else None
                    rows.append({"endpoint": path, "cold_ms": round(cold[path], 1), "kit": ours,
                                 "bare": theirs, "ratio": round(ours["rps"] / theirs["rps"], 2)
                                 if theirs else None})
                if shutil.which("wrk"):   # the Python client cannot vary the request
                    ours = wrk(kit_url + UNCACHED[0], seconds, UNCACHED[1])
                    rows.append({"endpoint": UNCACHED_LABEL, "cold_ms": None, "kit": ours,
                                 "bare": None, "ratio": None})
            finally:
                _stop(bare)
    finally:
        _stop(kit)
    return rows


def endpoint_table(scale: Any, rows: list[dict[str, Any]]) -> list[str]:
    """The per-endpoint table of one scale, kit against the bare baseline, as Markdown."""
    if not rows:
        return []
    lines = ["", f"| endpoint, scale {scale} ({rows[0]['kit']['tool']}) | first request ms | "
             "kit req/s | kit p99 ms | bare http.server req/s | ratio |", "|---|---|---|---|---|---|"]
    for r in rows:
        bare = r["bare"] or {}
        lines.append(f"| `{r['endpoint']}` | {'' if r['cold_ms'] is None else r['cold_ms']} | {r['kit']['rps']:,} | "
                     f"{r['kit']['p99_ms']} | {format(bare['rps'], ',') if bare else ''} | "
                     f"{r['ratio'] if r['ratio'] is not None else ''} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args(argv)
    for row in run(args.db, args.data_dir, args.seconds):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
