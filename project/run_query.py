#!/usr/bin/env python3
"""Run the CLV cohort query (default) or any named query of queries/ and export CSV + JSON."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.commands import list_named_queries, run_queries  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import OUTPUT_DIR, ROOT  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--name", help="run one named query into the results directory")
    which.add_argument("--all", action="store_true", help="run every query into the results directory")
    which.add_argument("--list", action="store_true", help="list the queries and their questions")
    parser.add_argument("--param", type=cli.name_value_arg, action="append", default=[],
                        metavar="NAME=VALUE", help="bind a query parameter (with --name)")
    cli.add(parser, "--db")
    cli.add(parser, "--out-dir", default=OUTPUT_DIR,
            help="where the default CLV query writes query_result.csv/json")
    cli.add(parser, "--results-dir", default=ROOT / "results",
            help="where --name and --all write <name>.csv/json")
    return cli.execute(parser, argv, lambda a: list_named_queries() if a.list else run_queries(
        a.db, a.name, a.all, a.param, a.out_dir, a.results_dir))


if __name__ == "__main__":
    sys.exit(main())
