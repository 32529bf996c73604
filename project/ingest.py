#!/usr/bin/env python3
"""Load the CSVs into SQLite (--ingest), apply a change batch (--apply DIR), or report
integrity and trends (--report)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.commands import apply_changes, ingest_data, report  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import OUTPUT_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    group = cli.actions(parser, ingest="build the database from the schema and the CSVs "
                        "(all or nothing)",
                        report="write report.md and report.json; exit 1 if any check fails")
    group.add_argument("--apply", type=cli.path_arg, metavar="DIR",
                       help="apply the change batch in DIR (generate_data.py --changes) to "
                       "the database in one transaction")
    cli.add(parser, "--data-dir", nargs="+", metavar="DIR",
            help="CSV directory, or the K parts of one dataset (generate_data.py --parts K) "
                 "read as one: the K part directories, or one directory whose sub-directories "
                 "are the parts")
    cli.add(parser, "--db", "--schema")
    cli.add(parser, "--out-dir", default=OUTPUT_DIR,
            help="where --report writes report.md and report.json")
    return cli.execute(parser, argv, lambda a: ingest_data(a.data_dir, a.db, a.schema, a.quiet)
                       if a.ingest else apply_changes(a.apply, a.db, a.schema) if a.apply
                       else report(a.db, a.data_dir, a.schema, a.out_dir))


if __name__ == "__main__":
    sys.exit(main())
