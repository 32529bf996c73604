#!/usr/bin/env python3
"""Run the CLV cohort query (default) or any named query of queries/ and export CSV + JSON."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.connect import connect_readonly  # noqa: E402
from queries.runner import export, list_queries, load_query, run  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import CLV_QUERY, DB_PATH, OUTPUT_DIR, ROOT  # noqa: E402
from utils.errors import UsageError  # noqa: E402

PROG = "run_query.py"


def param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise cli.argparse.ArgumentTypeError(f"must be NAME=VALUE, got {text!r}")
    return name, value


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--name", help="run one named query into the results directory")
    which.add_argument("--all", action="store_true", help="run every query into the results directory")
    which.add_argument("--list", action="store_true", help="list the queries and their questions")
    parser.add_argument("--param", type=param, action="append", default=[], metavar="NAME=VALUE",
                        help="bind a query parameter (with --name)")
    parser.add_argument("--db", type=cli.path_arg, default=DB_PATH, help="SQLite database file")
    parser.add_argument("--out-dir", type=cli.path_arg, default=OUTPUT_DIR,
                        help="where the default CLV query writes query_result.csv/json")
    parser.add_argument("--results-dir", type=cli.path_arg, default=ROOT / "results",
                        help="where --name and --all write <name>.csv/json")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        if args.list:
            for query in list_queries():
                print(f"{query.path.stem}: {query.question}")
            return 0
        if args.param and not args.name:
            raise UsageError("--param needs --name")
        conn = connect_readonly(args.db)
        try:
            if args.all or args.name:
                queries = list_queries() if args.all else [load_query(args.name)]
                written = []
                for query in queries:
                    result = run(conn, query, query.parse(args.param))
                    written += export(result, args.results_dir, query.path.stem)
            else:
                written = export(run(conn, load_query(CLV_QUERY)), args.out_dir, "query_result")
        finally:
            conn.close()
        for path in written:
            print(cli.shown(path))
        return 0

    return cli.run(PROG, body, database=args.db)


if __name__ == "__main__":
    sys.exit(main())
