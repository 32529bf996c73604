#!/usr/bin/env python3
"""Generate the synthetic e-commerce CSVs and data/manifest.json (deterministic per seed)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_generation.model import DEFAULT_END, DEFAULT_START  # noqa: E402
from data_generation.parallel import default_workers  # noqa: E402
from pipeline.commands import generate_data, verify_data  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DATA_DIR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = cli.command(__file__, __doc__)
    cli.actions(parser, generate="write a new dataset (with --as-of: the store as of that day)",
                changes="write the change batch for the days after --from up to --to into --out",
                verify="check the files of the data directory against its manifest")
    cli.add(parser, "--seed", "--scale", "--as-of", "--from", "--to")
    cli.add(parser, "--out", default=DATA_DIR, help="data or batch directory (replaced whole)")
    cli.add(parser, "--start", default=DEFAULT_START, help="first day of the order window")
    cli.add(parser, "--end", default=DEFAULT_END, help="last day of the window (inclusive)")
    cli.add(parser, "--workers", default=default_workers())
    cli.add(parser, "--parts", "--part")
    cli.add(parser, "--currency", help="ISO 4217 code the amounts are in, recorded in the "
            "manifest and shown by the report, the API and the dashboard (default: the --config "
            "file's \"currency\", else USD)")
    cli.add(parser, "--config", help='JSON file of rate overrides and a currency, {"currency": '
            '"EUR", "rates": {"cancel_rate": 0.05}}; the defaults are explained in design_notes.md')
    return cli.execute(parser, argv, lambda a: verify_data(a.out, (a.as_of, a.from_, a.to))
                       if a.verify else generate_data(a.out, a.workers, a.part, a.parts, a.quiet,
        a.seed, a.scale, a.config, a.currency, a.start, a.end, dates=(a.as_of, a.from_, a.to),
        changes=a.changes))


if __name__ == "__main__":
    sys.exit(main())
