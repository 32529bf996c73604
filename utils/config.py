"""One place for the repository layout and the defaults every command shares."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

KIT_NAME = "ecommerce-kit"
GENERATOR_VERSION = "3.0.0"

DEFAULT_SEED = 42
DEFAULT_SCALE = 1.0

DATA_DIR = ROOT / "data"
DB_DIR = ROOT / "db"
DB_PATH = DB_DIR / "ecommerce.db"
SCHEMA_PATH = DB_DIR / "schema.sql"
CHECKS_DIR = DB_DIR / "checks"
QUERIES_DIR = ROOT / "queries"
CLV_QUERY = "join_query"
OUTPUT_DIR = ROOT  # report.* and query_result.* live at the repository root
FRONTEND_DIR = ROOT / "frontend"
EXPORTS_DIR = ROOT / "exports"
DOCS_DIR = ROOT / "docs"
DICTIONARY_PATH = DOCS_DIR / "data_dictionary.md"

MANIFEST_NAME = "manifest.json"
LABELS_NAME = "labels/anomalies.csv"   # in the data directory: planted anomalies; not a table
META_TABLE = "submission_meta"

# Orders in these states are revenue: the money was taken and not given back.
REVENUE_STATUSES = ("paid", "shipped", "delivered")

BENCH_PUBLISHED_DIR = ROOT / "bench"  # results.json/.md quoted by the README: --publish only
BENCH_OUT_DIR = ROOT / "bench" / "out"  # where a benchmark run writes by default (ignored)
