"""Small file helpers: hashing, atomic writes, canonical JSON and money formatting."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterator

from utils.errors import KitError, os_reason

CHUNK = 1 << 20


class NotRegularFile(OSError):
    """A path that is a directory, FIFO or device where a file is expected (or the reverse)."""

    def what(self) -> str:
        """``PATH is a FIFO, not a regular file``."""
        return f"{self.filename} {self.strerror}"


def open_input(path: Path | str, mode: str = "rb", **kwargs: Any) -> IO[Any]:
    """Open an input file for reading; a directory, FIFO or device fails at once.

    Opening a FIFO for reading would wait for a writer forever, so the file is opened
    non-blocking and checked before any byte is read. The OSError that a caller already
    turns into a one-line message says what the path is instead.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        _refuse_kind(os.fstat(fd).st_mode, path, directory=False)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def _refuse_kind(mode_bits: int, path: Path | str, directory: bool) -> None:
    """NotRegularFile unless ``mode_bits`` are a regular file (a directory if ``directory``)."""
    if (stat.S_ISDIR(mode_bits) if directory else stat.S_ISREG(mode_bits)):
        return
    kind = ("a directory" if stat.S_ISDIR(mode_bits) else "a FIFO" if stat.S_ISFIFO(mode_bits)
            else "a regular file" if stat.S_ISREG(mode_bits) else "a device or socket")
    wanted = "a directory" if directory else "a regular file"
    raise NotRegularFile(errno.EINVAL, f"is {kind}, not {wanted}", str(path))


def check_output(target: Path, directory: bool = False) -> None:
    """Refuse to replace an existing ``target`` that is not a regular file (or directory).

    Outputs are renamed over their target: without this a FIFO or a device (``/dev/null``)
    named as an output would silently become a file.
    """
    try:
        mode_bits = os.stat(target).st_mode
    except OSError:  # absent (or unreadable: the write itself will say so)
        return
    _refuse_kind(mode_bits, target, directory)


def read_input_text(path: Path | str) -> str:
    with open_input(path, "r", encoding="utf-8") as handle:
        return handle.read()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_input(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(directory: Path) -> None:
    """Make a rename durable on POSIX; Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def umask_mode(path: Path) -> None:
    """Give a temporary file or directory the mode a plain open()/mkdir() would have.

    mkstemp and mkdtemp create 0600 files and 0700 directories; once renamed into place they
    would stay private to their owner, unlike every other output.
    """
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~mask)


def staging_dir(parent: Path, prefix: str, suffix: str) -> Path:
    """A new directory in ``parent`` (where it will be renamed), with the usual mode."""
    path = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent))
    umask_mode(path)
    return path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only on success.

    An existing target that is not a regular file fails first (NotRegularFile, an OSError).
    """
    check_output(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask_mode(tmp)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:  # durable before it becomes visible
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path: Path, text: str) -> None:
    """UTF-8 text with "\n" line endings on every OS (``Path.write_text(newline=)`` is 3.10+)."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def write_outputs(out_dir: Path, texts: dict[str, str], what: str) -> list[Path]:
    """Write each ``name: text`` into ``out_dir`` atomically; one clear error if one fails."""
    out_dir = Path(out_dir)
    paths = [out_dir / name for name in texts]
    try:
        with ExitStack() as stack:  # every file staged first: a full disk replaces none of them
            staged = [stack.enter_context(atomic_path(path)) for path in paths]
            for tmp, text in zip(staged, texts.values()):
                with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
    except NotRegularFile as exc:
        raise KitError(f"cannot write {what}: {exc.what()}") from None
    except OSError as exc:
        raise KitError(f"cannot write {what} to {out_dir}: {os_reason(exc)}") from None
    return paths


def replace_dir(staging: Path, target: Path, aside_prefix: str, aside_suffix: str) -> None:
    """Put the directory ``staging`` at ``target``: the old target is renamed aside (into a
    new directory ``<aside_prefix>XXXX<aside_suffix>`` beside it), then removed.

    On failure the previous target is put back. A target that is not a directory is refused.
    """
    check_output(target, directory=True)
    aside = None
    if target.exists() or target.is_symlink():
        aside = Path(tempfile.mkdtemp(prefix=aside_prefix, suffix=aside_suffix, dir=target.parent))
        try:
            os.replace(target, aside / target.name)
        except OSError:
            os.rmdir(aside)
            raise
    try:
        os.replace(staging, target)
    except OSError:
        if aside is not None:
            os.replace(aside / target.name, target)  # put the previous one back
        raise
    fsync_dir(target.parent)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def cents_to_str(cents: int) -> str:
    """Integer cents to a fixed two-decimal string: 123456 -> '1234.56'.

    Exact: below 2**53 / 100 the nearest double to cents / 100 lies far closer than half
    a cent to the decimal, so two-place rounding returns the decimal itself.
    """
    if abs(cents) >= 90_000_000_000_000:
        raise ValueError(f"{cents} cents is beyond exact formatting")
    return f"{cents / 100:.2f}"


def to_json(value: Any, indent: int = 2) -> str:
    """Canonical JSON text: insertion key order, UTF-8, ``Decimal`` kept exact.

    ``json`` cannot write ``12.50`` (it writes floats by ``repr``), so Decimals
    are written by this encoder as their exact text; a JSON reader sees a number.
    """
    return _encode(value, indent, 0) + "\n"


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode  # built once: to_json runs per value


def _encode(value: Any, indent: int, level: int) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad, inner = " " * (indent * level), " " * (indent * (level + 1))
        items = [f"{inner}{_SCALAR(str(k))}: "
                 f"{_encode(v, indent, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value) and len(value) <= 12:
            return "[" + ", ".join(_encode(v, indent, level + 1) for v in value) + "]"
        pad, inner = " " * (indent * level), " " * (indent * (level + 1))
        return "[\n" + ",\n".join(inner + _encode(v, indent, level + 1)
                                  for v in value) + "\n" + pad + "]"
    if isinstance(value, float) and value != value:  # NaN is not JSON
        raise ValueError("NaN cannot be written as JSON")
    return _SCALAR(value)
