"""The benchmark's tables: results.md from results.json's rows, and the ratios it quotes."""
from __future__ import annotations

from typing import Any

from bench.generation import ratio_lines
from bench.query_plans import plan_table


def _scale(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"Measured with `{results['command']}` on {m['cpus']} CPUs, {m['system']}, "
             f"Python {m['python']}, SQLite {m['sqlite']}; median of {results['runs']} runs "
             "(min-max), each step in a fresh process.", "",
             "| step | scale | workers | rows | median s (min-max) | rows/s | peak RSS MiB |",
             "|---|---|---|---|---|---|---|"]
    for r in results["rows"]:
        if "requests_per_s" in r:
            continue
        lines.append(f"| {r['step']} | {_scale(r['scale'])} | {r['workers'] or ''} | {r['rows']:,} | "
                     f"{r['median_s']:.2f} ({r['min_s']:.2f}-{r['max_s']:.2f}) | "
                     f"{'' if not r['rows_per_s'] else format(r['rows_per_s'], ',')} | "
                     f"{'' if r['peak_rss_mib'] is None else r['peak_rss_mib']} |")
    api = [r for r in results["rows"] if "requests_per_s" in r]
    if api:
        lines += ["", "| API, scale | requests/s | p50 ms | p90 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
        lines += [f"| {_scale(r['scale'])} | {r['requests_per_s']:,} | {r['p50_ms']} | {r['p90_ms']} | "
                  f"{r['p99_ms']} | {r['errors']} |" for r in api]
        from bench.api_wrk import endpoint_table
        for r in api:
            lines += endpoint_table(_scale(r["scale"]), r.get("endpoints", []))
    for ratio in results["ratios"]:
        lines += ratio_sentence(ratio)
    for plans in results.get("query_plans", []):
        lines += plan_table(_scale(plans["scale"]), plans["queries"])
    for ratio in results.get("generation_ratios", []):
        lines += ratio_lines(ratio, str(_scale(ratio["scale"])))
    return "\n".join(lines) + "\n"



def ratio_sentence(ratio: dict[str, Any]) -> list[str]:
    """The ingest and report ratios of one scale, as far as the steps run measured them."""
    if ratio["vs_bare_executemany"] is None:
        return []
    report = ("" if ratio["report_vs_ingest"] is None
              else f"; the report takes {ratio['report_vs_ingest']}x the ingest's time")
    cpu = ratio.get("cpu", {})
    return ["", f"Scale {_scale(ratio['scale'])}: ingest with every check runs at "
            f"{ratio['vs_sqlite_shell']}x the speed of the tuned sqlite3 shell's .import into the "
            f"same schema and {ratio['vs_bare_executemany']}x that of a bare executemany load "
            f"(speed ratios, above 1 is faster){report}. In CPU seconds (fairer on a shared "
            f"machine): {cpu.get('vs_sqlite_shell')}x the shell, "
            f"{cpu.get('vs_bare_executemany')}x the bare load, report "
            f"{cpu.get('report_vs_ingest')}x the ingest."]


def ratios(scale: str, rows: list[dict]) -> dict[str, Any]:
    """Speed ratios against the reference loaders, and the report's time over the ingest's,
    in wall time and (under "cpu") in CPU seconds."""
    by_step = {r["step"]: r for r in rows}
    ingest = by_step.get("ingest (all checks)") or {}

    def over(step: str, key: str) -> float | None:  # the step's time over the ingest's
        other = by_step.get(step) or {}
        return round(other[key] / ingest[key], 2) if ingest.get(key) and other.get(key) else None

    def all_ratios(key: str) -> dict[str, float | None]:
        return {"vs_sqlite_shell": over("sqlite3 shell .import (tuned)", key),
                "vs_bare_executemany": over("python executemany, no checks", key),
                "report_vs_ingest": over("report", key)}
    return {"scale": float(scale), **all_ratios("median_s"), "cpu": all_ratios("cpu_s")}
