#!/usr/bin/env python3
"""Generate docs/data_dictionary.md from db/schema.sql, or check that it is current (--check)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.commands import dictionary  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DICTIONARY_PATH  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file differs from what would be "
                             "generated")
    cli.add(parser, "--schema")
    cli.add(parser, "--out", default=DICTIONARY_PATH, help="data dictionary to write or check")
    return cli.execute(parser, argv, lambda a: dictionary(a.schema, a.out, a.check))


if __name__ == "__main__":
    sys.exit(main())
