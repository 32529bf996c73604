"""The PostgreSQL export in a real, throw-away server: it loads, matches SQLite, or loads nothing.

Needs PostgreSQL's server binaries (initdb, pg_ctl) and psql; skipped when they are
missing unless ECOMKIT_REQUIRE_POSTGRES=1, which turns the skip into a failure. The
cluster lives in a temporary directory, listens only on a Unix socket there (TCP on
127.0.0.1 where there are no Unix sockets) and is stopped and removed afterwards,
also when a test fails.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
from pathlib import Path

import helpers
from db.export.exporter import export
from db.schema import load_schema, quote
from db.connect import connect_readonly
from queries.runner import load_query, parse_query_file, run_query
from utils.config import CLV_QUERY, QUERIES_DIR, REVENUE_STATUSES, SCHEMA_PATH

REQUIRE = os.environ.get("ECOMKIT_REQUIRE_POSTGRES") == "1"
PG_CLV_QUERY = QUERIES_DIR / "postgres" / f"{CLV_QUERY}.sql"
SUPERUSER = "postgres"


def find_server_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: Path) -> tuple:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for directory in candidates:
        if all(shutil.which(program, path=str(directory)) for program in ("initdb", "pg_ctl")):
            return directory
    return None


def unavailable(reason: str) -> None:
    if REQUIRE:
        raise RuntimeError(f"ECOMKIT_REQUIRE_POSTGRES=1 but {reason}")
    raise unittest.SkipTest(f"{reason} (install Debian's postgresql package to run this test)")


class Cluster:
    """A PostgreSQL cluster in a temporary directory, for one test class."""

    def __init__(self, bindir: Path, add_cleanup) -> None:
        self.bindir = bindir
        self.psql_bin = shutil.which("psql", path=str(bindir)) or shutil.which("psql")
        if not self.psql_bin:
            unavailable("psql is not installed")
        base = "/tmp" if os.path.isdir("/tmp") else None  # short: a socket path has ~100 bytes
        self.root = Path(tempfile.mkdtemp(prefix="ecomkit-pg-", dir=base))
        add_cleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.as_server: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # initdb refuses to run as root
            self._hand_to_postgres_user()
        self.data = self.root / "data"
        self.server(["initdb", "-D", str(self.data), "--auth=trust", f"--username={SUPERUSER}",
                     "--encoding=UTF8", "--locale=C", "--no-sync"])
        if os.name == "posix":
            self.host, port = str(self.root), 5432   # the socket file is named after the port
            options = f"-k '{self.root}' -c listen_addresses='' -p {port} -F"
        else:
            self.host, port = "127.0.0.1", helpers.free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -F"
        self.env = dict(os.environ, PGHOST=self.host, PGPORT=str(port), PGUSER=SUPERUSER,
                        PGOPTIONS="-c datestyle=ISO,MDY -c client_min_messages=warning")
        add_cleanup(self.stop)
        self.server(["pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                     "-t", "60", "-o", options, "start"])

    def _hand_to_postgres_user(self) -> None:
        try:
            import pwd
            user = pwd.getpwnam(SUPERUSER)
        except KeyError:
            unavailable("the tests run as root and there is no 'postgres' user to run initdb")
        if not shutil.which("runuser"):
            unavailable("the tests run as root and runuser is missing")
        os.chown(self.root, user.pw_uid, user.pw_gid)
        os.chmod(self.root, 0o755)
        self.as_server = ["runuser", "-u", SUPERUSER, "--"]

    def server(self, args: list[str]) -> None:
        command = self.as_server + [str(self.bindir / args[0])] + args[1:]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = self.root / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {proc.stderr}{detail}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(self.as_server + [str(self.bindir / "pg_ctl"), "-D", str(self.data),
                                             "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)

    def psql(self, database: str, *args: str,
             cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([self.psql_bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database,
                               *args], capture_output=True, text=True, cwd=cwd, env=self.env,
                              timeout=120)

    def create_database(self, name: str) -> str:
        proc = self.psql("postgres", "-c", f"CREATE DATABASE {quote(name)}")
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        return name

    def csv_query(self, database: str, sql: str = "", path: Path | None = None) -> list[list[str]]:
        args = ["--csv", "-f", str(path)] if path else ["--csv", "-c", sql]
        proc = self.psql(database, *args)
        if proc.returncode != 0:
            raise AssertionError(f"psql failed: {proc.stderr}")
        return list(csv.reader(io.StringIO(proc.stdout)))


class PostgresRoundTrip(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        bindir = find_server_bin()
        if bindir is None:
            unavailable("no PostgreSQL server found (initdb and pg_ctl on PATH or in "
                        "/usr/lib/postgresql/*/bin)")
        work = Path(tempfile.mkdtemp(prefix="ecomkit-test-"))
        cls.addClassCleanup(shutil.rmtree, work, ignore_errors=True)
        cls.cluster = Cluster(bindir, cls.addClassCleanup)
        _, cls.db = helpers.small_database(work, seed=11, scale=0.5)
        export(cls.db, work / "exports", ["postgres"])
        cls.export_dir = work / "exports" / "postgres"
        cls.schema = load_schema(SCHEMA_PATH)
        cls.loaded = cls.cluster.create_database("roundtrip")
        elsewhere = work / "elsewhere"
        elsewhere.mkdir()
        # run from another directory: -v dir=... tells load.sql where its CSVs are
        cls.load = cls.cluster.psql(cls.loaded, "-v", f"dir={cls.export_dir}",
                                    "-f", str(cls.export_dir / "load.sql"), cwd=elsewhere)

    def setUp(self) -> None:
        self.assertEqual(self.load.returncode, 0, f"load.sql failed: {self.load.stderr}")
        self.sqlite = connect_readonly(self.db)
        self.addCleanup(self.sqlite.close)

    def test_row_counts_match(self) -> None:
        for table in self.schema.tables:
            with self.subTest(table=table):
                (count,), = self.sqlite.execute(f"SELECT count(*) FROM {quote(table)}")
                self.assertGreater(count, 0)
                rows = self.cluster.csv_query(self.loaded, f"SELECT count(*) FROM {quote(table)}")
                self.assertEqual(rows, [["count"], [str(count)]])

    def test_total_revenue_matches_to_the_cent(self) -> None:
        marks = ", ".join("?" * len(REVENUE_STATUSES))
        (cents,), = self.sqlite.execute(
            "SELECT sum(CAST(round(total_amount * 100) AS INTEGER)) FROM orders "
            f"WHERE status IN ({marks})", REVENUE_STATUSES)
        statuses = ", ".join(f"'{s}'" for s in REVENUE_STATUSES)
        rows = self.cluster.csv_query(self.loaded, "SELECT sum(total_amount) AS revenue "
                                      f"FROM orders WHERE status IN ({statuses})")
        self.assertEqual(rows, [["revenue"], [f"{cents // 100}.{cents % 100:02d}"]])

    def test_clv_cohorts_match_the_sqlite_query_exactly(self) -> None:
        sqlite_query = load_query(CLV_QUERY)
        self.assertEqual(parse_query_file(PG_CLV_QUERY).columns, sqlite_query.columns)
        expected = [[("" if v is None else str(v)) for v in row.values()]
                    for row in run_query(self.sqlite, sqlite_query).rows]
        self.assertGreater(len(expected), 6)
        self.assertTrue(any(row[-1] for row in expected), "no mature 365-day cohort to compare")
        rows = self.cluster.csv_query(self.loaded, path=PG_CLV_QUERY)
        self.assertEqual(rows[0], sqlite_query.column_names)
        self.assertEqual(rows[1:], expected)

    def test_clv_cohorts_mature_by_the_recorded_as_of_day_as_in_sqlite(self) -> None:
        """A database that stands at an as-of day (submission_meta) matures its cohorts by that
        day, not by the latest order, in both dialects."""
        work = helpers.temp_dir(self)
        db = work / "asof.db"
        shutil.copyfile(self.db, db)
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("DELETE FROM submission_meta WHERE kind = 'run' AND key = 'as_of'")
            conn.execute("INSERT INTO submission_meta (kind, key, value) "
                         "VALUES ('run', 'as_of', '2024-05-15')")
        conn.close()
        export(db, work / "exports", ["postgres"])
        loaded = self.cluster.create_database("asof")
        load = self.cluster.psql(loaded, "-v", f"dir={work / 'exports' / 'postgres'}", "-f",
                                 str(work / "exports" / "postgres" / "load.sql"))
        self.assertEqual(load.returncode, 0, load.stderr)
        sqlite = connect_readonly(db)
        self.addCleanup(sqlite.close)
        query = load_query(CLV_QUERY)
        expected = [[("" if v is None else str(v)) for v in row.values()]
                    for row in run_query(sqlite, query).rows]
        latest = [[("" if v is None else str(v)) for v in row.values()]
                  for row in run_query(self.sqlite, query).rows]
        self.assertNotEqual(expected, latest, "the as-of day changed no cohort's maturity")
        self.assertEqual(self.cluster.csv_query(loaded, path=PG_CLV_QUERY)[1:], expected)

    def test_postgres_writes_back_the_exported_csv_bytes(self) -> None:
        """COPY TO from PostgreSQL reproduces each exported CSV: types, NULLs, money, quoting."""
        for table in self.schema.tables.values():
            with self.subTest(table=table.name):
                columns = ", ".join(quote(c) for c in table.column_names)
                sql = (f"COPY (SELECT {columns} FROM {quote(table.name)} "
                       f"ORDER BY {quote(table.primary_key)}) "
                       f"TO STDOUT WITH (FORMAT csv, HEADER true)")
                proc = self.cluster.psql(self.loaded, "-c", sql)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                exported = (self.export_dir / f"{table.name}.csv").read_text(encoding="utf-8")
                self.assertEqual(proc.stdout, exported)

    def test_a_broken_csv_loads_nothing(self) -> None:
        broken = helpers.temp_dir(self) / "postgres"
        shutil.copytree(self.export_dir, broken)
        last = list(self.schema.tables.values())[-1]  # loaded last: all before must roll back
        with open(broken / f"{last.name}.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write("not-a-number" + "," * (len(last.columns) - 1) + "\n")
        database = self.cluster.create_database("broken")
        proc = self.cluster.psql(database, "-f", "load.sql", cwd=broken)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(f"COPY {last.name}, line", proc.stderr)
        rows = self.cluster.csv_query(
            database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        self.assertEqual(rows, [["count"], ["0"]], "a failed load left tables behind")


if __name__ == "__main__":
    unittest.main()
