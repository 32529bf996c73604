"""run_all.py's pipeline: generate -> ingest -> report -> CLV query -> exports and profile."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

from data_generation.writer import generate
from db.export.exporter import FORMATS, export
from db.ingest.loader import ingest
from db.profile.profiler import build_profile, write_profile
from db.report.reporter import build_report, write_report
from pipeline.commands import clv_query, settings
from utils.cli import shown
from utils.config import MANIFEST_NAME, SCHEMA_PATH
from utils.errors import CheckFailed
from utils.fileio import sha256_file


def run_all(data_dir: Path, db: Path, out_dir: Path, workers: int, core_only: bool,
            *options) -> Iterator[str]:
    """Run every step with ``settings(*options)``; yield each file written with the start of
    its SHA-256, then a summary. Fails (after the summary) when an integrity check failed."""
    started = time.perf_counter()
    chosen = settings(*options)
    manifest = generate(chosen, data_dir, workers)
    written = [data_dir / f["file"] for f in manifest["files"] + manifest["labels"]]
    written.append(data_dir / MANIFEST_NAME)
    ingest(data_dir, db, SCHEMA_PATH)
    written.append(db)
    report = build_report(db, data_dir, SCHEMA_PATH)
    written += write_report(report, out_dir)
    written += clv_query(db, out_dir)
    if not core_only:
        written += [d / "manifest.json" for d in export(db, out_dir / "exports", FORMATS, SCHEMA_PATH)]
        written += write_profile(build_profile(db, SCHEMA_PATH, realism=report["realism"]),
                                 out_dir / "docs")
    for path in written:
        yield f"{sha256_file(path)[:12]}  {shown(path)}"
    summary = report["summary"]
    yield (f"seed {chosen.seed}, scale {chosen.scale_label}: {summary['passed']} of "
           f"{summary['checks']} checks passed in {time.perf_counter() - started:.1f} s")
    if not report["passed"]:
        raise CheckFailed("integrity checks failed: " + ", ".join(summary["failed_checks"]))
