"""The listening server: a thread per connection, the addresses a browser can open, the
banner that names them, and a clean stop on Ctrl-C or SIGTERM."""
from __future__ import annotations

import argparse
import contextlib
import functools
import ipaddress
import logging
import os
import signal
import socket
import socketserver
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from api.app import Api
from api.dataset import DataDirs
from api.console import DEFAULT_MAX_ROWS, DEFAULT_TIME_LIMIT, Limits
from api.routes import ROUTES
from server.files import StaticFiles
from server.handler import DashboardHandler
from server.static import FRONTEND_URL
from utils import cli
from utils.config import DATA_DIR, DB_PATH, FRONTEND_DIR, ROOT
from utils.errors import KitError, os_reason

log = logging.getLogger(__name__)


MAX_CONNECTIONS = 64   # connections served at once, a thread each; more wait to be accepted
SLOT_WAIT = 5.0        # seconds a connection waits for a free thread before a 503
_BUSY_BODY = (b'{"error": {"code": "busy", "message": "the server is serving as many '
              b'connections as it can; try again"}}\n')
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
        % (len(_BUSY_BODY), _BUSY_BODY))


class DashboardServer(ThreadingHTTPServer):
    """A thread per connection, so a slow client does not hold up the others, and at most
    MAX_CONNECTIONS threads: a further connection waits (SLOT_WAIT), then gets a 503."""

    daemon_threads = True
    request_queue_size = 64  # socketserver's 5 drops a burst of connections (1 s SYN retry)
    # On Windows SO_REUSEADDR lets a second server bind a port already in use; ask for
    # exclusive use there instead, so "port in use" is reported on every platform.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address: tuple[str, int], root: Path, quiet: bool,
                 request_timeout: float, api: Api, max_connections: int = MAX_CONNECTIONS) -> None:
        self.root, self.quiet, self.request_timeout, self.api = root, quiet, request_timeout, api
        self.files = StaticFiles(root)
        self.slots = threading.BoundedSemaphore(max_connections)
        self.slot_wait = SLOT_WAIT
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, DashboardHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a reverse DNS lookup that
        # can take seconds on some machines; nothing here needs the fully qualified name.
        if os.name == "nt" and hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        if self.address_family == socket.AF_INET6 and hasattr(socket, "IPV6_V6ONLY"):
            with contextlib.suppress(OSError):  # '::' serves IPv4 too, as http.server's does
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(timeout=self.slot_wait):
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request is routine; anything else gets the full traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            log.debug("connection from %s dropped: %s", client_address[0], sys.exc_info()[1])
            return
        super().handle_error(request, client_address)

    @functools.cached_property
    def loopback_only(self) -> bool:   # asked on every request; the address never changes
        try:
            return ipaddress.ip_address(self.server_address[0]).is_loopback
        except ValueError:
            return False

    @property
    def url(self) -> str:
        """The dashboard's address as a browser on this machine opens it."""
        return f"{self.origins[0]}{FRONTEND_URL}"

    @property
    def origins(self) -> list[str]:
        """http://host:port for each address a browser can open, this machine's first.

        A wildcard address (0.0.0.0, ::) is where the server listens, not an address a
        browser can open: it is shown as the loopback address, and as this machine's
        address on the network when that is known.
        """
        host, port = self.server_address[:2]
        if not ipaddress.ip_address(host).is_unspecified:
            return [f"http://{_url_host(host)}:{port}"]
        hosts = [self._loopback()]
        outward = outward_address(socket.AF_INET if hosts[0] == "127.0.0.1" else socket.AF_INET6)
        if outward is not None:
            hosts.append(outward)
        return [f"http://{_url_host(h)}:{port}" for h in hosts]

    def _loopback(self) -> str:
        """127.0.0.1 unless the server listens on IPv6 only."""
        if self.address_family != socket.AF_INET6:
            return "127.0.0.1"
        try:
            v6only = self.socket.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
        except (OSError, AttributeError):
            v6only = 1
        return "::1" if v6only else "127.0.0.1"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def outward_address(family: int) -> str | None:
    """This machine's address on its default route, or None (no route, or loopback only).

    Connecting a UDP socket sends nothing: the kernel only picks the route and the local
    address for it. No DNS lookup (gethostbyname(gethostname()) can take seconds, and
    often answers 127.0.1.1). The target is a documentation address (RFC 5737, 3849).
    """
    target = "192.0.2.1" if family == socket.AF_INET else "2001:db8::1"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    return None if ip.is_loopback or ip.is_unspecified or ip.is_link_local else str(ip)


def make_server(host: str = "127.0.0.1", port: int = 8000, root: Path | None = None,
                quiet: bool = False, request_timeout: float = 10.0, db_path: Path | None = None,
                data_dir: DataDirs | None = None, sql_limits: Limits | None = None,
                warm: bool = True, max_connections: int = MAX_CONNECTIONS) -> DashboardServer:
    """A bound, listening server for ``root`` (default: this repository), not yet serving;
    port 0 picks a free port.

    The API reads ``db_path`` (default: db/ecommerce.db under ``root``) and compares it with
    the CSVs in ``data_dir`` (default: data/ under ``root``; a list: a dataset's part
    directories). Neither has to exist yet: until
    the database does, the API answers 503 and the dashboard says so. ``sql_limits``
    bounds /api/sql (default: 1 s and 1,000 rows); ``max_connections`` the connections
    served at once (a thread each). ``warm`` computes the cached aggregates
    and the CSV hashes in a background thread, so the first client does not wait for them.
    """
    root = Path(root or ROOT).resolve()
    index = root / FRONTEND_DIR.relative_to(ROOT) / "index.html"
    if not index.is_file():
        raise KitError(f"no dashboard at {index}; is --root the repository?")
    api = Api(Path(db_path) if db_path else root / DB_PATH.relative_to(ROOT),
              data_dir if data_dir else root / DATA_DIR.relative_to(ROOT), root, ROUTES,
              sql_limits)
    try:
        server = DashboardServer((host, port), root, quiet, request_timeout, api,
                                 max_connections)
    except OSError as exc:
        reason = os_reason(exc)
        hint = " (another server is running there? try --port 0)" if port else ""
        raise KitError(f"cannot listen on {host}:{port}: {reason}{hint}") from None
    if warm:  # the aggregates and the CSV hashes, before the first client asks (api.Api.warm)
        threading.Thread(target=api.warm, name="warm", daemon=True).start()
    return server


def banner(server: DashboardServer, host: str) -> list[str]:
    """The lines that say where the dashboard and the API answer (``host`` as given)."""
    local, *network = server.origins
    lines = [f"Server running at {local}{FRONTEND_URL}"]
    if network:
        lines.append(f"From other machines (listening on {host}): "
                     f"{', '.join(o + FRONTEND_URL for o in network)}")
    lines.append(f"API: {local}/api/ (documented at {local}/api/docs)")
    return lines


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(server: DashboardServer, announce: Callable[[], None]) -> None:
    """Announce, then serve until Ctrl-C (SIGINT) or SIGTERM; either ends the process cleanly.

    The handlers are set explicitly: a process started from a background job inherits an
    ignored SIGINT, and a supervisor stops services with SIGTERM. They are set before the
    announcement, so a signal sent as soon as the URL is printed still ends cleanly.
    """
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        announce()
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def add_sql_options(parser: argparse.ArgumentParser) -> None:
    """--sql-time-limit and --sql-max-rows: the bounds of /api/sql."""
    parser.add_argument("--sql-time-limit", type=cli.positive_float, default=DEFAULT_TIME_LIMIT,
                        metavar="SECONDS", help="a query of /api/sql is stopped after this "
                        "long (default: %(default)s)")
    parser.add_argument("--sql-max-rows", type=cli.positive_int, default=DEFAULT_MAX_ROWS,
                        metavar="ROWS", help="rows /api/sql returns at most; more sets "
                        "truncated (default: %(default)s)")


def sql_limits(args: argparse.Namespace) -> Limits:
    return Limits(args.sql_time_limit, args.sql_max_rows)


def port_arg(text: str) -> int:
    """A TCP port on the command line: 0-65535 (0: the system picks a free one)."""
    port = cli.int_arg(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0-65535, got {text!r}")
    return port
