#!/usr/bin/env python3
"""Write example_run.md: the real output of a full run, made by running the commands.

The commands run in a fresh copy of the source tree; the transcript replaces that copy's
path with "." and elapsed times with "<t>", so the file only changes when the output does.
--check exits 1 when the committed example_run.md differs from a new run.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.transcript import example_run  # noqa: E402
from utils import cli  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if example_run.md is stale")
    return cli.execute(parser, argv, lambda a: example_run(a.check))


if __name__ == "__main__":
    sys.exit(main())
