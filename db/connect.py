"""The one way every reader opens the database: read-only, so no query can change it."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from utils.errors import KitError


class Connection(sqlite3.Connection):
    """A connection that knows its file, so a failing query can name it."""

    path: Path | None = None


def connect_readonly(db_path: Path) -> sqlite3.Connection:
    """Open the database read-only: no query can change it."""
    db_path = Path(db_path)
    if db_path.exists() and not db_path.is_file():
        raise KitError(f"{db_path} is not a database file (a directory or special file)")
    if not db_path.is_file():
        raise KitError(f"no database at {db_path}; run ingest.py --ingest first")
    conn = None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True,
                               factory=Connection)
        conn.path = db_path
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise KitError(f"cannot open {db_path}: {exc}") from None
    return conn
