"""Running the API for real in tests: a server on an ephemeral port over a small dataset."""
from __future__ import annotations

import http.client
import json
import shutil
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import helpers
from server.serve import DashboardServer, make_server

TIMEOUT = 10


def site(directory: Path) -> Path:
    """A served tree with just the dashboard: what make_server needs besides the data."""
    root = directory / "site"
    shutil.copytree(helpers.ROOT / "frontend", root / "frontend")
    return root


def start(root: Path, **options: Any) -> DashboardServer:
    """A quiet server on a free port, serving in a daemon thread; ``server.stop()`` ends it."""
    options.setdefault("quiet", True)
    server = make_server("127.0.0.1", 0, root=root, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)
    server.stop = stop  # type: ignore[attr-defined]
    return server


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        """The body as JSON, numbers with a fraction as exact Decimals (12.50 stays 12.50)."""
        return json.loads(self.body, parse_float=Decimal)

    @property
    def error(self) -> dict[str, str]:
        return self.json()["error"]


def request(port: int, path: str, method: str = "GET",
            headers: dict[str, str] | None = None) -> Reply:
    """Send ``path`` byte for byte on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def serve_small_database(cls: Any, prefix: str, **options: Any) -> None:
    """Class fixture: ``cls.work``, ``cls.data_dir``, ``cls.db_path``, and a server on ``cls.port``."""
    import tempfile
    cls.work = Path(tempfile.mkdtemp(prefix=prefix))
    cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
    cls.data_dir, cls.db_path = helpers.small_database(cls.work)
    cls.server = start(site(cls.work), db_path=cls.db_path, data_dir=cls.data_dir, **options)
    cls.addClassCleanup(cls.server.stop)
    cls.port = cls.server.server_address[1]
