"""The kit's error hierarchy: every expected failure is a KitError with a one-line message."""
from __future__ import annotations


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
