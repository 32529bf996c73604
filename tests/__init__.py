"""The test suite. ``python -m unittest discover -s tests`` runs it, and so does a bare
``python -m unittest`` from the repository root: discovery finds this package and
``load_tests`` below discovers the same modules under their plain names (they import their
helpers as ``import helpers``, so this folder goes on sys.path)."""
from __future__ import annotations

import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also lets ``python -m unittest tests.test_cli`` work
    sys.path.insert(0, str(HERE))


def load_tests(loader: unittest.TestLoader, standard_tests: unittest.TestSuite,
               pattern: str | None) -> unittest.TestSuite:
    fresh = unittest.TestLoader()  # a loader of its own: the outer one is rooted at the repository
    fresh.testNamePatterns = loader.testNamePatterns  # keep -k
    return fresh.discover(str(HERE), pattern=pattern or "test*.py", top_level_dir=str(HERE))
