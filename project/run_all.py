#!/usr/bin/env python3
"""Run the whole pipeline: generate -> ingest -> report -> CLV query -> exports and profile."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_generation.parallel import default_workers  # noqa: E402
from pipeline.steps import run_all  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import OUTPUT_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    cli.add(parser, "--seed", "--scale")
    cli.add(parser, "--workers", default=default_workers())
    cli.add(parser, "--config", "--currency", "--data-dir", "--db")
    cli.add(parser, "--out-dir", default=OUTPUT_DIR,
            help="where report.*, query_result.*, exports/ and docs/profile.* go")
    parser.add_argument("--core-only", action="store_true",
                        help="run only the four reviewer steps: no exports, no profile")
    return cli.execute(parser, argv, lambda a: run_all(
        a.data_dir, a.db, a.out_dir, a.workers, a.core_only, a.seed, a.scale, a.config, a.currency),
        database=False)


if __name__ == "__main__":
    sys.exit(main())
