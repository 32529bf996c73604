#!/usr/bin/env python3
"""Profile every data table of the database into docs/profile.json and docs/profile.html."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.profile.profiler import build_profile, write_profile  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DB_PATH, DOCS_DIR, SCHEMA_PATH  # noqa: E402

PROG = "profile_data.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    parser.add_argument("--db", type=cli.path_arg, default=DB_PATH, help="SQLite database file")
    parser.add_argument("--schema", type=cli.path_arg, default=SCHEMA_PATH, help="schema file")
    parser.add_argument("--out-dir", type=cli.path_arg, default=DOCS_DIR,
                        help="where profile.json and profile.html are written")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        for path in write_profile(build_profile(args.db, args.schema), args.out_dir):
            print(cli.shown(path))
        return 0

    return cli.run(PROG, body, database=args.db)


if __name__ == "__main__":
    sys.exit(main())
