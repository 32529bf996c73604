"""End to end: the real commands in a fresh copy of the repository, from both directories."""
from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import subprocess
import sys
import unittest
from pathlib import Path

import api_helpers
import helpers
from utils.fileio import sha256_file

ARTIFACTS = ["data/categories.csv", "data/users.csv", "data/products.csv", "data/orders.csv",
             "data/order_items.csv", "data/payments.csv", "data/reviews.csv",
             "data/labels/anomalies.csv", "data/manifest.json",
             "report.json", "report.md", "query_result.csv", "query_result.json"]
SCRIPTS = ["generate_data.py", "ingest.py", "run_query.py", "run_all.py"]


def digests(repo: Path) -> dict[str, str]:
    return {a: sha256_file(repo / a) for a in ARTIFACTS}


class Pipeline(unittest.TestCase):
    """Issue 2's "done when", run as a reviewer would on a fresh clone."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.case = unittest.TestCase()
        cls.repo = helpers.copy_repo(helpers.temp_dir(cls.case))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.case.doCleanups()

    def run_ok(self, *args: str, cwd: Path):
        proc = helpers.run_script(*args, cwd=cwd)
        self.assertEqual(proc.returncode, 0, f"{args}: {proc.stderr}")
        self.assertNotIn("Traceback", proc.stderr)
        return proc

    def test_pipeline_from_both_directories_is_deterministic(self) -> None:
        proc = self.run_ok("project/run_all.py", cwd=self.repo)
        for artifact in ARTIFACTS + ["db/ecommerce.db"]:
            self.assertIn(artifact, proc.stdout)
        self.assertRegex(proc.stdout, r"seed 42, scale 1: (\d+) of \1 checks passed")
        first = digests(self.repo)
        golden = json.loads((helpers.ROOT / "tests/golden/seed42_scale1.json").read_text())
        for name, entry in golden["files"].items():
            self.assertEqual(first[f"data/{name}"], entry["sha256"], name)

        project = self.repo / "project"
        self.run_ok("generate_data.py", "--generate", "--seed", "42", cwd=project)
        self.run_ok("ingest.py", "--ingest", cwd=project)
        self.run_ok("ingest.py", "--report", cwd=project)
        self.run_ok("run_query.py", cwd=project)
        self.assertEqual(digests(self.repo), first)

        self.run_ok("project/run_all.py", "--seed", "43", "--data-dir", "other/data", "--db",
                    "other/e.db", "--out-dir", "other", cwd=self.repo)
        other = self.repo / "other"
        for artifact in ARTIFACTS:
            if artifact != "data/categories.csv":  # the category tree is fixed
                self.assertNotEqual(sha256_file(other / artifact), first[artifact], artifact)
        self.assertEqual(digests(self.repo), first)  # other paths left the defaults alone

    def test_query_library_commands(self) -> None:
        self.run_ok("project/run_all.py", "-q", cwd=self.repo)
        listing = self.run_ok("project/run_query.py", "--list", cwd=self.repo).stdout
        self.assertIn("join_query: What is a customer worth", listing)
        self.run_ok("project/run_query.py", "--all", cwd=self.repo)
        for name in ("kpis", "monthly_sales", "join_query", "top_products"):
            rows = json.loads((self.repo / "results" / f"{name}.json").read_text())["rows"]
            self.assertTrue(rows, name)
        self.run_ok("project/run_query.py", "--name", "top_products", "--param", "limit=3",
                    "--param", "by=units", cwd=self.repo)
        rows = json.loads((self.repo / "results/top_products.json").read_text())["rows"]
        self.assertEqual(len(rows), 3)

    def test_generator_lists_every_file_it_writes(self) -> None:
        out = self.repo / "listed"
        proc = self.run_ok("project/generate_data.py", "--generate", "--scale", "0.02", "--out",
                           str(out), "-q", cwd=self.repo)
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        self.assertEqual(sorted((self.repo / p).relative_to(out).as_posix()
                                for p in printed_paths(proc.stdout)), written)
        self.assertIn("labels/anomalies.csv", written)

    def test_a_currency_flows_from_generate_to_manifest_report_and_api(self) -> None:
        """--currency names what the amounts are in; the data itself is the same bytes."""
        small = ("--seed", "5", "--scale", "0.05")
        self.run_ok("project/generate_data.py", "--generate", *small, "--out", "cur/usd", cwd=self.repo)
        self.run_ok("project/generate_data.py", "--generate", *small, "--currency", "eur",
                    "--out", "cur/data", cwd=self.repo)
        usd, eur = self.repo / "cur/usd", self.repo / "cur/data"
        manifests = [json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (usd, eur)]
        self.assertEqual([m["currency"] for m in manifests], ["USD", "EUR"])
        self.assertEqual(manifests[0]["files"], manifests[1]["files"])
        # The --config file may name the currency too; the command line wins over it.
        (self.repo / "cur/gbp.json").write_text('{"currency": "GBP"}', encoding="utf-8")
        for extra, expected in (([], "GBP"), (["--currency", "CHF"], "CHF")):
            self.run_ok("project/generate_data.py", "--generate", *small, "--config", "cur/gbp.json",
                        *extra, "--out", "cur/cfg", cwd=self.repo)
            manifest = json.loads((self.repo / "cur/cfg/manifest.json").read_text(encoding="utf-8"))
            self.assertEqual(manifest["currency"], expected)
        self.run_ok("project/ingest.py", "--ingest", "--data-dir", "cur/data", "--db", "cur/e.db",
                    cwd=self.repo)
        self.run_ok("project/ingest.py", "--report", "--data-dir", "cur/data", "--db", "cur/e.db",
                    "--out-dir", "cur", cwd=self.repo)
        report = json.loads((self.repo / "cur/report.json").read_text(encoding="utf-8"))
        self.assertEqual(report["dataset"]["currency"], "EUR")
        markdown = (self.repo / "cur/report.md").read_text(encoding="utf-8")
        self.assertIn("amounts in EUR.", markdown)
        self.assertIn("| revenue (EUR) |", markdown)
        server = api_helpers.start(self.repo, db_path=self.repo / "cur/e.db", data_dir=eur)
        self.addCleanup(server.stop)
        health = api_helpers.request(server.server_address[1], "/api/health").json()
        self.assertEqual((health["status"], health["dataset"]["currency"]), ("ok", "EUR"))

        # A manifest naming no real currency stops the load with one line; the database stays.
        before = sha256_file(self.repo / "cur/e.db")
        manifest = eur / "manifest.json"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace('"EUR"', '"Euro"'),
                            encoding="utf-8")
        proc = helpers.run_script("project/ingest.py", "--ingest", "--data-dir", "cur/data", "--db",
                                  "cur/e.db", cwd=self.repo)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertRegex(proc.stderr, r"manifest.json: \"currency\" 'Euro' is not an ISO 4217")
        self.assertEqual(sha256_file(self.repo / "cur/e.db"), before)

    def test_help_quiet_and_verbose_for_every_command(self) -> None:
        commands = sorted(p.relative_to(self.repo).as_posix()
                          for p in (self.repo / "project").glob("*.py"))
        self.assertIn("project/run_all.py", commands)
        for script in commands + ["serve_frontend.py", "bench/run.py", "-m bench.loadtest",
                                  "tests/interpreters.py"]:
            with self.subTest(script=script):
                proc = self.run_ok(*script.split(), "--help", cwd=self.repo)
                usage = proc.stdout.split("\n\n")[0]
                for option in ("-h", "-q", "-v"):
                    self.assertRegex(usage, rf"[\[ ]{option}[\] ]", option)
                for option in ("--help", "--quiet", "--verbose"):
                    self.assertIn(option, proc.stdout)

    def test_bad_parameters_give_one_line(self) -> None:
        cases = [
            (["generate_data.py", "--generate", "--scale", "-1"], 2, "argument --scale: must be a positive number"),
            (["generate_data.py", "--generate", "--seed", "4.2"], 2, "argument --seed: must be an integer"),
            (["generate_data.py", "--seed", "1"], 2, "one of the arguments --generate --changes --verify is required"),
            (["ingest.py", "--ingest", "--report"], 2, "not allowed with argument"),
            (["ingest.py", "--ingest", "--data-dir", "nowhere"], 1, "data directory .*nowhere does not exist"),
            (["ingest.py", "--report", "--db", "none.db"], 1, "no database at .*none.db; run ingest.py --ingest"),
            (["run_query.py", "--name", "nope", "--db", "../tests/fixtures/none.db"], 1, "no database"),
            (["run_query.py", "--param", "limit=3"], 2, "--param needs --name"),
            (["generate_data.py", "--generate", "--currency", "EURO"], 2,
             "argument --currency: code 'EURO' is not an ISO 4217 currency code"),
            (["generate_data.py", "--generate", "--currency", "JPY"], 2,
             "argument --currency: code JPY has 0 decimal places"),
            (["run_all.py", "--currency", "$"], 2, "argument --currency: code '\\$' is not an ISO 4217"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                proc = helpers.run_script(*args, cwd=self.repo / "project")
                self.assertEqual(proc.returncode, code, proc.stderr)
                lines = proc.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, proc.stderr)
                self.assertRegex(lines[0], message)


def printed_paths(stdout: str) -> list[str]:
    """The paths a command printed, one per line: ``PATH``, ``PATH<TAB>...``, ``PATH: ...``
    or ``<hash>  PATH`` (run_all.py)."""
    paths = []
    for line in stdout.splitlines():
        line = re.sub(r"^[0-9a-f]{12}  ", "", line).split("\t")[0]
        line = line.split(": ")[0]
        if " " not in line and ("/" in line or "." in line):
            paths.append(line)
    return paths


class PrintedPaths(unittest.TestCase):
    """Every path a command prints opens from where the reader ran it (issue 13)."""

    def setUp(self) -> None:
        tmp = helpers.temp_dir(self)
        self.repo = helpers.copy_repo(tmp)
        self.outside = tmp / "elsewhere"
        self.outside.mkdir()

    def check(self, cwd: Path, script: Path, *args: str, absolute: bool = False) -> None:
        proc = helpers.run_script(str(script), *args, cwd=cwd)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        paths = printed_paths(proc.stdout)
        self.assertTrue(paths, proc.stdout)
        for shown in paths:
            self.assertTrue((cwd / shown).exists(), f"{script.name} {args} in {cwd}: {shown}")
            self.assertEqual(Path(shown).is_absolute(), absolute, shown)

    def test_from_project_the_root_and_outside_the_repository(self) -> None:
        project = self.repo / "project"
        small = ("--scale", "0.05", "--workers", "1")
        self.check(project, Path("run_all.py"), *small)
        for args in (["generate_data.py", "--generate", *small], ["generate_data.py", "--verify"],
                     ["ingest.py", "--ingest"], ["ingest.py", "--report"], ["run_query.py"],
                     ["run_query.py", "--name", "kpis"], ["export.py", "--format", "json"],
                     ["profile_data.py"], ["generate_docs.py", "--check"]):
            with self.subTest(cwd="project", args=args):
                self.check(project, Path(args[0]), *args[1:])
        with self.subTest(cwd="root"):
            self.check(self.repo, Path("project/run_query.py"))
        with self.subTest(cwd="db"):
            self.check(self.repo / "db", Path("../project/ingest.py"), "--report")
        with self.subTest(cwd="outside"):
            self.check(self.outside, project / "run_all.py", *small, "--core-only", absolute=True)
            self.check(self.outside, project / "generate_data.py", "--generate", "--scale", "0.02",
                       "--out", "mine", absolute=True)


    def test_inside_a_folder_the_command_replaces(self) -> None:
        """data/ and exports/<fmt>/ are swapped whole: the reader's folder is a new one after."""
        small = ("--scale", "0.02", "--workers", "1")
        for args in (["project/generate_data.py", "--generate", *small], ["project/ingest.py", "--ingest"],
                     ["project/export.py", "--format", "json"]):
            self.assertEqual(helpers.run_script(*args, cwd=self.repo).returncode, 0, args)
        with self.subTest(cwd="data"):
            self.check(self.repo / "data", Path("../project/generate_data.py"), "--generate", *small)
        with self.subTest(cwd="exports/json"):
            self.check(self.repo / "exports" / "json", Path("../../project/export.py"),
                       "--format", "json")


class InProcess(unittest.TestCase):
    """Entry scripts expose main(argv) so they can run without a subprocess."""

    def test_main_returns_exit_codes(self) -> None:
        module = helpers.load_script("generate_data")
        out = helpers.temp_dir(self) / "data"
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            self.assertEqual(module.main(["--generate", "--scale", "0.01", "--out", str(out), "-q"]), 0)
            self.assertEqual(module.main(["--verify", "--out", str(out), "-q"]), 0)
            (out / "users.csv").write_text("tampered\n")
            self.assertEqual(module.main(["--verify", "--out", str(out), "-q"]), 1)
        self.assertIn("users.csv\t20 rows", stdout.getvalue())
        self.assertRegex(stderr.getvalue(), r"^generate_data.py: error: 1 file\(s\) differ from the "
                                            r"manifest: .*users.csv: SHA-256 differs")


class EntryPlumbing(unittest.TestCase):
    """utils/cli.py: the one skin every entry script wears (parse, one call, print lines)."""

    def execute(self, action, argv=(), database=True) -> tuple[int, str, str]:
        from utils import cli
        parser = cli.command("/anywhere/demo.py", "demo")
        cli.add(parser, "--db", "--scale")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.execute(parser, list(argv), action, database=database)
        return code, out.getvalue(), err.getvalue()

    def test_lines_print_as_they_come_then_one_line_error(self) -> None:
        from utils.errors import CheckFailed

        def action(args):
            yield f"scale {args.scale}"
            raise CheckFailed("2 checks failed")

        self.assertEqual(self.execute(action, ["--scale", "2", "-q"]),
                         (1, "scale 2.0\n", "demo.py: error: 2 checks failed\n"))

    def test_a_closed_pipe_is_quiet(self) -> None:
        """``clean.py --dry-run | head -3``: the reader stopped reading; no error message."""
        proc = subprocess.Popen([sys.executable, str(helpers.ROOT / "project/run_query.py"), "--list"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()  # before the command writes its first line
        stderr = proc.stderr.read().decode()
        proc.stderr.close()
        self.assertEqual(proc.wait(timeout=60), 141, stderr)
        self.assertEqual(stderr, "")

    def test_sqlite_errors_name_the_database_option_or_say_database(self) -> None:
        import sqlite3

        def action(args):
            raise sqlite3.OperationalError("disk I/O error")

        code, _, err = self.execute(action, ["--db", "x.db"])
        self.assertEqual((code, err), (1, f"demo.py: error: {Path('x.db').resolve()}: disk I/O error\n"))
        code, _, err = self.execute(action, ["--db", "x.db"], database=False)
        self.assertEqual(err, "demo.py: error: database: disk I/O error\n")

    def test_options_table_gives_types_defaults_and_help(self) -> None:
        from utils import cli
        from utils.config import DB_PATH
        parser = cli.command("x.py", "x")
        cli.add(parser, "--db", "--scale")
        cli.add(parser, "--out", default=DB_PATH, help="somewhere")
        args = parser.parse_args(["--scale", "0.5", "--out", "rel"])
        self.assertEqual((args.db, args.scale, args.out), (DB_PATH, 0.5, Path("rel").resolve()))
        text = parser.format_help()
        self.assertIn("SQLite database file (default: <repository>/db/ecommerce.db)", text)
        self.assertIn("somewhere (default: <repository>/db/ecommerce.db)", text)
        with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
            parser.parse_args(["--scale", "0"])
        self.assertEqual(err.getvalue(), "x.py: error: argument --scale: must be a positive "
                                         "number, got '0' (see --help)\n")

    def test_every_entry_script_is_parse_one_call_print(self) -> None:
        """No entry script prints, catches or loops itself: main() ends in one cli.execute."""
        for path in sorted((helpers.ROOT / "project").glob("*.py")):
            with self.subTest(script=path.name):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
                self.assertEqual(functions, ["main"])
                main = tree.body[[getattr(n, "name", "") for n in tree.body].index("main")]
                calls = [n for n in ast.walk(main) if isinstance(n, ast.Call)
                         and ast.unparse(n.func) == "cli.execute"]
                self.assertEqual(len(calls), 1)
                self.assertIsInstance(main.body[-1], ast.Return)
                kinds = {type(n) for n in ast.walk(main)}
                self.assertFalse(kinds & {ast.For, ast.While, ast.Try, ast.With}, kinds)
                self.assertNotIn("print(", path.read_text(encoding="utf-8"))


class Python39Grammar(unittest.TestCase):
    def test_every_python_file_parses_as_python_3_9(self) -> None:
        files = [p for p in helpers.ROOT.rglob("*.py") if ".git" not in p.parts]
        self.assertGreater(len(files), 20)
        for path in files:
            with self.subTest(path=str(path.relative_to(helpers.ROOT))):
                ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=(3, 9))


if __name__ == "__main__":
    unittest.main()
