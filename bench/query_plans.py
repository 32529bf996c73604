"""Each library query against the best plan measured for it in the same run (issue 17).

For every query of queries/ (the CLV query, join_query, among them) the kit's SQL on the
kit's schema is timed against: the same SQL on a copy of the database with each candidate
covering index of bench/plans/candidates.sql, and with all of them at once; and any
hand-rewritten equivalent in bench/plans/<query>.sql. A plan counts only if it returns
the kit's rows, in the kit's order; a candidate index the planner does not use for the
query leaves the kit's plan and is not timed. The time is the CPU time of this process
(SQLite runs in it), the least of ``runs`` interleaved runs (bench/run.py asks at least 5)
after a warm-up: on a shared machine wall time measures the neighbours. The ratio is the
kit's time over the best one (target <= 1.2); at a load average of 10-17 on 2 cores the
least of 5 still moved by up to 20% between identical plans.
"""
from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from queries.runner import Query, list_queries
from utils.config import ROOT

PLANS_DIR = ROOT / "bench" / "plans"
TARGET = 1.2
log = logging.getLogger("bench")
_INDEX = re.compile(r"CREATE INDEX (\w+) ON [^;]+", re.I)
_KEY = re.compile(r"ON (\w+) \(([^)]*)\)")


def candidate_indexes(path: Path) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) for each candidate, in file order."""
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("--"))
    return [(m.group(1), m.group(0)) for m in _INDEX.finditer(text)]


def rewrites(query: Query, plans_dir: Path) -> list[tuple[str, str]]:
    """A hand-rewritten equivalent of ``query`` (bench/plans/<stem>.sql), if there is one."""
    path = plans_dir / f"{query.path.stem}.sql"
    return [(f"rewrite {path.name}", path.read_text(encoding="utf-8"))] if path.is_file() else []


def cpu_run(conn: sqlite3.Connection, sql: str, params: dict) -> tuple[float, list]:
    started = time.process_time()
    rows = conn.execute(sql, params).fetchall()
    return time.process_time() - started, rows


def copies(db: Path, work: Path, plans_dir: Path) -> dict[str, sqlite3.Connection]:
    """The kit's database and one copy per candidate index (and one with them all)."""
    conns = {"kit": sqlite3.connect(f"file:{db}?mode=ro", uri=True)}
    existing = index_keys(conns["kit"])
    candidates = []
    for name, sql in candidate_indexes(plans_dir / "candidates.sql"):
        key = _KEY.search(sql)
        if (key.group(1), tuple(c.strip() for c in key.group(2).split(","))) in existing:
            log.info(f"  candidate {name} is already in the schema: not compared")
        else:
            candidates.append((name, sql))
    for label, statements in [*((name, [sql]) for name, sql in candidates),
                              ("all candidates", [sql for _, sql in candidates])]:
        target = work / f"plan-{len(conns)}.db"
        shutil.copyfile(db, target)
        conn = sqlite3.connect(target)
        for statement in statements:
            conn.execute(statement)
        conns[label] = conn
    return conns


def index_keys(conn: sqlite3.Connection) -> set[tuple[str, tuple[str, ...]]]:
    """(table, key columns) of every index of the database."""
    return {(table, tuple(row[2] for row in conn.execute(f"PRAGMA index_info({name})")))
            for name, table in conn.execute("SELECT name, tbl_name FROM sqlite_master "
                                            "WHERE type = 'index'")}


def compare_query(query: Query, conns: dict[str, sqlite3.Connection], runs: int,
                  plans_dir: Path = PLANS_DIR) -> dict[str, Any]:
    """The kit's plan and every other plan for one query: least CPU seconds of ``runs``.

    A candidate index that leaves the kit's plan as it was is not timed (its difference
    would be noise): it is listed under ``same_plan``.
    """
    params = query.bind()
    kit_plan = plan_of(conns["kit"], query.sql, params)
    plans = [(label, conn, query.sql) for label, conn in conns.items()
             if label == "kit" or plan_of(conn, query.sql, params) != kit_plan]
    same = [label for label in conns if label not in {p[0] for p in plans}]
    plans += [(label, conns["kit"], sql) for label, sql in rewrites(query, plans_dir)]
    _, expected = cpu_run(conns["kit"], query.sql, params)  # warm-up, and the kit's rows
    best: dict[str, float] = {}
    mismatched = []
    for _ in range(runs):
        for label, conn, sql in plans:
            seconds, rows = cpu_run(conn, sql, params)
            if rows != expected:
                mismatched.append(label)
                continue
            best[label] = min(best.get(label, seconds), seconds)
    for label in sorted(set(mismatched)):
        best.pop(label, None)
        log.warning(f"  {query.path.stem}: plan {label!r} returns other rows; not counted")
    best = {label: round(seconds, 6) for label, seconds in best.items()}
    winner = min(best, key=lambda label: (best[label], label != "kit"))
    return {"query": query.path.stem, "kit_cpu_s": best["kit"], "best_plan": winner,
            "best_cpu_s": best[winner],
            "ratio": round(best["kit"] / best[winner], 2) if best[winner] else 1.0,
            "plans": dict(sorted(best.items())), "same_plan": same}


def plan_of(conn: sqlite3.Connection, sql: str, params: dict) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def compare_plans(db: Path, work: Path, runs: int,
                  plans_dir: Path = PLANS_DIR) -> list[dict[str, Any]]:
    """One row per library query: the kit's plan against the best one measured."""
    work.mkdir(parents=True, exist_ok=True)
    conns = copies(db, work, plans_dir)
    try:
        results = []
        for query in list_queries():
            row = compare_query(query, conns, runs, plans_dir)
            log.info(f"  query {row['query']:<22} kit {row['kit_cpu_s']:7.3f} s CPU, best "
                     f"{row['best_cpu_s']:7.3f} s ({row['best_plan']}): {row['ratio']}x")
            results.append(row)
        return results
    finally:
        for conn in conns.values():
            conn.close()


def plan_table(scale: Any, rows: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: each query's CPU time against the best plan measured for it."""
    if not rows:
        return []
    lines = ["", f"Scale {scale}: each library query (CPU seconds, least of the runs) against the "
             f"best plan measured for it in the same run (target: at most {TARGET}x).", "",
             "| query | kit s | best s | best plan | kit / best |", "|---|---|---|---|---|"]
    lines += [f"| {r['query']} | {r['kit_cpu_s']:.3f} | {r['best_cpu_s']:.3f} | {r['best_plan']} | "
              f"{r['ratio']} |" for r in rows]
    return lines
