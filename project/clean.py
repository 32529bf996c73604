#!/usr/bin/env python3
"""Remove generated files only: data/, the database, reports, results, exports, profile,
benchmark output (the generated section of .gitignore lists them all)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from utils import cli  # noqa: E402
from utils.config import ROOT  # noqa: E402
from utils.errors import KitError  # noqa: E402
from utils.generated import generated_paths  # noqa: E402

PROG = "clean.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        try:
            paths = generated_paths(ROOT)
        except (OSError, ValueError) as exc:
            raise KitError(f"cannot read the generated paths from .gitignore: {exc}") from None
        for path in paths:
            name = cli.shown(path)
            if not args.dry_run:
                try:
                    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
                except OSError as exc:
                    raise KitError(f"cannot remove {name}: {exc.strerror or exc}") from None
            print(f"{'would remove' if args.dry_run else 'removed'} {name}")
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
