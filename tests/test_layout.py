"""The tree is the architecture: imports run one way, as the map in design_notes.md draws.

The map's layers are read from design_notes.md itself, so the picture a newcomer reads
and the rule this test enforces cannot drift apart. Every ``import`` statement of the
product code counts, including those inside functions and ``if TYPE_CHECKING`` blocks.

``Sizes`` keeps the done-when limits of issue 14 true over the real tree: modules of at most
300 lines (Python and frontend JavaScript), functions of at most 60 (decorators included),
entry scripts of at most 40, unique module file names, a docstring in every package's
``__init__.py``. Tests and generated paths (.gitignore) are left out.
"""
from __future__ import annotations

import ast
import re
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from utils.config import ROOT as CONFIG_ROOT  # noqa: E402
from utils.generated import generated_patterns, is_generated  # noqa: E402

SKIP = {"tests", ".git", ".github", "frontend", "docs", "__pycache__"}
MAP_START = "```text layers"

# The size limits of the done-when list (issue 14). A function's size counts from its first
# decorator (or its ``def`` when it has none) to its last line, nested functions included.
MODULE_LINES = 300        # every product .py module and every frontend/*.js module
FUNCTION_LINES = 60       # every function and method, decorators included
ENTRY_LINES = 40          # project/*.py and serve_frontend.py: parse, one call, print
ENTRY_SCRIPTS = ("project/*.py", "serve_frontend.py")
SCRIPT_FOLDERS = {"project"}  # folders of entry scripts run as files: not packages


def read_layers(text: str) -> list[list[str]]:
    """The map's layers, top (may import everything below) to bottom (imports nothing)."""
    block = text.split(MAP_START, 1)[1].split("```", 1)[0]
    layers = []
    for line in block.splitlines():
        names = []
        for token in line.split():
            if not re.fullmatch(r"[\w/]+/|\w+\.py", token):
                break
            names.append(token)
        if names:
            layers.append(names)
    return layers


def node_of(module: str, nodes: list[str]) -> str | None:
    """The map's node a dotted module belongs to (the longest matching prefix)."""
    path = module.replace(".", "/")
    best = None
    for node in nodes:
        stem = node[:-3] if node.endswith(".py") else node.rstrip("/")
        if path == stem or path.startswith(stem + "/"):
            if best is None or len(stem) > len(best[1]):
                best = (node, stem)
    return best[0] if best else None


def product_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP or any(p.startswith(".") for p in rel.parts):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path], here: str) -> set[str]:
    """Project modules that ``path`` imports (``from a import b`` counts a.b if it is one)."""
    found = set()
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                     for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != here:
                found.add(name)
    return found


def source_files(pattern: str) -> list[Path]:
    """Product files matching ``pattern`` (a glob from the root): tests, hidden folders and
    generated paths (what .gitignore lists) left out."""
    patterns, found = generated_patterns(ROOT), []
    for path in sorted(ROOT.glob(pattern)):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "tests" or any(p.startswith(".") for p in rel.parts):
            continue
        prefixes = ["/".join(rel.parts[:i]) for i in range(1, len(rel.parts) + 1)]
        if not any(is_generated(prefix, prefix != rel.as_posix(), patterns) for prefix in prefixes):
            found.append(path)
    return found


def python_files() -> list[Path]:
    return [p for p in source_files("**/*.py") if "frontend" not in p.relative_to(ROOT).parts[:1]]


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def long_functions(source: str, name: str, limit: int = FUNCTION_LINES) -> list[str]:
    """``file:line: function f is N lines`` for every function or method over ``limit``."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            size = node.end_lineno - first + 1
            if size > limit:
                found.append(f"{name}:{first}: function {node.name} is {size} lines (limit {limit})")
    return found


def over_lines(paths: list[Path], limit: int) -> list[str]:
    """``file:line: N lines`` for every file longer than ``limit``; the line is the first over it."""
    found = []
    for path in paths:
        size = line_count(path)
        if size > limit:
            found.append(f"{path.relative_to(ROOT).as_posix()}:{limit + 1}: {size} lines (limit {limit})")
    return found


def name_clashes(paths: list[Path]) -> list[str]:
    """Module file names (``__init__.py`` aside) that stand in more than one place."""
    places: dict[str, list[str]] = {}
    for path in paths:
        if path.name != "__init__.py":
            places.setdefault(path.name, []).append(path.relative_to(ROOT).as_posix())
    return [f"{name}: {', '.join(where)}" for name, where in sorted(places.items()) if len(where) > 1]


class Layout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.layers = read_layers((ROOT / "design_notes.md").read_text(encoding="utf-8"))
        cls.nodes = [n for layer in cls.layers for n in layer]
        cls.rank = {n: len(cls.layers) - i for i, layer in enumerate(cls.layers) for n in layer}
        cls.modules = product_modules()
        cls.graph = {m: imports_of(p, cls.modules, m) for m, p in cls.modules.items()}

    def test_config_root_is_the_repository(self):
        self.assertEqual(CONFIG_ROOT, ROOT)

    def test_the_map_names_real_folders_and_covers_the_tree(self):
        self.assertGreaterEqual(len(self.layers), 5, "design_notes.md has no layer map")
        for node in self.nodes:
            self.assertTrue((ROOT / node).exists(), f"the map names {node}, which is not in the tree")
        for module in self.modules:
            self.assertIsNotNone(node_of(module, self.nodes),
                                 f"{module} belongs to no folder of the map in design_notes.md")

    def test_imports_run_down_the_map(self):
        wrong = []
        for module, targets in self.graph.items():
            source = node_of(module, self.nodes)
            for target in targets:
                node = node_of(target, self.nodes)
                if node != source and self.rank[node] >= self.rank[source]:
                    wrong.append(f"{module} -> {target} ({source} may not import {node})")
        self.assertEqual(wrong, [], "imports against the map in design_notes.md")

    def test_no_import_circle(self):
        index, low, stack, on_stack, circles = {}, {}, [], set(), []

        def visit(v):  # Tarjan's strongly connected components
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in sorted(self.graph[v]):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))

        for module in sorted(self.graph):
            if module not in index:
                visit(module)
        self.assertEqual(circles, [], "modules that import each other, directly or around a circle")

    def test_the_checker_sees_a_wrong_arrow(self):
        """The rule itself: a layer may not import one above it or beside it."""
        self.assertIsNotNone(node_of("db.ingest.loader", self.nodes))
        utils, api = node_of("utils.config", self.nodes), node_of("api.routes", self.nodes)
        self.assertLess(self.rank[utils], self.rank[api])
        ingest, export = node_of("db.ingest.loader", self.nodes), node_of("db.export.exporter", self.nodes)
        self.assertNotEqual(ingest, export)
        self.assertEqual(self.rank[ingest], self.rank[export])



class Sizes(unittest.TestCase):
    """The done-when limits of issue 14, over the real tree: small modules, short functions,
    thin entry scripts, one name for one module, every package introduced by a docstring."""

    def test_modules_at_most_300_lines(self):
        paths = python_files() + source_files("frontend/**/*.js")
        self.assertEqual(over_lines(paths, MODULE_LINES), [], "modules over the size limit")

    def test_functions_at_most_60_lines(self):
        found = []
        for path in python_files():
            found += long_functions(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
        self.assertEqual(found, [], "functions over the size limit (decorators included)")

    def test_entry_scripts_at_most_40_lines(self):
        paths = [p for pattern in ENTRY_SCRIPTS for p in source_files(pattern)]
        self.assertGreaterEqual(len(paths), 2, "no entry script found")
        self.assertEqual(over_lines(paths, ENTRY_LINES), [], "entry scripts over the size limit")

    def test_module_file_names_are_unique(self):
        self.assertEqual(name_clashes(python_files()), [],
                         "one name for one thing: module file names that stand in two places")

    def test_every_package_has_an_init_with_a_docstring(self):
        missing = []
        folders = sorted({p.parent for p in python_files()} - {ROOT})
        for folder in folders:
            rel = folder.relative_to(ROOT).as_posix()
            if rel in SCRIPT_FOLDERS:
                continue
            init = folder / "__init__.py"
            if not init.is_file():
                missing.append(f"{rel}/__init__.py: missing")
            elif not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))):
                missing.append(f"{rel}/__init__.py:1: no docstring")
        self.assertGreater(len(folders), 5)
        self.assertEqual(missing, [], "packages without an __init__.py docstring")

    def test_the_checkers_see_a_breach(self):
        """The rules themselves, on made-up input: each check can fail."""
        body = "@decorator\ndef f():\n" + "    x = 1\n" * 59
        self.assertEqual(long_functions(body, "m.py"), ["m.py:1: function f is 61 lines (limit 60)"])
        self.assertEqual(long_functions(body.replace("@decorator\n", ""), "m.py"), [])
        nested = "class C:\n    def g(self):\n" + "        y = 2\n" * 60
        self.assertEqual(long_functions(nested, "m.py"), ["m.py:2: function g is 61 lines (limit 60)"])
        a, b = ROOT / "project" / "ingest.py", ROOT / "db" / "ingest" / "loader.py"
        self.assertEqual(name_clashes([a, b, ROOT / "x" / "ingest.py", ROOT / "db" / "__init__.py",
                                       ROOT / "y" / "__init__.py"]),
                         ["ingest.py: project/ingest.py, x/ingest.py"])
        self.assertEqual(over_lines([b], 10), [f"db/ingest/loader.py:11: {line_count(b)} lines (limit 10)"])
        self.assertEqual(over_lines([b], 10_000), [])


if __name__ == "__main__":
    unittest.main()
