"""The store over time: the snapshot as of a date, and the change batch between two dates.

Both read the same histories (``data_generation.lifecycle``) of the full dataset, streamed
block by block in key order: the snapshot as of D holds each row's image at the end of D; the
batch for (D1, D2] holds each row whose image at the end of D2 exists and differs from its
image at the end of D1 (``insert`` if it had none, else ``update``). So snapshot(D1) plus the
batch equals snapshot(D2) row for row, whatever D1 < D2 (design_notes.md, "The store over
time"). Memory stays one block of histories, as for the plain dataset.
"""
from __future__ import annotations

import csv
import io
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from data_generation.catalogue import build_catalogue
from data_generation.lifecycle import CATALOGUE_TIME, BlockLives, History, Timeline, image_at
from data_generation.model import BLOCK_USERS, Clock, Settings, rate_overrides
from data_generation.anomalies import LABEL_HEADER
from data_generation.parallel import BlockSource
from data_generation.writer import (HEADERS, TABLES, build_manifest, catalogue_rows, file_name,
                                    manifest_identity, publish)
from utils.config import LABELS_NAME
from utils.errors import UsageError
from utils.fileio import sha256_file
from utils.progress import OnProgress

NAMES = TABLES + (LABELS_NAME,)
Pick = Callable[[History], Optional[str]]   # a row's history -> the line to write, or None


def check_as_of(settings: Settings, as_of: date, option: str = "--as-of") -> None:
    """``as_of`` must fall inside the window."""
    if not settings.start <= as_of <= settings.end:
        raise UsageError(f"{option} {as_of} is outside the window {settings.start} to "
                         f"{settings.end}")


def check_span(settings: Settings, first: date, last: date) -> None:
    """A batch runs from the window start's eve (the empty store) at the earliest to its end."""
    eve = settings.start - timedelta(days=1)
    if not eve <= first <= settings.end:
        raise UsageError(f"--from {first} is outside {eve} (the empty store) to {settings.end}")
    check_as_of(settings, last, "--to")
    if first >= last:
        raise UsageError(f"--from {first} must be before --to {last}")


def snapshot(settings: Settings, out_dir: Path, as_of: date, workers: int = 1,
             progress: OnProgress | None = None) -> dict[str, Any]:
    """Write the dataset as it stood at the end of ``as_of`` into ``out_dir``; its manifest."""
    check_as_of(settings, as_of)

    def fill(staging: Path) -> dict[str, Any]:
        t = Timeline(settings).end_of(as_of)
        counts = write_tables(settings, staging, "", lambda h: image_at(h, t), workers, progress,
                              until=t)
        return {**build_manifest(settings, staging, counts), "as_of": str(as_of)}

    return publish(settings, Path(out_dir), fill)


def changes(settings: Settings, out_dir: Path, first: date, last: date, workers: int = 1,
            progress: OnProgress | None = None) -> dict[str, Any]:
    """Write the change batch for (``first``, ``last``] into ``out_dir``; its manifest."""
    check_span(settings, first, last)

    def fill(staging: Path) -> dict[str, Any]:
        timeline = Timeline(settings)
        pick = op_picker(timeline.end_of(first), timeline.end_of(last))
        counts = write_tables(settings, staging, "op,", pick, workers, progress,
                              until=timeline.end_of(last))
        return batch_manifest(settings, staging, counts, first, last)

    return publish(settings, Path(out_dir), fill)


def op_picker(t1: int, t2: int) -> Pick:
    """The batch line of a row for (t1, t2]: its new image after ``insert`` or ``update``."""
    def pick(history: History) -> Optional[str]:
        if len(history) == 1:  # most rows never change: they only arrive
            time, line = history[0]
            return "insert," + line if t1 < time <= t2 else None
        new = image_at(history, t2)
        if new is None:
            return None
        old = image_at(history, t1)
        if old is None:
            return "insert," + new
        return None if old == new else "update," + new
    return pick


def write_tables(settings: Settings, directory: Path, prefix: str, pick: Pick, workers: int,
                 progress: OnProgress | None, until: int | None = None) -> dict[str, int]:
    """Every table's CSV (and the labels) of what ``pick`` keeps; return the row counts.

    Nothing of a user exists before their signup and user ids follow signup time, so with
    ``until`` (the last second ``pick`` looks at) the blocks whose first possible signup is
    later are not generated at all.
    """
    catalogue = build_catalogue(settings)
    counts = dict.fromkeys(NAMES, 0)
    (directory / LABELS_NAME).parent.mkdir()
    with ExitStack() as stack:
        source = stack.enter_context(BlockSource(settings, catalogue, workers))
        lives = BlockLives(settings, Timeline(settings, source.builder.clock))
        handles = {}
        for name in NAMES:
            handles[name] = stack.enter_context(open(directory / file_name(name), "w", newline="",
                                                     encoding="utf-8", buffering=1 << 20))
            header = LABEL_HEADER if name == LABELS_NAME else HEADERS[name]
            handles[name].write(prefix + ",".join(header) + "\n")
        for name, rows in catalogue_rows(catalogue).items():
            _write(handles[name], counts, name, [[(CATALOGUE_TIME, line)] for line in _csv(rows)],
                   pick)
        blocks = range(settings.n_blocks if until is None else blocks_until(settings, until))
        for block, rendered in zip(blocks, source.blocks(blocks)):
            for name, histories in lives.build(block, rendered).items():
                name = LABELS_NAME if name == "labels" else name
                _write(handles[name], counts, name, histories, pick)
            if progress:
                progress(block + 1, len(blocks), sum(counts.values()))
    return counts


def blocks_until(settings: Settings, t: int) -> int:
    """How many blocks have a user who may have signed up by ``t``: signups are stratified
    (user i at quantile (i + draw) / n_users of the signup curve, ``shape``), so a block's
    first user signs up no earlier than the curve's quantile for a draw of 0."""
    clock = Clock(settings)
    for block in range(settings.n_blocks):
        if clock.signup(block * BLOCK_USERS / settings.n_users) > t:
            return block
    return settings.n_blocks


def _write(handle, counts: dict[str, int], name: str, histories: list[History],
           pick: Pick) -> None:
    lines = [line for line in map(pick, histories) if line is not None]
    handle.write("".join(lines))
    counts[name] += len(lines)


def _csv(rows: list[tuple]) -> list[str]:
    """Rows as ``csv.writer`` writes them, one line each."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)


def batch_manifest(settings: Settings, directory: Path, counts: dict[str, int], first: date,
                   last: date) -> dict[str, Any]:
    """The batch's identity (as the dataset manifest states it), its span and its files."""
    def entry(name: str) -> dict[str, Any]:
        return {"sha256": sha256_file(directory / file_name(name)), "rows": counts[name]}

    manifest: dict[str, Any] = {
        "kind": "changes",
        **manifest_identity(settings),
        "from": str(first),
        "to": str(last),
        "files": {file_name(name): entry(name) for name in TABLES},
        "labels": {LABELS_NAME: entry(LABELS_NAME)},
    }
    overrides = rate_overrides(settings.rates)
    if overrides:
        manifest["rate_overrides"] = overrides
    return manifest
