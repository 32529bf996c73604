"""A PostgreSQL load kit for the generator's CSVs where they are: one dataset or its K parts.

No database is needed and nothing is concatenated or copied: ``schema.sql`` creates the
tables without foreign keys or indexes, ``load_part.sql`` loads one part directory
(``psql -v part=DIR``) in one transaction, so K of them can run at once (``xargs -P``,
one per machine with a client), and ``finish.sql`` then adds the foreign keys (PostgreSQL
checks every row as it adds one), the indexes and the row counts each part's manifest
promises, and analyses. ``load.sql`` does all of it in order, in one transaction.
Foreign keys come last because a part's rows refer to rows of part 1 (the catalogue)
that a concurrent load may not have committed yet.
"""
from __future__ import annotations

from pathlib import Path

from db.sources import DataInput, Dataset, check_day, read_manifest_file, reading_dataset
from db.export.postgres import COPY_OPTIONS, deferred_constraints, postgres_schema
from db.schema import Schema, load_schema, quote
from utils.config import KIT_NAME, MANIFEST_NAME, SCHEMA_PATH
from utils.errors import KitError, os_reason
from utils.fileio import open_input, to_json, write_outputs

KIT_DIR = "postgres-parts"
PARTS_KIT_FILES = ("schema.sql", "load_part.sql", "finish.sql", "load.sql", "manifest.json")
_HEADER = ["\\set ON_ERROR_STOP on"]


def write_parts_kit(data: DataInput, out_dir: Path, schema_path: Path = SCHEMA_PATH) -> Path:
    """Write OUT/postgres-parts/ for the dataset or parts in ``data``; return its directory."""
    schema = load_schema(schema_path)
    with reading_dataset(data) as dataset:
        texts = parts_kit(schema, dataset)
    target = Path(out_dir) / KIT_DIR
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KitError(f"cannot create {target}: {os_reason(exc)}") from None
    write_outputs(target, texts, "the PostgreSQL parts kit")
    return target


def parts_kit(schema: Schema, dataset: Dataset) -> dict[str, str]:
    """The kit's files by name: schema.sql, load_part.sql, finish.sql, load.sql, manifest.json."""
    manifests = [p.manifest for p in dataset.parts] or [read_manifest_file(dataset.directory / MANIFEST_NAME)]
    columns = {t.name: _header(dataset.directories[0] / t.csv_name, t.column_names)
               for t in schema.tables.values() if t.name in _tables(manifests[0])}
    expected = {name: sum(_rows(m, f"{name}.csv") for m in manifests) for name in columns}
    copies = [f"\\copy {quote(name)} ({', '.join(quote(c) for c in cols)}) "
              f"FROM '{name}.csv' {COPY_OPTIONS}" for name, cols in columns.items()]
    load_part = _HEADER + [
        "-- Load one part directory: psql -v ON_ERROR_STOP=1 -d DATABASE -v part=DIR "
        "-f load_part.sql", "-- One transaction: a part loads whole or not at all; "
        "parts may load at the same time.", "\\cd :part", "BEGIN;", *copies, "COMMIT;", ""]
    finish = _HEADER + ["-- After every part has loaded (psql -1 -f finish.sql): the row counts "
                        "the parts' manifests promise, foreign keys, indexes."]
    finish += [_count_check(name, rows) for name, rows in expected.items()]
    finish += _as_of(manifests[0]) + [deferred_constraints(schema), "ANALYZE;", ""]
    serial = _HEADER + [
        "-- Everything in order, in one transaction: psql -v ON_ERROR_STOP=1 -d DATABASE "
        "-f load.sql", "BEGIN;", "\\ir schema.sql"]
    for directory in dataset.directories:
        serial += [f"\\cd {_psql_literal(directory.resolve())}", *copies]
    serial += ["\\ir finish.sql", "COMMIT;", ""]
    manifest = {"generator": KIT_NAME, "format": KIT_DIR,
                "parts": [{"directory": str(d.resolve()), "files": m.get("files", [])}
                          for d, m in zip(dataset.directories, manifests)],
                "tables": [{"table": name, "rows": rows} for name, rows in expected.items()]}
    return {"schema.sql": postgres_schema(schema, deferred=True), "load_part.sql": "\n".join(load_part),
            "finish.sql": "\n".join(finish), "load.sql": "\n".join(serial),
            "manifest.json": to_json(manifest)}


def _as_of(manifest: dict) -> list[str]:
    """An as-of snapshot's day in submission_meta, as ingest records it: the CLV query
    matures cohorts by it (queries/postgres/join_query.sql)."""
    if "as_of" not in manifest:
        return []
    day = check_day(manifest["as_of"], f'{MANIFEST_NAME}: "as_of"')
    return [f"INSERT INTO submission_meta (meta_id, kind, key, value) VALUES (1, 'run', 'as_of', '{day}');"]


def _tables(manifest: dict) -> set[str]:
    return {str(entry.get("table")) for entry in manifest.get("files", [])}


def _rows(manifest: dict, file_name: str) -> int:
    entry = next((e for e in manifest.get("files", []) if e.get("file") == file_name), {})
    rows = entry.get("rows")
    if not isinstance(rows, int):
        raise KitError(f"{MANIFEST_NAME}: no row count for {file_name}")
    return rows


def _header(path: Path, expected: tuple[str, ...]) -> list[str]:
    """The CSV's header: \\copy takes the columns in the file's order."""
    try:
        with open_input(path, "r", encoding="utf-8-sig", newline="") as handle:
            header = handle.readline().rstrip("\r\n").split(",")
    except OSError as exc:
        raise KitError(f"{path}: cannot read: {os_reason(exc)}") from None
    if sorted(header) != sorted(expected):
        raise KitError(f"{path} line 1: header {','.join(header)} does not have the columns "
                       f"{','.join(expected)}")
    return header


def _count_check(table: str, rows: int) -> str:
    return (f"DO $$ BEGIN IF (SELECT count(*) FROM {quote(table)}) <> {rows} THEN "
            f"RAISE EXCEPTION '{table}: % rows loaded, the parts promise {rows}', "
            f"(SELECT count(*) FROM {quote(table)}); END IF; END $$;")


def _psql_literal(path: Path) -> str:
    return "'" + str(path).replace("\\", "\\\\").replace("'", "\\'") + "'"
