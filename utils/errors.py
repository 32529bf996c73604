"""The kit's error hierarchy: every expected failure is a KitError with a one-line message."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class KitError(Exception):
    """An expected failure; the message is shown to the user as one line."""

    exit_code = 1


class UsageError(KitError):
    """A bad command-line parameter."""

    exit_code = 2


class DataError(KitError):
    """A CSV file that cannot be loaded: names the file, line and column."""

    def __init__(self, file: str, message: str, line: int | None = None,
                 column: str | None = None) -> None:
        where = file
        if line is not None:
            where += f" line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.column = file, line, column


class SchemaError(KitError):
    """db/schema.sql is unusable (syntax error, foreign-key cycle, ...)."""


class CheckFailed(KitError):
    """One or more integrity checks failed."""


class LockedError(KitError):
    """Another process holds the lock on the same output."""


def os_reason(exc: BaseException) -> str:
    """The cause of an OS or SQLite error in a few words ("No space left on device")."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


@contextmanager
def file_errors(path: Path | str, action: str = "write") -> Iterator[None]:
    """Turn an OSError or sqlite3 error raised inside into a KitError naming ``path`` and cause.

    The one place where disk full, permission denied, read-only file system and I/O errors
    become the one-line message every command promises. ``path`` is what the user named
    (the database, not the temporary file it is built in).
    """
    try:
        yield
    except KitError:
        raise
    except OSError as exc:
        raise KitError(f"cannot {action} {path}: {os_reason(exc)}") from None
    except sqlite3.Error as exc:
        raise KitError(f"cannot {action} {path}: {os_reason(exc)}") from None

