"""Writes a dataset: the CSVs and manifest.json, staged and swapped in whole.

The files are written into a temporary directory beside the target and swapped
in only when every file and the manifest are complete, under a lock, so a
failed, interrupted or concurrent generation never leaves a mixed data directory.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from data_generation import anomalies
from data_generation import generator as gen
from data_generation.catalogue import Catalogue, build_catalogue
from data_generation.model import BLOCK_USERS, Settings, rate_overrides
from data_generation.generator import Rendered
from data_generation.parallel import BlockSource
from utils.config import GENERATOR_VERSION, KIT_NAME, LABELS_NAME, MANIFEST_NAME
from utils.errors import KitError, file_errors, os_reason
from utils.fileio import (cents_to_str, read_input_text, replace_dir, sha256_file, staging_dir,
                          to_json)
from utils.locking import reading_data, writing_data
from utils.progress import OnProgress

log = logging.getLogger(__name__)

# CSV files in the order the manifest lists them (parents before children).
TABLES = ("categories", "users", "products", "orders", "order_items", "payments", "reviews")
HEADERS = {
    "categories": gen.CATEGORY_HEADER, "users": gen.USER_HEADER,
    "products": gen.PRODUCT_HEADER, "orders": gen.ORDER_HEADER,
    "order_items": gen.ITEM_HEADER, "payments": gen.PAYMENT_HEADER,
    "reviews": gen.REVIEW_HEADER,
}


KEYED = ("orders", "order_items", "payments", "reviews", LABELS_NAME)


@dataclass(frozen=True)
class Part:
    """Part ``index`` (1-based) of ``count``: a contiguous range of blocks, like dbgen's -S/-C."""
    index: int
    count: int

    def blocks(self, n_blocks: int) -> range:
        return range((self.index - 1) * n_blocks // self.count, self.index * n_blocks // self.count)




def iter_blocks(settings: Settings, catalogue: Catalogue) -> Iterator[gen.Rendered]:
    """Every block in order with its global keys, built in this process (for tests and tools)."""
    with BlockSource(settings, catalogue, 1) as source:
        yield from source.blocks(range(settings.n_blocks))


class HashedFile:
    """A UTF-8 text file written in large chunks, hashed as it is written (the manifest's
    SHA-256 then costs no second read of the file after generation)."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "wb", buffering=1 << 20)
        self.digest = hashlib.sha256()

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.digest.update(data)
        self.handle.write(data)

    def __enter__(self) -> "HashedFile":
        return self

    def __exit__(self, *exc_info) -> None:
        self.handle.close()


def write_csvs(settings: Settings, directory: Path, workers: int = 1, part: Part | None = None,
               progress: OnProgress | None = None,
               digests: dict[str, str] | None = None) -> dict[str, int]:
    """Write every table's CSV (and the anomaly labels) into ``directory``; return row counts
    (and put each file's SHA-256 in ``digests``).

    With ``part``, only that part's blocks are written (the catalogue goes with part 1); the
    keys continue from the rows of the earlier parts, which their shapes count without
    drawing any content.
    """
    catalogue = build_catalogue(settings)
    counts = dict.fromkeys(TABLES + (LABELS_NAME,), 0)
    block_ids = part.blocks(settings.n_blocks) if part else range(settings.n_blocks)
    (directory / LABELS_NAME).parent.mkdir()
    with ExitStack() as stack:
        source = stack.enter_context(BlockSource(settings, catalogue, workers))
        handles = {}
        for name in TABLES + (LABELS_NAME,):
            handles[name] = stack.enter_context(HashedFile(directory / file_name(name)))
            header = anomalies.LABEL_HEADER if name == LABELS_NAME else HEADERS[name]
            handles[name].write(",".join(header) + "\n")
        if part is None or part.index == 1:
            for name, rows in catalogue_rows(catalogue).items():
                handles[name].write(_csv_text(rows))
            counts["categories"], counts["products"] = len(catalogue.categories), len(catalogue.products)
        written = 0
        for done, block in enumerate(source.blocks(block_ids), start=1):
            written += _write_block(handles, block, counts)
            if progress:
                progress(done, len(block_ids), written)
    if digests is not None:
        digests.update({file_name(name): handle.digest.hexdigest() for name, handle in handles.items()})
    return counts


def catalogue_rows(catalogue: Catalogue) -> dict[str, list[tuple]]:
    """The categories' and products' rows as their CSVs hold them."""
    return {"categories": [(cid, name, "" if parent is None else parent)
                           for cid, name, parent in catalogue.categories],
            "products": [(p.product_id, p.name, p.category_id, cents_to_str(p.price_cents))
                         for p in catalogue.products]}


def _csv_text(rows) -> str:
    """Rows as ``csv.writer`` writes them, in one string (one write, not one per row)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def file_name(name: str) -> str:
    """A table's CSV file name in a data directory (the labels file is already a path)."""
    return name if name == LABELS_NAME else f"{name}.csv"


def _write_block(handles: dict, block: Rendered, counts: dict[str, int]) -> int:
    """Write one block's lines (they carry their global keys already)."""
    for name, text in zip(("users",) + KEYED, block[:6]):
        handles[name].write(text)
    for name, size in zip(("users",) + KEYED, block.counts):
        counts[name] += size
    return sum(block.counts)


def manifest_identity(settings: Settings) -> dict[str, Any]:
    """The keys every manifest of a dataset, part, snapshot or batch starts with, in order."""
    return {
        "generator": KIT_NAME,
        "generator_version": GENERATOR_VERSION,
        "seed": settings.seed,
        "scale": settings.scale_label,
        "window": {"start": f"{settings.start} 00:00:00", "end": f"{settings.end} 23:59:59"},
        "currency": settings.currency,
        "block_users": BLOCK_USERS,
    }


def build_manifest(settings: Settings, directory: Path, counts: dict[str, int],
                   part: Part | None = None, digests: dict[str, str] | None = None
                   ) -> dict[str, Any]:
    """The manifest of the files in ``directory`` (their SHA-256 from ``digests`` when the
    writer computed them, else read back)."""
    def sha256(name: str) -> str:
        return digests[name] if digests and name in digests else sha256_file(directory / name)
    manifest: dict[str, Any] = {
        **manifest_identity(settings),
        "files": [{"file": f"{table}.csv", "table": table, "rows": counts[table],
                   "sha256": sha256(f"{table}.csv")} for table in TABLES],
        "labels": [{"file": LABELS_NAME, "rows": counts[LABELS_NAME],
                    "sha256": sha256(LABELS_NAME)}],
    }
    if part is not None:
        manifest["part"] = {"index": part.index, "count": part.count,
                            "blocks": [part.blocks(settings.n_blocks).start,
                                       part.blocks(settings.n_blocks).stop]}
    overrides = rate_overrides(settings.rates)
    if overrides:  # only a tuned dataset says so: the default manifest stays unchanged
        manifest["rate_overrides"] = overrides
    return manifest


def generate(settings: Settings, out_dir: Path, workers: int = 1, part: Part | None = None,
             progress: OnProgress | None = None) -> dict[str, Any]:
    """Generate the dataset (or one part of it) into ``out_dir`` atomically; return its manifest."""
    def fill(staging: Path) -> dict[str, Any]:
        digests: dict[str, str] = {}
        counts = write_csvs(settings, staging, workers, part, progress, digests)
        return build_manifest(settings, staging, counts, part, digests)

    manifest = publish(settings, Path(out_dir), fill)
    for entry in manifest["files"]:
        log.info("wrote %s (%d rows)", Path(out_dir) / entry["file"], entry["rows"])
    return manifest


def publish(settings: Settings, out_dir: Path, fill: Callable[[Path], dict[str, Any]]
            ) -> dict[str, Any]:
    """Let ``fill`` write files and return the manifest in a staging directory, then swap it
    in as ``out_dir`` whole, under the data lock; return the manifest."""
    parent = out_dir.parent
    with file_errors(parent, "create output directory"):
        parent.mkdir(parents=True, exist_ok=True)
    with writing_data(out_dir):
        _refuse_foreign_directory(out_dir)
        _remove_leftovers(parent, out_dir.name)
        with file_errors(parent, "write in"):
            staging = staging_dir(parent, f".{out_dir.name}.", ".tmp")
        try:
            with file_errors(out_dir, "write the dataset to"):
                log.info("generating seed %s, scale %s into %s", settings.seed,
                         settings.scale_label, out_dir)
                manifest = fill(staging)
                with open(staging / MANIFEST_NAME, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(to_json(manifest))
                replace_dir(staging, out_dir, f".{out_dir.name}.", ".old")
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _refuse_foreign_directory(out_dir: Path) -> None:
    """Only a directory this generator wrote (or an empty one) may be replaced."""
    if out_dir.exists() and not out_dir.is_dir():
        raise KitError(f"output path {out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MANIFEST_NAME).exists():
        raise KitError(f"refusing to replace {out_dir}: it is not empty and has no "
                       f"{MANIFEST_NAME} from an earlier generation")


def _remove_leftovers(parent: Path, name: str) -> None:
    """Staging and retired directories left by a run that was killed (we hold the lock)."""
    for leftover in parent.glob(f".{name}.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f".{name}.*.old"):
        shutil.rmtree(leftover, ignore_errors=True)


def verify(out_dir: Path) -> list[str]:
    """Compare the files of a data directory with its manifest; return the problems."""
    with reading_data(out_dir):  # never a directory a generator is replacing
        return _verify(out_dir)


def _verify(out_dir: Path) -> list[str]:
    import json
    manifest_path = out_dir / MANIFEST_NAME
    try:
        manifest = json.loads(read_input_text(manifest_path))
    except FileNotFoundError:
        raise KitError(f"{manifest_path}: no manifest; run generate_data.py --generate") from None
    except (ValueError, OSError) as exc:
        raise KitError(f"{manifest_path}: unreadable manifest: {exc}") from None
    problems = []
    for entry in _entries(manifest):
        path = out_dir / entry["file"]
        if not path.exists():
            problems.append(f"{path}: missing")
        else:
            try:
                digest = sha256_file(path)
            except OSError as exc:
                problems.append(f"{path}: cannot read: {os_reason(exc)}")
                continue
            if digest != entry["sha256"]:
                problems.append(f"{path}: SHA-256 differs from the manifest "
                                f"(edited after generation?)")
    return problems


def _entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The files a manifest lists: a dataset's list, or a change batch's mapping by name."""
    files = manifest.get("files", [])
    if isinstance(files, dict):
        return [{"file": name, **entry} for name, entry in
                {**files, **manifest.get("labels", {})}.items()]
    return files
