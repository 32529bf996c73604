"""Issue 12: every OS or SQLite failure is one line naming the file; nothing lost, nothing left.

Real "disk full" on a small tmpfs where the machine allows mounting one (root on Linux),
and the same failures injected with unittest.mock everywhere else. Also: a directory or
FIFO where a file is expected never hangs, and the server's start-up failures are one line.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import socket
import stat
import sqlite3
import subprocess
import sys
import unittest
from pathlib import Path
from unittest import mock

import helpers
from data_generation.writer import verify
from utils.fileio import sha256_file

HANG = 30  # seconds: a command that opens a FIFO for reading would wait forever


def leftovers(directory: Path) -> list[str]:
    """Temporary or lock files anywhere under ``directory``."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")
                  if p.name.endswith((".tmp", ".lock", ".old")))


def fill(directory: Path, keep: int) -> Path:
    """Fill the file system of ``directory`` until only about ``keep`` bytes are free."""
    stats = os.statvfs(directory)
    free = stats.f_bavail * stats.f_frsize
    filler = directory / "filler"
    with open(filler, "ab") as handle:
        handle.write(b"\0" * max(0, free - keep))
    return filler


class OneLine(unittest.TestCase):
    """Run a command as a user does: a subprocess, bounded in time."""

    def run_cmd(self, *args: str) -> subprocess.CompletedProcess:
        return helpers.run_script(*args, cwd=helpers.ROOT, timeout=HANG)

    def assert_one_line(self, result: subprocess.CompletedProcess, *expected: str) -> str:
        self.assertNotEqual(result.returncode, 0, result.stdout)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        for text in expected:
            self.assertIn(text, lines[0])
        return lines[0]


class WithDatabase(OneLine):
    """One small dataset and database for the whole class, in a temporary directory."""

    @classmethod
    def setUpClass(cls) -> None:
        cls._fixture = unittest.TestCase()
        cls.tmp = helpers.temp_dir(cls._fixture)
        cls.data_dir, cls.db = helpers.small_database(cls.tmp, scale=0.2)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._fixture.doCleanups()


@unittest.skipUnless(sys.platform.startswith("linux"), "tmpfs is Linux")
class DiskFull(WithDatabase):
    """A real full file system: a 2 MB tmpfs, filled up before each command."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.fs = cls.tmp / "fs"
        cls.fs.mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(cls.fs)],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            raise unittest.SkipTest(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")

    @classmethod
    def tearDownClass(cls) -> None:
        subprocess.run(["umount", str(cls.fs)], capture_output=True)
        super().tearDownClass()

    def setUp(self) -> None:
        for path in self.fs.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()

    def test_generate(self) -> None:
        fill(self.fs, 16 * 1024)
        result = self.run_cmd("project/generate_data.py", "--generate", "--scale", "0.05",
                              "--out", str(self.fs / "data"), "-q")
        self.assert_one_line(result, str(self.fs / "data"), "No space left on device")
        self.assertEqual(leftovers(self.fs), [])
        self.assertFalse((self.fs / "data").exists())

    def test_generate_keeps_the_previous_dataset(self) -> None:
        shutil.copytree(self.data_dir, self.fs / "data")
        fill(self.fs, 16 * 1024)
        result = self.run_cmd("project/generate_data.py", "--generate", "--seed", "9",
                              "--scale", "0.05", "--out", str(self.fs / "data"), "-q")
        self.assert_one_line(result, "No space left on device")
        self.assertEqual(verify(self.fs / "data"), [])
        self.assertEqual(sha256_file(self.fs / "data" / "orders.csv"),
                         sha256_file(self.data_dir / "orders.csv"))
        self.assertEqual(leftovers(self.fs), [])

    def test_ingest_keeps_the_previous_database(self) -> None:
        db = self.fs / "ecommerce.db"
        shutil.copyfile(self.db, db)
        before = sha256_file(db)
        fill(self.fs, 16 * 1024)
        result = self.run_cmd("project/ingest.py", "--ingest", "--data-dir", str(self.data_dir),
                              "--db", str(db), "-q")
        line = self.assert_one_line(result, str(db))
        self.assertRegex(line, "database or disk is full|No space left on device")
        self.assertEqual(sha256_file(db), before)
        self.assertEqual(leftovers(self.fs), [])

    def test_report_query_export_and_profile(self) -> None:
        commands = {
            "report": ["project/ingest.py", "--report", "--data-dir", str(self.data_dir),
                       "--db", str(self.db), "--out-dir", str(self.fs)],
            "query": ["project/run_query.py", "--db", str(self.db), "--out-dir", str(self.fs)],
            "export": ["project/export.py", "--format", "all", "--db", str(self.db),
                       "--out", str(self.fs / "exports")],
            "profile": ["project/profile_data.py", "--db", str(self.db),
                        "--out-dir", str(self.fs)],
        }
        for name, args in commands.items():
            with self.subTest(name):
                (self.fs / "filler").unlink(missing_ok=True)
                (self.fs / "report.json").write_text("previous\n")
                (self.fs / "query_result.json").write_text("previous\n")
                fill(self.fs, 4 * 1024)
                result = self.run_cmd(*args, "-q")
                self.assert_one_line(result, str(self.fs), "No space left on device")
                self.assertEqual(leftovers(self.fs), [])
                self.assertEqual((self.fs / "report.json").read_text(), "previous\n")
                self.assertEqual((self.fs / "query_result.json").read_text(), "previous\n")
                self.assertEqual(sorted(p.name for p in self.fs.glob("*.csv")), [])  # no half pair


class Injected(WithDatabase):
    """The same failures injected in-process: read-only file system, I/O errors, SQLite errors."""

    def main(self, script: str, *args: str) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = helpers.load_script(script).main([*args, "-q"])
        return code, err.getvalue()

    def assert_one_line(self, outcome: tuple[int, str], *expected: str) -> None:
        code, err = outcome
        self.assertNotEqual(code, 0)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        for text in expected:
            self.assertIn(text, err)

    def test_ingest_read_only_file_system_and_io_error(self) -> None:
        work = helpers.temp_dir(self)
        db = work / "ecommerce.db"
        shutil.copyfile(self.db, db)
        before = sha256_file(db)
        failures = {
            "Read-only file system": mock.patch("os.replace", side_effect=OSError(
                errno.EROFS, "Read-only file system")),
            "disk I/O error": mock.patch("db.ingest.loader._build", side_effect=sqlite3.OperationalError(
                "disk I/O error")),
            "database or disk is full": mock.patch("db.ingest.loader._build", side_effect=(
                sqlite3.OperationalError("database or disk is full"))),
        }
        for cause, patch in failures.items():
            with self.subTest(cause), patch:
                self.assert_one_line(self.main("ingest", "--ingest", "--data-dir",
                                               str(self.data_dir), "--db", str(db)), str(db), cause)
            self.assertEqual(sha256_file(db), before)
            self.assertEqual(leftovers(work), [])

    def test_csv_read_error_names_the_csv(self) -> None:
        work = helpers.temp_dir(self)
        db = work / "ecommerce.db"
        shutil.copyfile(self.db, db)
        before = sha256_file(db)
        with mock.patch("db.ingest.csvload.HashingReader.readinto",
                        side_effect=OSError(errno.EIO, "Input/output error")):
            self.assert_one_line(self.main("ingest", "--ingest", "--data-dir", str(self.data_dir),
                                           "--db", str(db)),
                                 "categories.csv: cannot read: Input/output error")
        self.assertEqual(sha256_file(db), before)
        self.assertEqual(leftovers(work), [])

    def test_generate_io_error_keeps_the_dataset(self) -> None:
        work = helpers.temp_dir(self)
        shutil.copytree(self.data_dir, work / "data")
        with mock.patch("data_generation.writer.write_csvs",
                        side_effect=OSError(errno.EIO, "Input/output error")):
            self.assert_one_line(self.main("generate_data", "--generate", "--scale", "0.05",
                                           "--out", str(work / "data")),
                                 str(work / "data"), "Input/output error")
        self.assertEqual(verify(work / "data"), [])
        self.assertEqual(leftovers(work), [])

    def test_query_disk_io_error_names_the_database(self) -> None:
        from db.connect import Connection
        with mock.patch.object(Connection, "execute",
                               side_effect=sqlite3.OperationalError("disk I/O error")):
            self.assert_one_line(self.main("run_query", "--db", str(self.db), "--out-dir",
                                           str(helpers.temp_dir(self))),
                                 str(self.db), "disk I/O error")

    def test_outputs_permission_denied(self) -> None:
        work = helpers.temp_dir(self)
        def denied() -> contextlib.ExitStack:
            stack = contextlib.ExitStack()
            for name in ("os.replace", "os.rename"):  # outputs are renamed into place
                stack.enter_context(mock.patch(name, side_effect=PermissionError(
                    errno.EACCES, "Permission denied")))
            return stack
        commands = {
            "report": ("ingest", "--report", "--data-dir", str(self.data_dir), "--db",
                       str(self.db), "--out-dir", str(work)),
            "query": ("run_query", "--db", str(self.db), "--out-dir", str(work)),
            "export": ("export", "--format", "json", "--db", str(self.db), "--out",
                       str(work / "exports")),
            "profile": ("profile_data", "--db", str(self.db), "--out-dir", str(work)),
        }
        for name, args in commands.items():
            with self.subTest(name), denied():
                self.assert_one_line(self.main(*args), str(work), "Permission denied")
            self.assertEqual(leftovers(work), [])

    def test_an_unexpected_sqlite_error_is_still_one_line(self) -> None:
        """The last line of defence: cli.run names the database for what no library caught."""
        from pipeline import commands
        module = helpers.load_script("profile_data")
        with mock.patch.object(commands, "build_profile",
                               side_effect=sqlite3.DatabaseError("file is not a database")):
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = module.main(["--db", str(self.db), "--out-dir",
                                    str(helpers.temp_dir(self))])
        self.assertEqual(code, 1)
        self.assertEqual(err.getvalue(),
                         f"profile_data.py: error: {self.db}: file is not a database\n")


@unittest.skipUnless(hasattr(os, "mkfifo"), "FIFOs are POSIX")
class OneConversion(unittest.TestCase):
    """An OSError becomes words in one place (utils/errors.os_reason): never "None"."""

    def test_no_module_reads_strerror_itself(self) -> None:
        readers = sorted(p.relative_to(helpers.ROOT).as_posix() for p in helpers.ROOT.rglob("*.py")
                         if "tests" not in p.relative_to(helpers.ROOT).parts
                         and ".strerror" in p.read_text(encoding="utf-8"))
        self.assertEqual(readers, ["utils/errors.py", "utils/fileio.py"])  # fileio: NotRegularFile

    def test_an_oserror_without_strerror_still_says_what(self) -> None:
        from data_generation.model import load_config
        from db.schema import load_schema
        from utils.errors import KitError
        from utils.sqlfile import read_sql_file
        weird = OSError("the disk said no")  # strerror is None
        for module, call in (("data_generation.model", load_config), ("db.schema", load_schema),
                             ("utils.sqlfile", read_sql_file)):
            with self.subTest(module=module), \
                    mock.patch(f"{module}.read_input_text", side_effect=weird):
                with self.assertRaises(KitError) as caught:
                    call(Path("some.file"))
                self.assertIn("some.file: the disk said no", str(caught.exception))


class NotARegularFile(WithDatabase):
    """A directory or FIFO where a file is expected: one line at once, never a hang."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.fifo = cls.tmp / "fifo"
        os.mkfifo(cls.fifo)
        cls.directory = cls.tmp / "a-directory"
        cls.directory.mkdir()

    def test_fifo_or_directory_inputs(self) -> None:
        for kind in ("fifo", "directory"):
            odd = getattr(self, kind)
            data = self.tmp / f"data-{kind}"
            shutil.copytree(self.data_dir, data)
            (data / "orders.csv").unlink()
            os.mkfifo(data / "orders.csv") if kind == "fifo" else (data / "orders.csv").mkdir()
            cases = {
                "csv": (["project/ingest.py", "--ingest", "--data-dir", str(data),
                         "--db", str(self.tmp / "new.db")], "orders.csv"),
                "schema": (["project/ingest.py", "--ingest", "--schema", str(odd),
                            "--data-dir", str(self.data_dir), "--db", str(self.tmp / "new.db")],
                           str(odd)),
                "config": (["project/generate_data.py", "--generate", "--config", str(odd),
                            "--out", str(self.tmp / "out")], str(odd)),
                "database": (["project/run_query.py", "--db", str(odd), "--out-dir",
                              str(self.tmp / "q")], str(odd)),
                "profile database": (["project/profile_data.py", "--db", str(odd),
                                      "--out-dir", str(self.tmp / "q")], str(odd)),
                "verify": (["project/generate_data.py", "--verify", "--out", str(data)],
                           "orders.csv: cannot read"),
            }
            for name, (args, named) in cases.items():
                with self.subTest(kind=kind, input=name):
                    self.assert_one_line(self.run_cmd(*args), named)
            self.assertFalse((self.tmp / "new.db").exists())

    def test_directory_where_the_database_goes(self) -> None:
        result = self.run_cmd("project/ingest.py", "--ingest", "--data-dir", str(self.data_dir),
                              "--db", str(self.directory))
        self.assert_one_line(result, str(self.directory), "is a directory")
        self.assertEqual(leftovers(self.tmp), [])

    def test_fifo_or_device_where_an_output_goes(self) -> None:
        """Every output is renamed over its target: a FIFO or device there is refused, kept."""
        specials = {"fifo": lambda path: os.mkfifo(path)}
        if hasattr(os, "mknod") and os.geteuid() == 0:  # /dev/null's numbers: 1, 3
            specials["device"] = lambda path: os.mknod(path, stat.S_IFCHR | 0o666,
                                                       os.makedev(1, 3))
        out = self.tmp / "outputs"
        for kind, make in specials.items():
            said = "a FIFO" if kind == "fifo" else "a device or socket"
            cases = {
                "ingest": (["project/ingest.py", "--ingest", "--data-dir", str(self.data_dir),
                            "--db", "{target}"], "{target}"),
                "run_all": (["project/run_all.py", "--scale", "0.05", "--core-only",
                             "--data-dir", str(out / "data"), "--db", "{target}",
                             "--out-dir", str(out)], "{target}"),
                "report": (["project/ingest.py", "--report", "--db", str(self.db),
                            "--data-dir", str(self.data_dir), "--out-dir", str(out)],
                           str(out / "report.json")),
                "query": (["project/run_query.py", "--db", str(self.db), "--out-dir", str(out)],
                          str(out / "query_result.csv")),
                "export": (["project/export.py", "--format", "json", "--db", str(self.db),
                            "--out", str(out)], str(out / "json")),
                "docs": (["project/generate_docs.py", "--out", "{target}"], "{target}"),
            }
            for name, (args, target) in cases.items():
                with self.subTest(kind=kind, output=name):
                    shutil.rmtree(out, ignore_errors=True)
                    out.mkdir()
                    target = target.replace("{target}", str(out / "special"))
                    make(target)
                    args = [a.replace("{target}", target) for a in args]
                    self.assert_one_line(self.run_cmd(*args, "-q"), target,
                                         f"is {said}, not a ")
                    mode = os.stat(target).st_mode
                    self.assertTrue(stat.S_ISFIFO(mode) or stat.S_ISCHR(mode), name)
                    self.assertEqual(leftovers(out), [])


@unittest.skipUnless(hasattr(os, "mkfifo"), "FIFOs are POSIX")
class ServerOverAFifo(unittest.TestCase):
    def test_a_fifo_as_database_is_a_503_not_a_hung_request(self) -> None:
        import api_helpers
        tmp = helpers.temp_dir(self)
        os.mkfifo(tmp / "fifo.db")
        server = api_helpers.start(api_helpers.site(tmp), db_path=tmp / "fifo.db",
                                   data_dir=tmp / "data")
        self.addCleanup(server.stop)
        reply = api_helpers.request(server.server_address[1], "/api/health")
        self.assertEqual(reply.status, 503)
        self.assertIn("not a regular file", reply.error["message"])


class ServerStartFailures(OneLine):
    def test_port_in_use_and_bad_root(self) -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            port = busy.getsockname()[1]
            result = self.run_cmd("serve_frontend.py", "--port", str(port))
            self.assert_one_line(result, f"127.0.0.1:{port}", "--port 0")
        for root in (helpers.temp_dir(self), helpers.temp_dir(self) / "missing"):
            with self.subTest(root=root):
                self.assert_one_line(self.run_cmd("serve_frontend.py", "--root", str(root)),
                                     str(root))


if __name__ == "__main__":
    unittest.main()
