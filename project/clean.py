#!/usr/bin/env python3
"""Remove generated files only: data/, the database, reports, results, exports, profile,
benchmark output (the generated section of .gitignore lists them all)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.commands import clean  # noqa: E402
from utils import cli  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed")
    return cli.execute(parser, argv, lambda a: clean(a.dry_run))


if __name__ == "__main__":
    sys.exit(main())
