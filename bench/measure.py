"""Run a script as __main__ and write its wall time and peak memory to a JSON file.

Usage: python bench/measure.py OUT.json SCRIPT [ARGS...]. Peak RSS comes from
resource.getrusage (Unix only): the process itself and, separately, its largest child
(a generator worker). Interpreter start-up is excluded from the time.
"""
from __future__ import annotations

import json
import runpy
import sys
import time

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


def peak_kib(who: int) -> int | None:
    if resource is None:
        return None
    peak = resource.getrusage(who).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def main() -> int:
    out, script = sys.argv[1], sys.argv[2]
    sys.argv = sys.argv[2:]
    started, code = time.perf_counter(), 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    elapsed = time.perf_counter() - started
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
              resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime")) if resource else None
    result = {"seconds": elapsed, "cpu_seconds": cpu, "exit": code,
              "rss_kib": peak_kib(resource.RUSAGE_SELF) if resource else None,
              "children_rss_kib": peak_kib(resource.RUSAGE_CHILDREN) if resource else None}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return code


if __name__ == "__main__":
    sys.exit(main())
