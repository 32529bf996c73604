"""The generation part of the benchmark: the generator at each worker count, the last of
four parts alone, and a minimal standard-library writer of the same row count timed in
the same run (the speed of light for pure Python), reported as ratios.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "minimal stdlib writer (same rows)"
LAST_PART = "generate --parts 4 --part 4"


def data_rows(data_dir: Path) -> int:
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    return sum(f["rows"] for f in manifest["files"])


def bench_generation(scale: str, workers_list: list[int], runs: int, work: Path,
                     measure: Callable[[list[str], int], dict], add: Callable) -> dict[str, Any]:
    """Time the generation steps (``add`` records each row); return their ratios."""
    data_dir, results = work / "data", {}
    for workers in workers_list:
        results[workers] = measure(["project/generate_data.py", "--generate", "--scale", scale,
                                    "--workers", str(workers), "--out", str(data_dir), "-q"], runs)
        add("generate", results[workers], data_rows(data_dir), workers)
    rows = data_rows(data_dir)
    baseline = measure([str(ROOT / "bench" / "baseline_writer.py"), str(work / "baseline"),
                        str(rows)], runs)
    add(BASELINE, baseline, rows, 1)
    part = measure(["project/generate_data.py", "--generate", "--scale", scale, "--workers", "1",
                    "--parts", "4", "--part", "4", "--out", str(work / "part4"), "-q"], runs)
    add(LAST_PART, part, data_rows(work / "part4"), 1)
    whole = results.get(1)
    return {
        "scale": float(scale),
        "vs_minimal_writer": {str(w): round(baseline["median_s"] / r["median_s"], 2)
                              for w, r in results.items()},
        "workers_2_vs_1": round(whole["median_s"] / results[2]["median_s"], 2)
        if whole and 2 in results else None,
        "last_part_cpu_vs_whole": round(part["cpu_s"] / whole["cpu_s"], 2) if whole else None,
    }


def ratio_lines(ratio: dict[str, Any], scale_text: str) -> list[str]:
    """The generation ratios of one scale as a paragraph."""
    speed = ", ".join(f"{x}x with {w} worker{'s' if w != '1' else ''}"
                      for w, x in ratio["vs_minimal_writer"].items())
    text = (f"Scale {scale_text}: generation runs at {speed} the rows/s of a minimal "
            "standard-library csv writer of the same row count (one process)")
    if ratio["workers_2_vs_1"] is not None:
        text += f"; 2 workers are {ratio['workers_2_vs_1']}x as fast as 1"
    if ratio["last_part_cpu_vs_whole"] is not None:
        text += (f"; part 4 of 4 alone costs {ratio['last_part_cpu_vs_whole']}x the CPU time "
                 "(user + system) of the whole run")
    return ["", text + "."]
