#!/usr/bin/env python3
"""Benchmark the pipeline: generate, ingest, report, query (and the API) at several scales.

Each step runs in a fresh process (bench/measure.py) several times; the table gives the
median and min-max wall time, rows/s and peak RSS. Ingest is compared, in the same run,
with the best configuration of each reference loader on the same CSVs and schema: the
sqlite3 shell's .import tuned (512 MiB page cache, one transaction, indexes created after
the load; install the shell with `apt-get install -y sqlite3` or your system's package,
the step is skipped without it) and a bare csv + executemany load that validates nothing.
Each library query of queries/ is timed (CPU seconds) against the best plan found for it
in the same run (bench/query_plans.py). ``--steps`` times only some steps; the data and
database the later ones need are still made, untimed.
Writes bench/out/results.json and bench/out/results.md (ignored by git); ``--publish``
refreshes the committed bench/results.json and bench/results.md that the README quotes.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generation import bench_generation  # noqa: E402
from bench.query_plans import compare_plans  # noqa: E402
from bench.result_tables import markdown, ratios  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import BENCH_OUT_DIR, BENCH_PUBLISHED_DIR, ROOT, SCHEMA_PATH  # noqa: E402

PROG = "bench/run.py"
PY = sys.executable
log = logging.getLogger("bench")
MEASURE = str(ROOT / "bench" / "measure.py")
STEPS = ("generate", "ingest", "report", "queries", "api", "e2e")


def measure(args: list[str], runs: int, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``python measure.py out.json args...`` ``runs`` times; summarise."""
    samples = []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        try:
            proc = subprocess.run([PY, MEASURE, out, *args], cwd=cwd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"bench: {' '.join(args)} failed: {proc.stderr.strip()[-300:]}")
            samples.append(json.loads(Path(out).read_text()))
        finally:
            os.unlink(out)
    seconds = [s["seconds"] for s in samples]
    cpu = [s.get("cpu_seconds") or 0.0 for s in samples]
    rss = [max(s["rss_kib"] or 0, s["children_rss_kib"] or 0) for s in samples]
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
            "cpu_s": statistics.median(cpu),
            "peak_rss_mib": round(max(rss) / 1024, 1) if any(rss) else None, "runs": runs}


def timed_shell(command: list[str], runs: int, stdin_text: str, setup) -> dict[str, Any]:
    """Wall and CPU time of an external command (the sqlite3 shell), ``setup`` before each run."""
    import resource
    import time
    seconds, cpu = [], []
    for _ in range(runs):
        setup()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(command, input=stdin_text, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0 or proc.stderr.strip():
            raise SystemExit(f"bench: sqlite3 .import failed: {proc.stderr.strip()[-300:]}")
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
            "cpu_s": statistics.median(cpu), "peak_rss_mib": None, "runs": runs}


def bench_api(db: Path, data_dir: Path, runs: int) -> dict[str, Any] | None:
    """The real server on a free port, loaded from 16 threads over loopback (bounded)."""
    from bench.loadtest import load_test
    server = subprocess.Popen([PY, str(ROOT / "serve_frontend.py"), "--port", "0", "--quiet",
                               "--db", str(db), "--data-dir", str(data_dir)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = line.split("Server running at ", 1)[-1].strip().rsplit("/frontend/", 1)[0]
        if not url.startswith("http://127.0.0.1:"):
            log.warning(f"  API: server did not start: {line.strip() or server.stderr.read()[-200:]}")
            return None
        results = [load_test(url, requests=2000, threads=16) for _ in range(runs)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    best = sorted(results, key=lambda r: r["requests_per_s"])[len(results) // 2]
    return {"step": "API (16 clients, 2,000 requests)", "median_s": best["seconds"],
            "min_s": min(r["seconds"] for r in results), "max_s": max(r["seconds"] for r in results),
            "peak_rss_mib": None, "runs": runs, "rows": 0, "rows_per_s": None,
            "requests_per_s": round(best["requests_per_s"]), "p50_ms": best["p50_ms"],
            "p90_ms": best["p90_ms"], "p99_ms": best["p99_ms"], "errors": best["errors"]}


def bench_endpoints(db: Path, data_dir: Path) -> list[dict[str, Any]]:
    """Each endpoint of issue 18 under wrk (bench/api_wrk.py), against a bare http.server."""
    from bench.api_wrk import run
    rows = run(db, data_dir, seconds=3)
    for row in rows:
        log.info(f"  {row['endpoint']:<60} {row['kit']['rps']:>7,} req/s  ratio {row['ratio']}")
    return rows


def data_rows(data_dir: Path) -> int:
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    return sum(f["rows"] for f in manifest["files"])


def bench_scale(scale: str, workers_list: list[int], runs: int, work: Path,
                steps: set[str]) -> tuple[list[dict], dict[str, Any] | None, list[dict]]:
    """The chosen ``steps`` at one scale: table rows, generation ratios, query plans."""
    rows_out: list[dict] = []
    data_dir, db = work / "data", work / "ecommerce.db"

    def add(step: str, result: dict, rows: int, workers: int | None = None) -> None:
        result.update(step=step, scale=float(scale), workers=workers, rows=rows,
                      rows_per_s=round(rows / result["median_s"]) if rows else None)
        rows_out.append(result)
        log.info(f"  {step:<28} workers={workers or '-':<2} {result['median_s']:8.2f} s "
                 f"{result['rows_per_s'] or 0:>10,} rows/s  {result['peak_rss_mib'] or '-'} MiB")

    generation = None
    if "generate" in steps:
        generation = bench_generation(scale, workers_list, runs, work, measure, add)
    else:  # the data the other steps need, untimed
        measure(["project/generate_data.py", "--generate", "--scale", scale, "--out", str(data_dir),
                 "-q"], 1)
    rows = data_rows(data_dir)
    ingest = ["project/ingest.py", "--ingest", "--data-dir", str(data_dir), "--db", str(db), "-q"]
    if "ingest" in steps:
        add("ingest (all checks)", measure(ingest, runs), rows)
        reference_loaders(data_dir, work, runs, lambda step, result: add(step, result, rows))
    elif steps & {"report", "queries", "api"}:
        measure(ingest, 1)
    if "report" in steps:
        add("report", measure(["project/ingest.py", "--report", "--data-dir", str(data_dir), "--db",
                               str(db), "--out-dir", str(work), "-q"], runs), rows)
    plans: list[dict] = []
    if "queries" in steps:  # the query reads the whole database: rows/s are database rows
        add("CLV query", measure(["project/run_query.py", "--db", str(db), "--out-dir", str(work),
                                  "-q"], runs), rows)
        plans = compare_plans(db, work / "plans", max(runs, 5))
    if "api" in steps:
        api = bench_api(db, data_dir, runs)
        if api:
            api["scale"] = float(scale)
            api["endpoints"] = bench_endpoints(db, data_dir)
            rows_out.append(api)
            log.info(f"  {'API (16 clients)':<28} {api['requests_per_s']:>10,} requests/s  "
                     f"p50 {api['p50_ms']} ms  p99 {api['p99_ms']} ms")
    if "e2e" in steps:
        add("end to end (run_all.py --core-only)", measure(
            ["project/run_all.py", "--core-only", "--scale", scale, "--workers",
             str(max(workers_list)), "--data-dir", str(work / "e2e" / "data"), "--db",
             str(work / "e2e" / "e.db"), "--out-dir", str(work / "e2e"), "-q"], runs),
            rows, max(workers_list))
    return rows_out, generation, plans


def reference_loaders(data_dir: Path, work: Path, runs: int, add) -> None:
    """The bare executemany load and the tuned sqlite3 shell's .import of the same CSVs."""
    add("python executemany, no checks", measure(
        [str(ROOT / "bench" / "naive_ingest.py"), str(data_dir), str(work / "naive.db")], runs))
    shell = shutil.which("sqlite3")
    if shell:
        target = work / "shell.db"
        add("sqlite3 shell .import (tuned)", timed_shell(
            [shell, str(target)], runs, shell_import_script(data_dir),
            lambda: target.unlink() if target.exists() else None))
    else:
        log.warning("  sqlite3 shell not found: install it (apt-get install -y sqlite3) "
                    "to compare with its .import")


def shell_import_script(data_dir: Path) -> str:
    """The sqlite3 shell's best bulk load of the CSVs: a 512 MiB page cache, no journal,
    one transaction, the tables first and the indexes after the load."""
    from db.schema import load_schema
    schema = load_schema(SCHEMA_PATH)
    imports = "".join(_shell_import(t, (data_dir / t.csv_name).as_posix())
                      for t in schema.data_tables)
    return (".bail on\nPRAGMA cache_size = -524288;\nPRAGMA journal_mode = OFF;\n"
            f"PRAGMA synchronous = OFF;\n{schema.table_sql()}\nBEGIN;\n{imports}"
            + "".join(f"{statement};\n" for statement in schema.indexes) + "COMMIT;\n")


def _shell_import(table, path: str) -> str:
    """One table's .import. The shell reads an empty field as '', not NULL, so a table with
    nullable columns (an unshipped order's shipped_at, a review without a title) goes through
    a constraint-free staging copy and ``nullif``, as any loader of such CSVs must."""
    nullable = [c.name for c in table.columns if not (c.not_null or c.primary_key)]
    if not nullable:
        return f".import --csv --skip 1 {path} {table.name}\n"
    stage = f"stage_{table.name}"
    columns = ", ".join(f"nullif({c.name}, '')" if c.name in nullable else c.name
                        for c in table.columns)
    return (f"CREATE TEMP TABLE {stage} AS SELECT * FROM {table.name} WHERE 0;\n"
            f".import --csv --skip 1 {path} {stage}\n"
            f"INSERT INTO {table.name} SELECT {columns} FROM {stage};\nDROP TABLE {stage};\n")


def main(argv: list[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__.split("\n")[0])
    parser.add_argument("--scales", type=comma_list(cli.positive_float), default="1,10",
                        help="comma-separated scales")
    parser.add_argument("--workers", type=comma_list(cli.positive_int), default="1,2",
                        help="generator workers to compare")
    parser.add_argument("--runs", type=cli.positive_int, default=3, help="runs per step")
    parser.add_argument("--steps", type=comma_list(step_name), default=",".join(STEPS),
                        help="comma-separated steps to time (the data and database the later "
                             "steps need are still made, untimed)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out-dir", type=cli.path_arg, default=BENCH_OUT_DIR,
                       help="where results.json and results.md go")
    where.add_argument("--publish", action="store_true",
                       help="write the committed bench/results.json and bench/results.md "
                            "that the README quotes (then update the README's copy)")
    args = parser.parse_args(argv)
    cli.configure_logging(args)
    out_dir = BENCH_PUBLISHED_DIR if args.publish else args.out_dir
    argv_shown = [a for a in (argv if argv is not None else sys.argv[1:])
                  if a not in ("--publish", "-q", "--quiet", "-v", "--verbose")]

    def body() -> int:
        workers = [int(w) for w in args.workers]
        scales = list(args.scales)
        results: dict[str, Any] = {
            "command": " ".join(["python bench/run.py", *argv_shown]),
            "runs": args.runs,
            "machine": {"cpus": os.cpu_count(), "system": f"{platform.system()} {platform.machine()}",
                        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
            "rows": [], "ratios": [], "generation_ratios": [], "query_plans": []}
        for scale in scales:
            log.info(f"scale {scale}")
            with tempfile.TemporaryDirectory(prefix="ecomkit-bench-") as tmp:
                rows, generation, plans = bench_scale(scale, workers, args.runs, Path(tmp),
                                                      set(args.steps))
            results["rows"] += rows
            results["ratios"].append(ratios(scale, rows))
            if generation:
                results["generation_ratios"].append(generation)
            if plans:
                results["query_plans"].append({"scale": float(scale), "queries": plans})
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        (out_dir / "results.md").write_text(markdown(results), encoding="utf-8")
        print(markdown(results))
        for name in ("results.json", "results.md"):
            print(cli.shown(out_dir / name))
        return 0

    return cli.run(PROG, body)


def step_name(text: str) -> str:
    if text not in STEPS:
        raise argparse.ArgumentTypeError(f"unknown step {text!r} (known: {', '.join(STEPS)})")
    return text


def comma_list(check):
    """An argparse type: a comma-separated list, each item checked, kept as typed text."""
    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",")]
        for item in items:
            check(item)
        return items
    return parse


if __name__ == "__main__":
    sys.exit(main())
