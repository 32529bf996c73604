#!/usr/bin/env python3
"""Export the database (--format) or prove an export agrees with it (--verify)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.export.exporter import FORMATS  # noqa: E402
from pipeline.commands import export_database, postgres_parts, verify_export  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import EXPORTS_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--format", choices=FORMATS + ("all",),
                        help="write one format, or all, to OUT/<format>/ with a manifest.json")
    cli.add(action, "--verify", metavar="DIR", help="check an export directory (or every format "
            "inside DIR) against the database: row counts, checksums, foreign keys")
    cli.add(action, "--postgres-parts", nargs="+", metavar="DIR", help="write OUT/postgres-parts/:"
            " psql scripts that load the generator's CSVs in place, no database needed; DIR: a "
            "data directory, its K part directories, or one directory of parts (parts may load "
            "concurrently: see README)")
    cli.add(parser, "--out", default=EXPORTS_DIR,
            help="export directory; each format directory in it is replaced whole")
    cli.add(parser, "--db", "--schema")
    return cli.execute(parser, argv, lambda a: verify_export(a.verify, a.db, a.schema) if a.verify
                       else postgres_parts(a.postgres_parts, a.out, a.schema) if a.postgres_parts
                       else export_database(a.db, a.out, a.format, a.schema))


if __name__ == "__main__":
    sys.exit(main())
