"""Producing blocks of rows, in this process or in a pool of worker processes.

The output cannot depend on the number of workers: block ``b`` is always built
from ``Random(f"{seed}:block:{b}")`` alone, workers return whole blocks with
block-local keys, and the parent consumes them strictly in block order, adding
the running offsets that make the keys dense. Work is submitted in bounded
windows, so at most a few blocks per worker are in memory at any time.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
from typing import Iterable, Iterator, NamedTuple, Optional

from data_generation import generator as gen
from data_generation.catalogue import Catalogue, build_catalogue
from data_generation.model import Clock, Settings

WINDOW_PER_WORKER = 4

_builder: Optional[gen.BlockBuilder] = None  # one per worker process


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _init_worker(settings: Settings) -> None:
    global _builder
    catalogue = build_catalogue(settings)
    _builder = gen.BlockBuilder(settings, catalogue, Clock(settings))


def render(block: gen.Block) -> "Rendered":
    """A block as CSV text, every column but the dense keys (the parent adds those).

    Lines of order lines, payments and labels start with the block-local order number
    (1-based); the parent turns it into the global order_id.
    """
    def text(rows) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()
    return Rendered(
        users=text(block.users), orders=text(block.orders),
        items=text((row[0] + 1,) + row[1:] for row in block.items),
        payments=text((row[0] + 1,) + row[1:] for row in block.payments),
        reviews=text(block.reviews),
        labels=text((i + 1, pattern) for i, pattern in block.labels),
        counts=(len(block.users), len(block.orders), len(block.items), len(block.payments),
                len(block.reviews), len(block.labels)))


class Rendered(NamedTuple):
    users: str
    orders: str
    items: str
    payments: str
    reviews: str
    labels: str
    counts: tuple[int, int, int, int, int, int]   # users, orders, items, payments, reviews, labels


def _build(block: int) -> Rendered:
    assert _builder is not None
    return render(_builder.build(block))


def keyed_counts(rows: gen.Block) -> tuple[int, int, int, int, int]:
    """Rows per keyed table in one block: (orders, order_items, payments, reviews, labels)."""
    return len(rows.orders), len(rows.items), len(rows.payments), len(rows.reviews), len(rows.labels)


def _count(block: int) -> tuple[int, int, int, int, int]:
    assert _builder is not None
    return keyed_counts(_builder.build(block))


def _windows(blocks: Iterable[int], size: int) -> Iterator[list[int]]:
    window: list[int] = []
    for block in blocks:
        window.append(block)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


class BlockSource:
    """Blocks for one generation run; a context manager owning the worker pool, if any."""

    def __init__(self, settings: Settings, catalogue: Catalogue, workers: int) -> None:
        self.settings, self.workers = settings, max(1, workers)
        self.builder = gen.BlockBuilder(settings, catalogue, Clock(settings))
        self.pool = None

    def __enter__(self) -> "BlockSource":
        if self.workers > 1 and self.settings.n_blocks > 1:
            context = multiprocessing.get_context("spawn" if os.name == "nt" else None)
            self.pool = context.Pool(self.workers, initializer=_init_worker,
                                     initargs=(self.settings,))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.terminate() if exc_info[0] else self.pool.close()
            self.pool.join()

    def blocks(self, block_ids: Iterable[int]) -> Iterator[Rendered]:
        """The blocks in order, built and rendered here or by the workers."""
        if self.pool is None:
            for block in block_ids:
                yield render(self.builder.build(block))
            return
        for window in _windows(block_ids, self.workers * WINDOW_PER_WORKER):
            yield from self.pool.map(_build, window, chunksize=1)

    def counts(self, block_ids: Iterable[int]) -> tuple[int, int, int, int, int]:
        """Summed row counts of blocks that are not written (the offsets of a later part)."""
        totals = [0, 0, 0, 0, 0]
        if self.pool is None:
            per_block: Iterable = (keyed_counts(self.builder.build(b)) for b in block_ids)
        else:
            per_block = (c for window in _windows(block_ids, self.workers * WINDOW_PER_WORKER * 4)
                         for c in self.pool.map(_count, window, chunksize=4))
        for counts in per_block:
            for i, value in enumerate(counts):
                totals[i] += value
        return tuple(totals)  # type: ignore[return-value]
