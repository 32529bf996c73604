"""Issue 18: the API's JSON encoder writes exactly the bytes of utils.fileio.to_json."""
from __future__ import annotations

import random
import unittest
from decimal import Decimal
from typing import Any
from unittest import mock

import api_helpers
from api import app
from api.encode import api_json
from utils.fileio import to_json

SCALARS: tuple[Any, ...] = (
    "", "plain", "é ünïcode ✓", "quote \" backslash \\ tab \t newline \n nul \0", "\u2028",
    0, -1, 2 ** 70, -(2 ** 63), True, False, None, 0.1, -2.5e-300, 1e300, 12.0,
    float("inf"), float("-inf"), Decimal("12.50"), Decimal("0.00"), Decimal("-3.1"),
    Decimal("1E+3"),
)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random()
    if depth < 4 and pick < 0.25:
        return {f"k{i}" if rng.random() < 0.9 else SCALARS[2]: random_value(rng, depth + 1)
                for i in range(int(rng.random() * 5))}
    if depth < 4 and pick < 0.45:
        values = [random_value(rng, depth + 1) for _ in range(int(rng.random() * 16))]
        return tuple(values) if rng.random() < 0.2 else values
    if depth < 4 and pick < 0.55:   # a page: same keys in every row
        return [{"id": i, "amount": Decimal(i) / 4, "name": SCALARS[int(rng.random() * 5)]}
                for i in range(int(rng.random() * 30))]
    return SCALARS[int(rng.random() * len(SCALARS))]


class EncoderTest(unittest.TestCase):

    def test_random_values_encode_to_the_same_text(self) -> None:
        rng = random.Random(18)
        for i in range(3000):
            value = random_value(rng)
            with self.subTest(i=i):
                self.assertEqual(api_json(value), to_json(value))

    def test_edge_values(self) -> None:
        for value in (*SCALARS, {}, [], (), [[]], {"a": {}}, list(range(12)), list(range(13)),
                      [{"a": 1}, {"b": [1, {"c": None}]}], {"a": [{}]}, [{"a": 1}, 2]):
            with self.subTest(value=value):
                self.assertEqual(api_json(value), to_json(value))

    def test_nan_and_unknown_types_fail_as_to_json_does(self) -> None:
        for value in (float("nan"), [float("nan")], {"x": object()}, {1, 2}):
            with self.subTest(value=value):
                with self.assertRaises(Exception) as ours:
                    api_json(value)
                with self.assertRaises(Exception) as theirs:
                    to_json(value)
                self.assertIs(type(ours.exception), type(theirs.exception))


class EveryEndpointTest(unittest.TestCase):
    """Each documented example's body, as the API encodes it, against to_json."""

    @classmethod
    def setUpClass(cls) -> None:
        api_helpers.serve_small_database(cls, "encode-", warm=False)

    def test_every_documented_example_is_encoded_as_to_json_would(self) -> None:
        seen = []

        def both(value: Any) -> str:
            text = api_json(value)
            self.assertEqual(text, to_json(value))
            seen.append(value)
            return text
        with mock.patch.object(app, "api_json", both):
            for route in self.server.api.routes.values():
                path = route.path.replace("{id}", "1")
                for query in ("", route.example):
                    with self.subTest(path=path, query=query):
                        reply = api_helpers.request(self.port, f"{path}?{query}")
                        self.assertIn(reply.status, (200, 303))
        self.assertGreater(len(seen), 25)


if __name__ == "__main__":
    unittest.main()
