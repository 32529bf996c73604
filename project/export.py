#!/usr/bin/env python3
"""Export the database (--format) or prove an export agrees with it (--verify)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.export.exporter import FORMATS, export  # noqa: E402
from db.export.verify import verify_exports  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DB_PATH, EXPORTS_DIR, SCHEMA_PATH  # noqa: E402

PROG = "export.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--format", choices=FORMATS + ("all",),
                        help="write one format, or all, to OUT/<format>/ with a manifest.json")
    action.add_argument("--verify", type=cli.path_arg, metavar="DIR",
                        help="check an export directory (or every format inside DIR) against "
                             "the database: row counts, checksums, foreign keys")
    parser.add_argument("--out", type=cli.path_arg, default=EXPORTS_DIR,
                        help="export directory; each format directory in it is replaced whole")
    parser.add_argument("--db", type=cli.path_arg, default=DB_PATH, help="SQLite database file")
    parser.add_argument("--schema", type=cli.path_arg, default=SCHEMA_PATH, help="schema file")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        if args.verify:
            for result in verify_exports(args.verify, args.db, args.schema):
                print(f"{cli.shown(result.directory)}\t{result.format}: {result.tables} "
                      f"tables, {result.rows} rows agree with the database")
            return 0
        formats = FORMATS if args.format == "all" else (args.format,)
        for directory in export(args.db, args.out, formats, args.schema):
            print(cli.shown(directory))
        return 0

    return cli.run(PROG, body, database=args.db)


if __name__ == "__main__":
    sys.exit(main())
