#!/usr/bin/env python3
"""Profile every data table of the database into docs/profile.json and docs/profile.html."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.commands import profile  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DOCS_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    cli.add(parser, "--db", "--schema")
    cli.add(parser, "--out-dir", default=DOCS_DIR, help="where profile.json and profile.html are written")
    return cli.execute(parser, argv, lambda a: profile(a.db, a.schema, a.out_dir))


if __name__ == "__main__":
    sys.exit(main())
