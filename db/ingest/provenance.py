"""What an ingest records about its input: the files loaded, the generator's manifest,
and the run metadata written to ``submission_meta``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.sources import Dataset, check_day, read_manifest_file
from db.schema import Schema, quote
from db.statements import execute_many
from utils.config import GENERATOR_VERSION, KIT_NAME, MANIFEST_NAME, META_TABLE
from utils.currency import check_currency
from utils.errors import KitError, UsageError
from utils.fileio import sha256_file

log = logging.getLogger(__name__)

# The manifest keys that, with seed, scale and generator version, make two datasets the same
# store: a change batch applies only to a database whose settings fingerprint it shares.
SETTINGS_KEYS = ("window", "currency", "block_users", "rate_overrides")


@dataclass(frozen=True)
class LoadedFile:
    table: str
    file_name: str
    rows: int
    sha256: str


def read_manifest(data_dir: Path) -> dict:
    path = data_dir / MANIFEST_NAME
    if not path.exists():
        log.warning("no %s in %s: seed and scale will be recorded as unknown", MANIFEST_NAME, data_dir)
        return {}
    manifest = read_manifest_file(path)
    # The fields read later must have the right shape, or a bad manifest fails after the swap.
    if not isinstance(manifest.get("window", {}), dict):
        raise KitError(f"{path}: \"window\" is not a JSON object")
    if "currency" in manifest:
        try:
            manifest["currency"] = check_currency(manifest["currency"], '"currency"')
        except UsageError as exc:
            raise KitError(f"{path}: {exc}") from None
    if "as_of" in manifest:
        manifest["as_of"] = check_day(manifest["as_of"], f'{path}: "as_of"')
    files = manifest.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise KitError(f"{path}: \"files\" is not a list of JSON objects")
    return manifest


def write_meta(conn: sqlite3.Connection, schema: Schema, loaded: list[LoadedFile],
               manifest: dict, parts: int = 0) -> None:
    """One 'file' row per CSV loaded (each part's file, named ``<part directory>/<file>``)
    and the run's settings; ``parts``: K for a dataset read from K parts."""
    table = quote(META_TABLE)
    execute_many(conn, f"INSERT INTO {table} (kind, file_name, sha256, row_count) "
                 "VALUES ('file', ?, ?, ?)",
                 [(f.file_name, f.sha256, f.rows) for f in loaded])
    run = {
        "seed": manifest.get("seed", "unknown"),
        "scale": manifest.get("scale", "unknown"),
        "generator": manifest.get("generator", "unknown"),
        "generator_version": manifest.get("generator_version", "unknown"),
        "window_start": manifest.get("window", {}).get("start", "unknown"),
        "window_end": manifest.get("window", {}).get("end", "unknown"),
        "currency": manifest.get("currency", "unknown"),
        "ingested_by": f"{KIT_NAME} {GENERATOR_VERSION}",
        "python_version": platform.python_version(),
        "sqlite_version": sqlite3.sqlite_version,
        "schema_sha256": sha256_file(schema.path),
        "settings_sha256": settings_fingerprint(manifest),
    }
    if "as_of" in manifest:  # a snapshot as of a day; a full dataset stands at the window's end
        run["as_of"] = manifest["as_of"]
    if parts:  # only a dataset read from parts says so: a whole one records what it did
        run["parts"] = parts
    execute_many(conn, f"INSERT INTO {table} (kind, key, value) VALUES ('run', ?, ?)",
                 [(key, str(value)) for key, value in run.items()])


def settings_fingerprint(manifest: dict) -> str:
    """SHA-256 of the manifest's SETTINGS_KEYS as canonical JSON (absent keys as null)."""
    chosen = {key: manifest.get(key) for key in SETTINGS_KEYS}
    text = json.dumps(chosen, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def warn_unknown_files(data_dir: Path, schema: Schema) -> None:
    known = {t.csv_name for t in schema.data_tables}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in known:
            log.warning("ignoring %s: no table of that name in %s", path, schema.path.name)


def warn_manifest_mismatch(dataset: Dataset, manifests: list[dict],
                           loaded: list[LoadedFile]) -> None:
    """Warn about each file loaded whose SHA-256 differs from its (part's) manifest
    (``manifests``: each directory's, in ``dataset.directories`` order)."""
    recorded = {}
    for directory, manifest in zip(dataset.directories, manifests):
        prefix = f"{directory.name}/" if dataset.parts else ""
        recorded.update({f"{prefix}{entry.get('file')}": entry.get("sha256")
                         for entry in manifest.get("files", [])})
    for item in loaded:
        if item.file_name in recorded and recorded[item.file_name] != item.sha256:
            log.warning("%s differs from %s (edited after generation?)", item.file_name, MANIFEST_NAME)
