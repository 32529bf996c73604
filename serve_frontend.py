#!/usr/bin/env python3
"""Serve the dashboard (frontend/), the published artifacts and the read-only JSON API."""
from __future__ import annotations

import sys
from typing import Sequence

from server.serve import add_sql_options, banner, make_server, port_arg, serve_until_stopped, sql_limits
from utils import cli

PROG = "serve_frontend.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.make_parser(PROG, __doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on; 0.0.0.0 exposes the dashboard to the network")
    parser.add_argument("--port", type=port_arg, default=8000, help="TCP port; 0 picks a free one")
    parser.add_argument("--root", type=cli.path_arg, default=None,
                        help="repository whose frontend/ and report files are served "
                             "(default: the one this script is in, whatever the working directory)")
    parser.add_argument("--db", type=cli.path_arg, default=None, help="SQLite database the /api/ endpoints "
                        "read, opened read-only (default: db/ecommerce.db under --root)")
    parser.add_argument("--data-dir", type=cli.path_arg, nargs="+", default=None, metavar="DIR", help="CSV directory "
                        "(or part directories) /api/health compares with the database's SHA-256s (default: data/ under --root)")
    add_sql_options(parser)
    args = parser.parse_args(argv)
    cli.configure_logging(args)

    def body() -> int:
        with make_server(args.host, args.port, args.root, args.quiet, db_path=args.db,
                         data_dir=args.data_dir, sql_limits=sql_limits(args)) as server:
            serve_until_stopped(server, lambda: print(*banner(server, args.host), sep="\n", flush=True))
        return 0

    return cli.run(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
