"""Speed-of-light baseline for generation: ROWS rows of random values written with
csv.writer in one process: no model, no keys to keep consistent, no checks. What the
generator's rows/s are compared against in the same benchmark run. Not used by the kit.
Usage: python bench/baseline_writer.py OUT_DIR ROWS"""
from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
STATUSES = ("cancelled", "delivered", "paid", "shipped")


def main() -> int:
    out_dir, rows = Path(sys.argv[1]), int(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    rand = random.Random(42).random
    with open(out_dir / "rows.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("id", "ref", "name", "amount", "at", "status"))
        for key in range(1, rows + 1):
            writer.writerow((key, int(rand() * 100_000), WORDS[int(rand() * 8)],
                             f"{rand() * 1000:.2f}",
                             f"2024-{1 + int(rand() * 12):02d}-{1 + int(rand() * 28):02d} "
                             f"{int(rand() * 24):02d}:{int(rand() * 60):02d}:{int(rand() * 60):02d}",
                             STATUSES[int(rand() * 4)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
