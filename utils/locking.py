"""Advisory lock files that the OS releases if the process dies, and that leave nothing behind.

One protocol for every lock: open (creating) the lock file, flock it, then check that the
path still names the file that was locked (a releasing process may have just removed it;
then try again). On release, a holder that can take the lock exclusively is the last one
and removes the file. A killed process leaves at most an unlocked file, which the next
holder takes over and removes.
"""
from __future__ import annotations

import contextlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from utils.errors import KitError, LockedError, os_reason

POLL_SECONDS = 0.05

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int, shared: bool) -> bool:
        try:  # msvcrt has no shared locks: readers exclude each other there, briefly
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int, shared: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, now = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _acquire(lock_path: Path, shared: bool, wait: float, make_parent: bool) -> int | None:
    """A locked descriptor of ``lock_path``, or None when it stayed busy for ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        if make_parent:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        if _try_lock(fd, shared):
            if _same_file(fd, lock_path):
                return fd
            os.close(fd)      # removed by its last holder between our open and lock: again
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def _release(fd: int, lock_path: Path) -> None:
    """Unlock; the last holder (the one that can lock exclusively) removes the file.

    Windows cannot remove an open file: there the descriptor is closed (which unlocks) first,
    and the removal fails harmlessly while another process still has the file open.
    """
    if os.name == "nt":
        os.close(fd)
        with contextlib.suppress(OSError):
            lock_path.unlink()
        return
    try:
        if _try_lock(fd, shared=False) and _same_file(fd, lock_path):
            with contextlib.suppress(OSError):
                lock_path.unlink()
    finally:
        os.close(fd)


@contextmanager
def file_lock(lock_path: Path, busy: str, shared: bool = False, wait: float = 0.0,
              optional: bool = False) -> Iterator[None]:
    """Hold ``lock_path`` (shared or exclusive) for the duration.

    Waits up to ``wait`` seconds for another holder, then fails with ``busy`` (one line).
    ``optional``: when the lock file cannot be created (a read-only data directory), go on
    unlocked: nothing can be writing there either.
    """
    try:
        fd = _acquire(lock_path, shared, wait, make_parent=not optional)
    except OSError as exc:
        if optional:
            yield
            return
        raise KitError(f"cannot create the lock file {lock_path}: {os_reason(exc)}") from None
    if fd is None:
        raise LockedError(f"{busy} (lock held on {lock_path})")
    try:
        yield
    finally:
        _release(fd, lock_path)


@contextmanager
def exclusive_lock(lock_path: Path, what: str) -> Iterator[None]:
    """Hold ``lock_path`` for the duration; fail at once if another process has it."""
    with file_lock(lock_path, f"another {what} is running"):
        yield


DATA_READ_WAIT = 30.0  # a reader waits this long for a generator to finish replacing the data


def data_lock_path(data_dir: Path) -> Path:
    data_dir = Path(data_dir)
    return data_dir.parent / f".{data_dir.name}.lock"


@contextmanager
def writing_data(data_dir: Path) -> Iterator[None]:
    """The generator's lock on ``data_dir``: no reader is inside it while it is replaced."""
    with file_lock(data_lock_path(data_dir),
                   f"another generate is writing {data_dir}, or an ingest, report or server "
                   f"is reading it; try again when it has finished"):
        yield


@contextmanager
def reading_data(data_dir: Path, wait: float = DATA_READ_WAIT) -> Iterator[None]:
    """A reader's lock on ``data_dir``: waits for a generator, so no half-written dataset is read."""
    with file_lock(data_lock_path(data_dir),
                   f"another generate is writing {data_dir} (waited {wait:g} s); try again when "
                   f"it has finished", shared=True, wait=wait, optional=True):
        yield
