"""The single-step commands: generate, ingest, report, query, export, profile, dictionary, clean."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence

from data_generation.model import DEFAULT_END, DEFAULT_START, Rates, Settings, load_config
from data_generation.changes import changes as write_changes, snapshot
from data_generation.writer import Part, generate, verify
from db.connect import connect_readonly
from db.sources import DataInput
from db.dictionary.markdown import check_dictionary, write_dictionary
from db.export.exporter import FORMATS, export
from db.export.pgparts import PARTS_KIT_FILES, write_parts_kit
from db.export.verify import verify_exports
from db.ingest.apply import apply_batch
from db.ingest.loader import ingest
from db.profile.profiler import build_profile, write_profile
from db.report.reporter import build_report, write_report
from queries.runner import list_queries, load_query, run_query, write_result
from utils.cli import shown
from utils.config import CLV_QUERY, DATA_DIR, MANIFEST_NAME, ROOT
from utils.currency import DEFAULT_CURRENCY
from utils.errors import CheckFailed, KitError, UsageError, os_reason
from utils.generated import generated_paths
from utils.progress import Progress

Lines = Iterator[str]


def settings(seed: int, scale: float, config: Path | None, currency: str | None,
             start: date = DEFAULT_START, end: date = DEFAULT_END) -> Settings:
    """The generator's settings from the command-line options (``config``: a file of rate
    overrides and a currency; ``currency`` given on the command line wins)."""
    rates, config_currency = load_config(config) if config else (Rates(), None)
    return Settings(seed=seed, scale=scale, start=start, end=end, rates=rates,
                    currency=currency or config_currency or DEFAULT_CURRENCY)


def generate_data(out: Path, workers: int, part: int | None, parts: int | None, quiet: bool,
                  *options, dates: Sequence[date | None] = (None, None, None),
                  changes: bool = False) -> Lines:
    """Write a dataset (or one of ``parts``) made with ``settings(*options)``; with ``dates``
    (as-of, from, to) the store as of a day, or (``changes``) the batch between two days;
    yield each file with its row count."""
    if (parts is None) != (part is None):
        raise UsageError("--parts and --part go together")
    if parts is not None and part > parts:
        raise UsageError(f"--part {part} is beyond --parts {parts}")
    as_of, first, last = dates
    _check_dates(out, as_of, first, last, changes, parts)
    chosen = settings(*options)
    progress = Progress("generating", enabled=not quiet)
    try:
        if changes:
            manifest = write_changes(chosen, out, first, last, workers, progress)
        elif as_of is not None:
            manifest = snapshot(chosen, out, as_of, workers, progress)
        else:
            manifest = generate(chosen, out, workers, Part(part, parts) if parts else None,
                                progress)
    finally:
        progress.close()
    if changes:
        for name, entry in {**manifest["files"], **manifest["labels"]}.items():
            yield f"{shown(out / name)}\t{entry['rows']} rows"
    else:
        for entry in manifest["files"] + manifest.get("labels", []):
            yield f"{shown(out / entry['file'])}\t{entry['rows']} rows"
    yield shown(out / MANIFEST_NAME)


def _check_dates(out: Path, as_of: date | None, first: date | None, last: date | None,
                 changes: bool, parts: int | None) -> None:
    """Which date options go with which action (their values: ``data_generation.changes``)."""
    if changes:
        if as_of is not None:
            raise UsageError("--as-of goes with --generate; --changes takes --from and --to")
        if first is None or last is None:
            raise UsageError(f"--changes needs --{'from' if first is None else 'to'} DATE")
        if out == DATA_DIR:
            raise UsageError("--changes needs --out DIR: a batch must not replace the data "
                             "directory")
    elif first is not None or last is not None:
        raise UsageError(f"--{'from' if first is not None else 'to'} goes with --changes")
    if parts is not None and (changes or as_of is not None):
        raise UsageError(f"--parts cannot be combined with --{'changes' if changes else 'as-of'}: "
                         f"they write the whole store")


def verify_data(out: Path, dates: Sequence[date | None] = (None, None, None)) -> Lines:
    """Compare a data or batch directory with its manifest."""
    for option, value in zip(("--as-of", "--from", "--to"), dates):
        if value is not None:
            action = "--generate" if option == "--as-of" else "--changes"
            raise UsageError(f"{option} goes with {action}")
    problems = verify(out)
    if problems:
        raise CheckFailed(f"{len(problems)} file(s) differ from the manifest: {problems[0]}")
    yield f"{shown(out)}: every file matches manifest.json"


def ingest_data(data_dir: DataInput, db: Path, schema: Path, quiet: bool = False) -> Lines:
    """Build ``db`` from a data directory or the parts of one (db/sources.py)."""
    progress = Progress("ingest", enabled=not quiet)
    try:
        loaded = ingest(data_dir, db, schema, progress=progress)
    finally:
        progress.close()
    yield f"{shown(db)}\t{sum(f.rows for f in loaded)} rows from {len(loaded)} files"


def apply_changes(batch_dir: Path, db: Path, schema: Path) -> Lines:
    """Apply one change batch; yield what it did to each table and where the database stands."""
    batch, applied = apply_batch(batch_dir, db, schema)
    for item in applied:
        yield f"{item.table}\t{item.inserted} inserted, {item.rows - item.inserted} updated"
    yield f"{shown(db)}\tas of {batch.end} (batch {batch.start}..{batch.end} applied)"


def report(db: Path, data_dir: DataInput, schema: Path, out_dir: Path) -> Lines:
    """Write report.md and report.json; fail (after naming them) if any check failed."""
    built = build_report(db, data_dir, schema)
    yield from map(shown, write_report(built, out_dir))
    summary = built["summary"]
    if not built["passed"]:
        raise CheckFailed(f"{summary['failed']} of {summary['checks']} integrity checks failed: "
                          f"{', '.join(summary['failed_checks'])} (see report.md)")


def list_named_queries() -> Lines:
    return (f"{query.path.stem}: {query.question}" for query in list_queries())


def run_queries(db: Path, name: str | None, every: bool, params: Sequence[tuple[str, str]],
                out_dir: Path, results_dir: Path) -> Lines:
    """The CLV query into ``out_dir``/query_result.*, or one named query (``name``) or
    ``every`` one into ``results_dir``/<name>.*; yield the files written."""
    if params and not name:
        raise UsageError("--param needs --name")
    if not (every or name):
        return map(shown, clv_query(db, out_dir))
    conn = connect_readonly(db)
    try:
        written = []
        for query in list_queries() if every else [load_query(name)]:
            written += write_result(run_query(conn, query, query.parse(params)), results_dir,
                                     query.path.stem)
    finally:
        conn.close()
    return map(shown, written)


def clv_query(db: Path, out_dir: Path) -> list[Path]:
    """The CLV cohort query into ``out_dir``/query_result.csv and .json."""
    conn = connect_readonly(db)
    try:
        return write_result(run_query(conn, load_query(CLV_QUERY)), out_dir, "query_result")
    finally:
        conn.close()


def export_database(db: Path, out: Path, fmt: str, schema: Path) -> Lines:
    """Write one format, or ``all``, to ``out``/<format>/."""
    return map(shown, export(db, out, FORMATS if fmt == "all" else (fmt,), schema))


def postgres_parts(data: DataInput, out: Path, schema: Path) -> Lines:
    """Write ``out``/postgres-parts/, the psql kit that loads ``data``'s CSVs in place."""
    directory = write_parts_kit(data, out, schema)
    return (shown(directory / name) for name in PARTS_KIT_FILES)


def verify_export(directory: Path, db: Path, schema: Path) -> Lines:
    for result in verify_exports(directory, db, schema):
        yield (f"{shown(result.directory)}\t{result.format}: {result.tables} tables, "
               f"{result.rows} rows agree with the database")


def profile(db: Path, schema: Path, out_dir: Path) -> Lines:
    return map(shown, write_profile(build_profile(db, schema), out_dir))


def dictionary(schema: Path, out: Path, check: bool) -> Lines:
    """Write the data dictionary, or (``check``) fail if ``out`` differs from it."""
    if check:
        check_dictionary(schema, out)
        yield f"{shown(out)}: up to date"
    else:
        yield shown(write_dictionary(schema, out))


def clean(dry_run: bool, root: Path = ROOT) -> Lines:
    """Remove (or with ``dry_run`` only name) every generated path .gitignore lists."""
    try:
        paths = generated_paths(root)
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read the generated paths from .gitignore: {exc}") from None
    for path in paths:
        name = shown(path)
        if not dry_run:
            try:
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError as exc:
                raise KitError(f"cannot remove {name}: {os_reason(exc)}") from None
        yield f"{'would remove' if dry_run else 'removed'} {name}"
