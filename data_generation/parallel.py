"""Producing blocks of CSV text, in this process or in a pool of worker processes.

The output cannot depend on the number of workers: a block's text depends only on the
seed, the settings, the block number and the keys it starts at. Those keys are the
running totals of the earlier blocks' row counts, which their shapes give cheaply
(``BlockBuilder.counts``), so workers render whole blocks with their final keys and the
parent only writes the text, in block order. At most a few blocks per worker are in
flight at any time (a sliding window of tasks), so memory stays bounded at any scale.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from itertools import islice
from typing import Iterable, Iterator, Optional

from data_generation import generator as gen
from data_generation.catalogue import Catalogue, build_catalogue
from data_generation.model import Clock, Settings
from data_generation.shape import pack, unpack

WINDOW_PER_WORKER = 4
Keys = tuple[int, int, int, int]   # rows of orders, order items, payments, reviews before a block

_builder: Optional[gen.BlockBuilder] = None  # one per worker process
# The parent's builder while its pool starts: a forked worker inherits it (catalogue
# included) instead of building its own; a spawned one (Windows, macOS) builds its own.
_inherited: Optional[gen.BlockBuilder] = None


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _init_worker(settings: Settings) -> None:
    global _builder
    if _inherited is not None and _inherited.s == settings:
        _builder = _inherited
    else:
        _builder = gen.BlockBuilder(settings, build_catalogue(settings), Clock(settings))


def _build(block: int, keys: Keys, blob: bytes) -> gen.Rendered:
    assert _builder is not None
    return _builder.build(block, keys, unpack(pickle.loads(blob)))


def _counts(blocks: range) -> list[tuple[int, ...]]:
    assert _builder is not None
    return [_builder.counts(block) for block in blocks]


def _shape(block: int) -> tuple[tuple[int, ...], bytes]:
    """The block's counts, and its packed shape pickled once here: the parent passes the
    bytes on to the rendering task without unpickling and pickling the columns again."""
    assert _builder is not None
    packed = pack(_builder.shapes.build(block))
    return packed[-1], pickle.dumps(packed, pickle.HIGHEST_PROTOCOL)


def advance(keys: Keys, counts: tuple[int, ...]) -> Keys:
    """The keys after a block with ``counts`` (users, orders, items, payments, reviews, labels)."""
    return (keys[0] + counts[1], keys[1] + counts[2], keys[2] + counts[3], keys[3] + counts[4])


class BlockSource:
    """Blocks for one generation run; a context manager owning the worker pool, if any."""

    def __init__(self, settings: Settings, catalogue: Catalogue, workers: int) -> None:
        self.settings, self.workers = settings, max(1, workers)
        self.builder = gen.BlockBuilder(settings, catalogue, Clock(settings))
        self.pool = None

    def __enter__(self) -> "BlockSource":
        global _inherited
        if self.workers > 1 and self.settings.n_blocks > 1:
            context = multiprocessing.get_context("spawn" if os.name == "nt" else None)
            _inherited = self.builder  # a block's text depends only on the settings: the
            self.pool = context.Pool(self.workers, initializer=_init_worker,  # same builder
                                     initargs=(self.settings,))
        return self

    def __exit__(self, *exc_info) -> None:
        global _inherited
        if self.pool is not None:
            self.pool.terminate() if exc_info[0] else self.pool.close()
            self.pool.join()
            _inherited = None

    def counts(self, blocks: range) -> Iterator[tuple[int, ...]]:
        """Each block's row counts, from the shapes alone (no content is drawn)."""
        if self.pool is None:
            yield from (self.builder.counts(block) for block in blocks)
            return
        step = 16
        chunks = [blocks[i:i + step] for i in range(0, len(blocks), step)]
        for chunk in self.pool.imap(_counts, chunks):
            yield from chunk

    def keys_at(self, block: int) -> Keys:
        """The keys block ``block`` starts at: the summed counts of the blocks before it."""
        keys: Keys = (0, 0, 0, 0)
        for counts in self.counts(range(block)):
            keys = advance(keys, counts)
        return keys

    def blocks(self, blocks: range) -> Iterator[gen.Rendered]:
        """The blocks in order with their global keys, built here or by the workers."""
        keys = self.keys_at(blocks.start)
        if self.pool is None:
            for block in blocks:
                rendered = self.builder.build(block, keys)
                keys = advance(keys, rendered.counts)
                yield rendered
            return
        window = self.workers * WINDOW_PER_WORKER
        shapes = _streamed(self.pool, _shape, ((block,) for block in blocks), window)
        tasks = _keyed_tasks(blocks, shapes, keys)
        yield from _streamed(self.pool, _build, tasks, window)


def _keyed_tasks(blocks: range, shapes: Iterator[tuple], keys: Keys) -> Iterator[tuple]:
    """(block, its keys, its pickled shape): a worker drew the shape; the keys follow its counts."""
    for block, (counts, blob) in zip(blocks, shapes):
        yield block, keys, blob
        keys = advance(keys, counts)


def _streamed(pool, function, tasks: Iterable[tuple], window: int) -> Iterator:
    """``function(*task)`` results in task order, at most ``window`` submitted and not consumed.

    Shapes and renderings interleave through the same pool: a block's shape is drawn once,
    by a worker, and travels with its rendering task (cheaper than drawing it twice).
    """
    pending: deque = deque()
    it = iter(tasks)
    for task in islice(it, window):
        pending.append(pool.apply_async(function, task))
    while pending:
        result = pending.popleft().get()
        for task in islice(it, 1):
            pending.append(pool.apply_async(function, task))
        yield result
