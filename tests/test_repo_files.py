"""Issue 9's repository files: the CI workflow, the Makefile, the container files, the licence."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import unittest

import helpers
import yaml_subset

ROOT = helpers.ROOT


class Workflow(unittest.TestCase):
    def setUp(self) -> None:
        self.ci = yaml_subset.load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))

    def test_matrix_covers_every_python_and_os(self) -> None:
        matrix = self.ci["jobs"]["tests"]["strategy"]["matrix"]
        self.assertEqual(matrix["python"], ["3.9", "3.10", "3.11", "3.12", "3.13"])
        self.assertEqual(matrix["os"], ["ubuntu-latest", "macos-latest", "windows-latest"])
        runs = [s.get("run") for s in self.ci["jobs"]["tests"]["steps"]]
        self.assertIn("python -m unittest discover -s tests", runs)

    def test_browser_postgres_and_determinism_jobs(self) -> None:
        jobs = self.ci["jobs"]
        steps = jobs["browser-and-postgres"]["steps"]
        env = next(s["env"] for s in steps if "env" in s)
        self.assertEqual(env, {"ECOMKIT_REQUIRE_BROWSER": "1", "ECOMKIT_REQUIRE_POSTGRES": "1",
                               "ECOMKIT_BROWSER": "google-chrome"})
        determinism = "\n".join(str(s.get("run", "")) + str(s.get("uses", ""))
                                for s in jobs["determinism"]["steps"])
        self.assertIn("sha256sum -c first.sha", determinism)
        self.assertIn("actions/upload-artifact", determinism)

    def test_no_third_party_python_package(self) -> None:
        text = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
        self.assertNotRegex(text, r"pip\s+install|requirements")

    def test_loader_rejects_what_it_does_not_understand(self) -> None:
        for bad in ("a:\n\tb: 1\n", "a: 1\na: 2\n", "a: {b: 1}\n", "a:\n  b: 1\n c: 2\n"):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    yaml_subset.load(bad)


class Makefile(unittest.TestCase):
    TARGETS = ["setup", "generate", "ingest", "report", "query", "run", "test", "serve", "docs",
               "profile", "export", "bench", "bench-publish", "example", "clean", "docker-build", "docker-run"]

    def test_every_target_is_one_python_or_docker_command(self) -> None:
        text = (ROOT / "Makefile").read_text(encoding="utf-8")
        for target in self.TARGETS:
            with self.subTest(target=target):
                match = re.search(rf"^{re.escape(target)}:.*\n\t(.+)$", text, re.M)
                self.assertIsNotNone(match, target)
                self.assertRegex(match.group(1), r"^(\$\(PYTHON\) |docker )")

    def test_every_target_has_a_help_line(self) -> None:
        text = (ROOT / "Makefile").read_text(encoding="utf-8")
        self.assertEqual(re.findall(r"^([a-z][a-z-]*):.*## ", text, re.M), ["help", *self.TARGETS])
        self.assertIn(".DEFAULT_GOAL := help", text)

    @unittest.skipUnless(shutil.which("make"), "make is not installed")
    def test_bare_make_and_make_help_list_every_target(self) -> None:
        for command in (["make"], ["make", "help"]):
            with self.subTest(command=command):
                proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                listed = re.findall(r"^  make (\S+) +\S", proc.stdout, re.M)
                self.assertEqual(listed, ["help", *self.TARGETS])
                self.assertNotIn("is fine", proc.stdout)  # setup did not run

    @unittest.skipUnless(shutil.which("make"), "make is not installed")
    def test_dry_run_of_every_target(self) -> None:
        for target in self.TARGETS:
            proc = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, proc.stderr)

    @unittest.skipUnless(shutil.which("make"), "make is not installed")
    def test_clean_removes_only_generated_files(self) -> None:
        repo = helpers.copy_repo(helpers.temp_dir(self))
        source = sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
        helpers.run_script("project/run_all.py", "-q", cwd=repo)
        proc = subprocess.run(["make", "clean"], cwd=repo, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        after = sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file()
                       and "__pycache__" not in p.parts and not p.name.startswith("."))
        self.assertEqual(after, [p for p in source if not p.name.startswith(".")])


class Container(unittest.TestCase):
    def test_dockerfile_is_slim_non_root_and_installs_nothing(self) -> None:
        text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
        self.assertRegex(text, r"(?m)^FROM python:3\.\d+-slim$")
        self.assertIn("USER kit", text)
        self.assertNotIn("pip install", text)
        self.assertIn('"--host", "0.0.0.0", "--port", "8000"', text)
        compose = yaml_subset.load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
        self.assertEqual(set(compose["services"]), {"pipeline", "server"})
        self.assertEqual(compose["services"]["pipeline"]["volumes"],
                         compose["services"]["server"]["volumes"])

    def test_compose_volume_holds_outputs_only_and_both_services_have_a_healthcheck(self) -> None:
        compose = yaml_subset.load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
        workdir = re.search(r"(?m)^WORKDIR (\S+)$", (ROOT / "Dockerfile").read_text()).group(1)
        for name, service in compose["services"].items():
            with self.subTest(service=name):
                for volume in service["volumes"]:
                    target = volume.split(":")[1]
                    # neither the application directory nor anything above or inside it
                    self.assertFalse(workdir.startswith(target) or target.startswith(workdir + "/")
                                     or target == workdir, volume)
                self.assertEqual(service["healthcheck"]["test"][0], "CMD")

    @unittest.skipIf(os.name == "nt" or not shutil.which("sh"), "the compose commands use sh")
    def test_compose_commands_and_healthchecks_work_without_docker(self) -> None:
        """Each service's command and healthcheck, run here with the volume as a temp dir."""
        compose = yaml_subset.load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
        tmp = helpers.temp_dir(self)
        repo = helpers.copy_repo(tmp)
        volume = compose["services"]["server"]["volumes"][0].split(":")[1]
        port = str(helpers.free_port())

        def local(command: list[str]) -> list[str]:
            out = [sys.executable if part == "python" else
                   part.replace(volume, str(tmp / "volume")).replace("8000", port) for part in command]
            return out[1:] if out[0] == "CMD" else out
        env = dict(os.environ, SCALE="0.05", PYTHONDONTWRITEBYTECODE="1")
        pipeline = compose["services"]["pipeline"]
        proc = subprocess.run(local(pipeline["command"]), cwd=repo, env=env, capture_output=True,
                              text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(subprocess.run(local(pipeline["healthcheck"]["test"]), cwd=repo).returncode, 0)
        self.assertFalse((repo / "report.json").exists())  # it wrote into the volume only
        # What the header says the volume holds: outputs, plus a copy of frontend/; no Python.
        header = (ROOT / "docker-compose.yml").read_text(encoding="utf-8").split("services:")[0]
        self.assertIn("a copy of the image's frontend/", " ".join(header.replace("#", "").split()))
        self.assertEqual(sorted(p.name for p in (tmp / "volume").iterdir()),
                         ["data", "db", "docs", "exports", "frontend", "query_result.csv",
                          "query_result.json", "report.json", "report.md"])
        self.assertEqual(list((tmp / "volume").rglob("*.py")), [])

        server = compose["services"]["server"]
        check = local(server["healthcheck"]["test"])
        self.assertNotEqual(subprocess.run(check, capture_output=True).returncode, 0)  # not up yet
        process = subprocess.Popen(local(server["command"]), cwd=repo, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(process.wait, 10)
        self.addCleanup(process.terminate)
        for _ in range(100):
            if subprocess.run(check, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            self.fail("the server's healthcheck never passed")
        import urllib.request
        for path in ("/frontend/", "/report.json", "/query_result.json"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as reply:
                self.assertEqual(reply.status, 200, path)

    def test_licence_is_mit_and_named_in_the_readme(self) -> None:
        self.assertTrue((ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License"))
        self.assertIn("Licence: MIT", (ROOT / "README.md").read_text(encoding="utf-8"))


class GeneratedPaths(unittest.TestCase):
    """.gitignore is the one list of generated paths that clean.py removes."""

    def test_anchored_unanchored_and_directory_patterns(self) -> None:
        from utils.generated import generated_paths, is_generated
        root = helpers.temp_dir(self)
        (root / ".gitignore").write_text("# >>> generated\n/out/\n/db/*.db\n__pycache__/\n*.pyc\n"
                                         "# <<< generated\n")
        for name in ("out/a.csv", "db/x.db", "db/schema.sql", "pkg/__pycache__/m.pyc",
                     "pkg/loose.pyc", "pkg/out/keep.txt", ".git/objects/y.pyc"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("")
        self.assertEqual([p.relative_to(root).as_posix() for p in generated_paths(root)],
                         ["out", "db/x.db", "pkg/__pycache__", "pkg/loose.pyc"])
        patterns = ["/out/", "/db/*.db", "__pycache__/"]
        self.assertTrue(is_generated("out", True, patterns))
        self.assertFalse(is_generated("out", False, patterns))  # a file named out is source
        self.assertFalse(is_generated("pkg/out", True, patterns))  # anchored at the root
        self.assertTrue(is_generated("a/b/__pycache__", True, patterns))

    def test_unsupported_patterns_are_refused(self) -> None:
        from utils.generated import generated_patterns
        root = helpers.temp_dir(self)
        for bad in ("!keep.db\n", "/a/**/b\n", "docs/profile.html\n", "# nothing\n"):
            with self.subTest(bad=bad):
                (root / ".gitignore").write_text(f"# >>> generated\n{bad}# <<< generated\n")
                with self.assertRaises(ValueError):
                    generated_patterns(root)

    def test_clean_keeps_what_the_user_ignores_and_their_virtualenv(self) -> None:
        """A user's own .gitignore lines (.env) are not the kit's: clean.py never removes them,
        nor the bytecode inside a virtualenv or a hidden folder."""
        repo = helpers.copy_repo(helpers.temp_dir(self))
        with open(repo / ".gitignore", "a", encoding="utf-8") as handle:
            handle.write(".env\nvenv/\n!odd-but-theirs\n")
        for name in (".env", "venv/pyvenv.cfg", "venv/lib/site/__pycache__/m.pyc",
                     ".tox/py/__pycache__/m.pyc", "report.md", "api/__pycache__/m.pyc"):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text("")
        dry = helpers.run_script("project/clean.py", "--dry-run", cwd=repo)
        self.assertEqual(dry.returncode, 0, dry.stderr)
        self.assertEqual(sorted(dry.stdout.split()[2::3]), ["api/__pycache__", "report.md"])
        proc = helpers.run_script("project/clean.py", "-q", cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for kept in (".env", "venv/lib/site/__pycache__/m.pyc", ".tox/py/__pycache__/m.pyc"):
            self.assertTrue((repo / kept).exists(), kept)
        self.assertFalse((repo / "report.md").exists())

    @unittest.skipUnless(shutil.which("git"), "git is not installed")
    def test_the_fresh_copy_holds_tracked_files_only(self) -> None:
        """An untracked file (never added) is not in the copy the tests run on."""
        origin = helpers.temp_dir(self)
        (origin / "kept.py").write_text("tracked = 1\n")
        (origin / "sub").mkdir()
        (origin / "sub" / "edited.py").write_text("old\n")
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
        subprocess.run(["git", "init", "-q"], cwd=origin, check=True)
        subprocess.run([*git, "add", "-A"], cwd=origin, check=True)
        subprocess.run([*git, "commit", "-qm", "x"], cwd=origin, check=True)
        (origin / "sub" / "edited.py").write_text("new\n")
        (origin / "untracked.py").write_text("never added\n")
        copy = helpers.copy_repo(helpers.temp_dir(self), root=origin)
        self.assertEqual(sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()),
                         ["kept.py", "sub/edited.py"])
        self.assertEqual((copy / "sub" / "edited.py").read_text(), "new\n")

    def test_clean_dry_run_lists_every_ignored_path(self) -> None:
        repo = helpers.copy_repo(helpers.temp_dir(self))
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        for name in ("data/x.csv", "db/e.db", "db/.e.db.lock", ".data.lock", "report.md",
                     "bench/out/results.md", "tests/artifacts/shot.png", "api/__pycache__/m.pyc"):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text("")
        ignored = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=repo,
                                 capture_output=True, text=True, check=True).stdout
        ignored = sorted(line[3:].rstrip("/") for line in ignored.splitlines() if line.startswith("!!"))
        dry = helpers.run_script("project/clean.py", "--dry-run", cwd=repo)
        listed = sorted(line.split(" ", 2)[2] for line in dry.stdout.splitlines())
        self.assertEqual(listed, ignored)


class PlainUnittest(unittest.TestCase):
    """``python -m unittest`` from the root runs the suite, as ``discover -s tests`` does."""

    def count(self, start: str) -> int:
        proc = subprocess.run([sys.executable, "-c", "import unittest; print(unittest."
                               f"defaultTestLoader.discover({start!r}).countTestCases())"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return int(proc.stdout)

    def test_both_commands_find_the_same_tests(self) -> None:
        whole = self.count("tests")
        self.assertGreater(whole, 200)
        self.assertEqual(self.count("."), whole)

    def test_the_bare_command_runs_tests(self) -> None:
        for command in (["-m", "unittest"], ["-m", "unittest", "discover", "-s", "tests"]):
            with self.subTest(command=command):
                proc = subprocess.run([sys.executable, *command, "-k", "test_loader_rejects_what"],
                                      cwd=ROOT, capture_output=True, text=True, timeout=120)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertIn("Ran 1 test", proc.stderr)


class ExampleRun(unittest.TestCase):
    @unittest.skipUnless(sys.platform.startswith("linux"), "example_run.md is the Linux transcript")
    def test_example_run_is_current(self) -> None:
        proc = helpers.run_script("project/example_run.py", "--check", cwd=ROOT)
        self.assertEqual(proc.returncode, 0, proc.stderr)


if __name__ == "__main__":
    unittest.main()
