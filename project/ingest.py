#!/usr/bin/env python3
"""Load the CSVs into SQLite (--ingest), or report integrity and trends (--report)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.ingest.loader import ingest  # noqa: E402
from db.report.reporter import build_report, write_report  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DATA_DIR, DB_PATH, OUTPUT_DIR, SCHEMA_PATH  # noqa: E402
from utils.errors import CheckFailed  # noqa: E402
from utils.progress import Progress  # noqa: E402

PROG = "ingest.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--ingest", action="store_true",
                        help="build the database from the schema and the CSVs (all or nothing)")
    action.add_argument("--report", action="store_true",
                        help="write report.md and report.json; exit 1 if any check fails")
    parser.add_argument("--data-dir", type=cli.path_arg, default=DATA_DIR, help="CSV directory")
    parser.add_argument("--db", type=cli.path_arg, default=DB_PATH, help="SQLite database file")
    parser.add_argument("--schema", type=cli.path_arg, default=SCHEMA_PATH, help="schema file")
    parser.add_argument("--out-dir", type=cli.path_arg, default=OUTPUT_DIR,
                        help="where --report writes report.md and report.json")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        if args.ingest:
            progress = Progress("ingest", enabled=not args.quiet)
            try:
                loaded = ingest(args.data_dir, args.db, args.schema, progress=progress)
            finally:
                progress.close()
            print(f"{cli.shown(args.db)}\t{sum(f.rows for f in loaded)} rows "
                  f"from {len(loaded)} files")
            return 0
        report = build_report(args.db, args.data_dir, args.schema)
        for path in write_report(report, args.out_dir):
            print(cli.shown(path))
        summary = report["summary"]
        if not report["passed"]:
            raise CheckFailed(f"{summary['failed']} of {summary['checks']} integrity checks failed: "
                              f"{', '.join(summary['failed_checks'])} (see report.md)")
        return 0

    return cli.run(PROG, body, database=args.db)


if __name__ == "__main__":
    sys.exit(main())
