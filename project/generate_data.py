#!/usr/bin/env python3
"""Generate the synthetic e-commerce CSVs and data/manifest.json (deterministic per seed)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_generation.model import DEFAULT_END, DEFAULT_START, Rates, Settings, load_rates  # noqa: E402
from data_generation.parallel import default_workers  # noqa: E402
from data_generation.writer import Part, generate, verify  # noqa: E402
from utils import cli  # noqa: E402
from utils.config import DATA_DIR, DEFAULT_SCALE, DEFAULT_SEED  # noqa: E402
from utils.currency import DEFAULT_CURRENCY  # noqa: E402
from utils.errors import CheckFailed, UsageError  # noqa: E402
from utils.progress import Progress  # noqa: E402

PROG = "generate_data.py"


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise cli.argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--generate", action="store_true", help="write a new dataset")
    action.add_argument("--verify", action="store_true",
                        help="check the files of the data directory against its manifest")
    parser.add_argument("--seed", type=cli.int_arg, default=DEFAULT_SEED,
                        help="random seed: the same seed and scale give the same bytes")
    parser.add_argument("--scale", type=cli.positive_float, default=DEFAULT_SCALE,
                        help="size factor: 1 is about 2,000 users and 4,000 orders")
    parser.add_argument("--out", type=cli.path_arg, default=DATA_DIR,
                        help="data directory to write (replaced whole)")
    parser.add_argument("--start", type=iso_date, default=DEFAULT_START,
                        help="first day of the order window")
    parser.add_argument("--end", type=iso_date, default=DEFAULT_END,
                        help="last day of the order window (inclusive)")
    parser.add_argument("--workers", type=cli.positive_int, default=default_workers(),
                        help="generator processes; the output is identical for any number")
    parser.add_argument("--parts", type=cli.positive_int, metavar="K",
                        help="split the dataset into K parts and write only --part (like dbgen -C)")
    parser.add_argument("--part", type=cli.positive_int, metavar="I",
                        help="which part to write, 1..K (like dbgen -S); the parts' files, "
                             "concatenated in order with one header, equal the whole dataset")
    parser.add_argument("--currency", type=cli.currency_arg, default=DEFAULT_CURRENCY, metavar="CODE",
                        help="ISO 4217 code the amounts are in, recorded in the manifest and shown "
                             "by the report, the API and the dashboard; the data is the same "
                             "(default: %(default)s)")
    parser.add_argument("--config", type=cli.path_arg, metavar="FILE",
                        help='JSON file of rate overrides, {"rates": {"cancel_rate": 0.05}}; '
                             "the defaults are explained in design_notes.md")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        if args.verify:
            problems = verify(args.out)
            if problems:
                raise CheckFailed(f"{len(problems)} file(s) differ from the manifest: {problems[0]}")
            print(f"{cli.shown(args.out)}: every file matches manifest.json")
            return 0
        if (args.parts is None) != (args.part is None):
            raise UsageError("--parts and --part go together")
        if args.parts is not None and args.part > args.parts:
            raise UsageError(f"--part {args.part} is beyond --parts {args.parts}")
        part = Part(args.part, args.parts) if args.parts else None
        rates = load_rates(args.config) if args.config else Rates()
        settings = Settings(seed=args.seed, scale=args.scale, start=args.start, end=args.end,
                            rates=rates, currency=args.currency)
        progress = Progress("generating", enabled=not args.quiet)
        try:
            manifest = generate(settings, args.out, args.workers, part, progress)
        finally:
            progress.close()
        for entry in manifest["files"] + manifest.get("labels", []):
            print(f"{cli.shown(args.out / entry['file'])}\t{entry['rows']} rows")
        print(f"{cli.shown(args.out / 'manifest.json')}")
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
