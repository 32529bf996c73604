"""Where a dataset's CSVs are: one data directory, or the K part directories of
``generate_data.py --parts K`` read as one dataset without concatenating them.

Input is a list of directories. One directory is a whole dataset, unless its manifest
says it is a part, or it has no manifest and its sub-directories hold parts (a
directory of parts). Several directories are parts. Parts must belong together
(the same generator, version, seed, scale, window, currency, block size and rate
overrides, and the same K) and be 1..K, each once; they are put in part order, so a
table's files load in key order (part I's keys continue from part I-1's). Every
problem is one line naming the directory or manifest.
"""
from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence, Union

from utils.config import MANIFEST_NAME
from utils.errors import KitError
from utils.fileio import read_input_text
from utils.locking import reading_data

# The manifest fields every part of one dataset shares (its "part" entry aside).
SHARED = ("generator", "generator_version", "seed", "scale", "window", "currency",
          "block_users", "rate_overrides")


@dataclass(frozen=True)
class DataPart:
    directory: Path
    index: int
    count: int
    manifest: dict


@dataclass(frozen=True)
class Dataset:
    """A whole data directory (``parts`` empty) or parts 1..K in order."""
    directory: Path                 # the whole dataset's directory, or the first part's
    parts: tuple[DataPart, ...] = ()

    @property
    def directories(self) -> list[Path]:
        return [p.directory for p in self.parts] if self.parts else [self.directory]

    def files(self, csv_name: str) -> list[tuple[str, Path]]:
        """(name, path) of each file holding ``csv_name``'s rows, in load order. The name
        is what errors and ``submission_meta`` call it: ``orders.csv``, or for a part
        ``<part directory>/orders.csv``."""
        if not self.parts:
            return [(csv_name, self.directory / csv_name)]
        return [(f"{p.directory.name}/{csv_name}", p.directory / csv_name) for p in self.parts]

    def describe(self) -> str:
        if not self.parts:
            return str(self.directory)
        return f"{len(self.parts)} parts ({', '.join(str(d) for d in self.directories)})"


DataInput = Union[Path, str, Sequence[Union[Path, str]]]


def open_dataset(given: DataInput, must_exist: bool = True) -> Dataset:
    """The dataset in ``given``: one directory (a dataset, a part or a directory of parts)
    or a list of part directories. Raises KitError naming the directory or manifest
    (a single directory that is missing is a dataset of missing files unless ``must_exist``)."""
    paths = [Path(given)] if isinstance(given, (str, Path)) else [Path(p) for p in given]
    if not paths:
        raise KitError("no data directory given")
    if len(paths) == 1 and not must_exist and not paths[0].is_dir():
        return Dataset(paths[0])
    for path in paths:
        if not path.is_dir():
            state = "is not a directory" if path.exists() else "does not exist"
            raise KitError(f"data directory {path} {state}; run generate_data.py --generate")
    if len(paths) == 1:
        only = paths[0]
        manifest = only / MANIFEST_NAME
        if manifest.is_file():
            if "part" not in read_manifest_file(manifest):
                return Dataset(only)
        else:
            found = part_directories(only)
            if not found:
                return Dataset(only)  # CSVs without a manifest: the ingest warns
            paths = found
    return Dataset(paths[0], _check_parts(paths))


def part_directories(directory: Path) -> list[Path]:
    """The sub-directories of ``directory`` that hold a part's manifest, by name (hidden
    ones, such as a generator's staging directory, left out)."""
    return sorted(d for d in directory.iterdir() if d.is_dir() and not d.name.startswith(".")
                  and (d / MANIFEST_NAME).is_file())


def _check_parts(directories: list[Path]) -> tuple[DataPart, ...]:
    parts: list[DataPart] = []
    for directory in directories:
        path = directory / MANIFEST_NAME
        if not path.is_file():
            raise KitError(f"{path}: missing; a part directory needs the manifest "
                           f"generate_data.py --parts wrote")
        manifest = read_manifest_file(path)
        part = manifest.get("part")
        if not isinstance(part, dict) or not all(
                isinstance(part.get(k), int) and part[k] >= 1 for k in ("index", "count")):
            raise KitError(f"{path}: not a part (no \"part\" with an index and count); "
                           f"give either one whole dataset or its parts")
        parts.append(DataPart(directory, part["index"], part["count"], manifest))
    first = parts[0]
    for part in parts[1:]:
        for key in SHARED + ("count",):
            mine = part.count if key == "count" else part.manifest.get(key)
            theirs = first.count if key == "count" else first.manifest.get(key)
            if mine != theirs:
                raise KitError(f"{part.directory / MANIFEST_NAME}: {key} {_shown(mine)} differs "
                               f"from {_shown(theirs)} in {first.directory / MANIFEST_NAME}; "
                               f"parts of one dataset share every setting")
    by_index: dict[int, DataPart] = {}
    names: dict[str, Path] = {}
    for part in parts:
        if part.index > part.count:
            raise KitError(f"{part.directory / MANIFEST_NAME}: part {part.index} of {part.count}")
        if part.index in by_index:
            raise KitError(f"{part.directory}: part {part.index} of {part.count} is given twice "
                           f"(also {by_index[part.index].directory})")
        if part.directory.name in names:
            raise KitError(f"{part.directory}: two parts are named {part.directory.name!r} "
                           f"(also {names[part.directory.name]}); give them distinct names")
        by_index[part.index] = part
        names[part.directory.name] = part.directory
    missing = [i for i in range(1, first.count + 1) if i not in by_index]
    if missing:
        raise KitError(f"part {missing[0]} of {first.count} is missing (given: "
                       f"{', '.join(str(p.directory) for p in parts)})")
    return tuple(by_index[i] for i in range(1, first.count + 1))


def read_manifest_file(path: Path) -> dict:
    """A manifest.json as a dict; KitError naming it if unreadable."""
    try:
        manifest = json.loads(read_input_text(path))
    except (ValueError, OSError) as exc:
        raise KitError(f"{path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise KitError(f"{path}: the manifest is not a JSON object")
    return manifest


def _shown(value: object) -> str:
    return "(none)" if value is None else json.dumps(value, sort_keys=True)


@contextmanager
def reading_dataset(given: DataInput, must_exist: bool = True) -> Iterator[Dataset]:
    """``open_dataset(given)`` under a reader's lock on every directory it reads, so a
    generator replacing one of them is waited for, never read half-written."""
    paths = [Path(given)] if isinstance(given, (str, Path)) else [Path(p) for p in given]
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(reading_data(path))
        dataset = open_dataset(paths, must_exist)
        for directory in dataset.directories:
            if directory not in paths:  # the parts inside a directory of parts
                stack.enter_context(reading_data(directory))
        yield dataset


def check_day(value: object, what: str) -> str:
    """A day as the manifests write it, YYYY-MM-DD; else a KitError naming ``what``."""
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise KitError(f"{what} is not a date YYYY-MM-DD: {value!r}")
