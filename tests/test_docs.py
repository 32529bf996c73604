"""Documentation that cannot rot: claims in the docs are checked against the code and data."""
from __future__ import annotations

import json
import re
import unittest

import helpers

ROOT = helpers.ROOT


class ErDiagram(unittest.TestCase):
    def test_readme_diagram_is_the_dictionary_s(self) -> None:
        def relationships(path: str) -> list[str]:
            text = (ROOT / path).read_text(encoding="utf-8")
            block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
            return [line.strip() for line in block.splitlines() if "--" in line]
        self.assertEqual(relationships("README.md"), relationships("docs/data_dictionary.md"))
        self.assertEqual(len(relationships("README.md")), 8)


class Performance(unittest.TestCase):
    def test_readme_quotes_the_committed_benchmark(self) -> None:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        quoted = readme.split("<!-- bench/results.md -->\n", 1)[1].split(
            "<!-- end of bench/results.md -->", 1)[0]
        self.assertEqual(quoted, (ROOT / "bench/results.md").read_text(encoding="utf-8"))
        self.assertIn("python bench/run.py", quoted)
        self.assertNotRegex(quoted, r"(?m)^\| [^|]+ \| [\d.]+ \| \d* \| 0 \|")  # every step has its rows


class GradingGuide(unittest.TestCase):
    def test_expected_hashes_and_rows_match_the_golden_test(self) -> None:
        golden = json.loads((ROOT / "tests/golden/seed42_scale1.json").read_text(encoding="utf-8"))
        guide = (ROOT / "grading_guide.md").read_text(encoding="utf-8")
        table = dict((name, (int(rows.replace(",", "")), sha)) for name, rows, sha in
                     re.findall(r"^\| `data/([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|$", guide, re.M))
        self.assertEqual(table, {name: (v["rows"], v["sha256"]) for name, v in golden["files"].items()})


class Readme(unittest.TestCase):
    def test_the_two_setup_commands_come_first(self) -> None:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        block = re.search(r"```sh runnable cwd=\.\n(.*?)```", readme, re.S).group(1).split("\n")
        self.assertEqual(block[:2], ["python project/run_all.py",
                                     "python -m unittest discover -s tests"])
        ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
        self.assertIn("python -m unittest discover -s tests", ci)

    def test_every_command_option_is_documented(self) -> None:
        """Each long option of each entry script appears in the README or its --help only."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        for script in ("generate_data", "ingest", "run_query", "run_all", "export", "profile_data",
                       "generate_docs", "example_run", "clean", "serve_frontend", "bench/run"):
            path = ROOT / "project" / f"{script}.py"
            parser_text = (path if path.exists() else ROOT / f"{script}.py").read_text(encoding="utf-8")
            for option in sorted(set(re.findall(r'"(--[a-z][a-z-]+)"', parser_text))):
                if option in ("--quiet", "--verbose", "--help"):
                    continue
                with self.subTest(script=script, option=option):
                    self.assertTrue(option in readme, f"{option} is not in README.md")


if __name__ == "__main__":
    unittest.main()
