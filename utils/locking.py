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

    The lock is advisory (flock/msvcrt) so a killed holder never leaves it stale. The holder
    removes the file before releasing it, so nothing is left behind; a process that opened
    the old file meanwhile sees, once it holds the lock, that the path no longer names its
    file and tries again, so two holders never coexist. A SIGKILLed holder leaves an empty,
    unlocked file, which the next holder reuses and removes (and clean.py lists).
    """
    fd = _open_locked(lock_path, what)
    try:
        yield
    finally:
        if os.name != "nt":  # Windows cannot remove an open file; the file stays there
            try:
                os.unlink(lock_path)
            except OSError:
                pass
        os.close(fd)


def _open_locked(lock_path: Path, what: str) -> int:
    for _ in range(100):  # each retry means another holder came and went meanwhile
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise KitError(f"cannot create the lock file {lock_path}: {exc.strerror or exc}") from None
        if not _try_lock(fd):
            os.close(fd)
            raise LockedError(f"another {what} is running (lock held on {lock_path})")
        if os.name == "nt" or _same_file(fd, lock_path):
            return fd
        os.close(fd)  # we locked a file its holder had already removed
    raise LockedError(f"another {what} is running (lock held on {lock_path})")


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)
