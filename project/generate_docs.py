#!/usr/bin/env python3
"""Generate docs/data_dictionary.md from db/schema.sql, or check that it is current (--check)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.dictionary.markdown import check_dictionary, write_dictionary  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DICTIONARY_PATH, SCHEMA_PATH  # noqa: E402

PROG = "generate_docs.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file differs from what would be "
                             "generated")
    parser.add_argument("--schema", type=cli.path_arg, default=SCHEMA_PATH, help="schema file")
    parser.add_argument("--out", type=cli.path_arg, default=DICTIONARY_PATH,
                        help="data dictionary to write or check")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        if args.check:
            check_dictionary(args.schema, args.out)
            print(f"{cli.shown(args.out)}: up to date")
            return 0
        print(cli.shown(write_dictionary(args.schema, args.out)))
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
