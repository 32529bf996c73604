"""An exclusive, non-blocking lock file that the OS releases if the process dies."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from utils.errors import KitError, LockedError

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


@contextmanager
def exclusive_lock(lock_path: Path, what: str) -> Iterator[None]:
    """Hold ``lock_path`` for the duration; fail at once if another process has it.

    The lock is advisory (flock/msvcrt) so a killed holder never leaves it stale.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise KitError(f"cannot create the lock file {lock_path}: {exc.strerror or exc}") from None
    try:
        if not _try_lock(fd):
            raise LockedError(f"another {what} is running (lock held on {lock_path})")
        yield
    finally:
        os.close(fd)
