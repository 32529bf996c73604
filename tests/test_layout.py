"""The tree is the architecture: imports run one way, as the map in design_notes.md draws.

The map's layers are read from design_notes.md itself, so the picture a newcomer reads
and the rule this test enforces cannot drift apart. Every ``import`` statement of the
product code counts, including those inside functions and ``if TYPE_CHECKING`` blocks.
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

SKIP = {"tests", ".git", ".github", "frontend", "docs", "__pycache__"}
MAP_START = "```text layers"


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


if __name__ == "__main__":
    unittest.main()
