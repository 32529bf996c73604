#!/usr/bin/env python3
"""Run the whole pipeline: generate -> ingest -> report -> CLV query -> exports and profile."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_generation.model import Rates, Settings, load_rates  # noqa: E402
from data_generation.parallel import default_workers  # noqa: E402
from data_generation.writer import generate  # noqa: E402
from db.export import exporter  # noqa: E402
from db.ingest.loader import ingest  # noqa: E402
from db.profile.profiler import build_profile, write_profile  # noqa: E402
from db.report.reporter import build_report, write_report  # noqa: E402
from db.connect import connect_readonly  # noqa: E402
from queries.runner import export, load_query, run  # noqa: E402
from utils import cli  # noqa: E402
from utils.currency import DEFAULT_CURRENCY  # noqa: E402
from utils.config import (CLV_QUERY, DATA_DIR, DB_PATH, DEFAULT_SCALE, DEFAULT_SEED,  # noqa: E402
                          MANIFEST_NAME, OUTPUT_DIR, SCHEMA_PATH)
from utils.errors import CheckFailed  # noqa: E402
from utils.fileio import sha256_file  # noqa: E402

PROG = "run_all.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__)
    parser.add_argument("--seed", type=cli.int_arg, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--scale", type=cli.positive_float, default=DEFAULT_SCALE,
                        help="size factor: 1 is about 2,000 users and 4,000 orders")
    parser.add_argument("--workers", type=cli.positive_int, default=default_workers(),
                        help="generator processes; the output is identical for any number")
    parser.add_argument("--config", type=cli.path_arg, metavar="FILE",
                        help="JSON file of rate overrides (see generate_data.py --help)")
    parser.add_argument("--currency", type=cli.currency_arg, default=DEFAULT_CURRENCY, metavar="CODE",
                        help="ISO 4217 code the amounts are in (default: %(default)s)")
    parser.add_argument("--data-dir", type=cli.path_arg, default=DATA_DIR, help="CSV directory")
    parser.add_argument("--db", type=cli.path_arg, default=DB_PATH, help="SQLite database file")
    parser.add_argument("--out-dir", type=cli.path_arg, default=OUTPUT_DIR,
                        help="where report.*, query_result.*, exports/ and docs/profile.* go")
    parser.add_argument("--core-only", action="store_true",
                        help="run only the four reviewer steps: no exports, no profile")
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        started = time.perf_counter()
        settings = Settings(seed=args.seed, scale=args.scale,
                            rates=load_rates(args.config) if args.config else Rates(),
                            currency=args.currency)
        manifest = generate(settings, args.data_dir, args.workers)
        written = [args.data_dir / f["file"] for f in manifest["files"] + manifest["labels"]]
        written.append(args.data_dir / MANIFEST_NAME)
        ingest(args.data_dir, args.db, SCHEMA_PATH)
        written.append(args.db)
        report = build_report(args.db, args.data_dir, SCHEMA_PATH)
        written += write_report(report, args.out_dir)
        conn = connect_readonly(args.db)
        try:
            written += export(run(conn, load_query(CLV_QUERY)), args.out_dir, "query_result")
        finally:
            conn.close()
        if not args.core_only:
            written += [d / "manifest.json" for d in exporter.export(
                args.db, args.out_dir / "exports", exporter.FORMATS, SCHEMA_PATH)]
            written += write_profile(build_profile(args.db, SCHEMA_PATH), args.out_dir / "docs")
        for path in written:
            print(f"{sha256_file(path)[:12]}  {cli.shown(path)}")
        summary = report["summary"]
        print(f"seed {args.seed}, scale {settings.scale_label}: {summary['passed']} of "
              f"{summary['checks']} checks passed in {time.perf_counter() - started:.1f} s")
        if not report["passed"]:
            raise CheckFailed("integrity checks failed: " + ", ".join(summary["failed_checks"]))
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
