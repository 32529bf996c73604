"""Random draws built only on ``Random.random()``.

Python guarantees that ``random()`` keeps its sequence for a given seed across
versions; ``randint``, ``choice``, ``shuffle``, ``gauss`` and friends carry no
such promise. Every draw the generator makes goes through these functions, so
the same seed gives the same bytes on Python 3.9 to 3.13.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from random import Random
from typing import Sequence, TypeVar

T = TypeVar("T")


def uniform_int(rng: Random, low: int, high: int) -> int:
    """An integer in [low, high], both ends included."""
    return low + int(rng.random() * (high - low + 1))


def chance(rng: Random, p: float) -> bool:
    return rng.random() < p


def cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def weighted_index(rng: Random, cum: Sequence[float]) -> int:
    """Index drawn with probability proportional to its weight; ``cum`` from ``cumulative``."""
    index = bisect_right(cum, rng.random() * cum[-1])
    return index if index < len(cum) else len(cum) - 1  # random() * total may round up to total


def pick(rng: Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def normal(rng: Random) -> float:
    """Standard normal by Box-Muller (one of the pair; simple and version-stable)."""
    u1 = 1.0 - rng.random()  # (0, 1]: log is finite
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * rng.random())


def exp_clip(sigma: float, z: float, limit: float = 1.5) -> float:
    """exp(sigma * z) with z clipped to [-limit, limit]: a log-normal factor without wild tails."""
    return math.exp(sigma * max(-limit, min(limit, z)))


def exponential(rng: Random, mean: float) -> float:
    return -mean * math.log(1.0 - rng.random())


def gamma(rng: Random, shape: float, scale: float) -> float:
    """Gamma(shape, scale) by Marsaglia and Tsang, boosted for shape < 1."""
    if shape < 1.0:
        boost = (1.0 - rng.random()) ** (1.0 / shape)
        return gamma(rng, shape + 1.0, scale) * boost
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(rng)
        v = (1.0 + c * x) ** 3
        if v <= 0.0:
            continue
        u = 1.0 - rng.random()
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v * scale


def kumaraswamy(rng: Random, a: float, b: float) -> float:
    """A Kumaraswamy(a, b) draw in [0, 1] by its closed-form inverse CDF: beta-like, one draw."""
    return (1.0 - rng.random() ** (1.0 / b)) ** (1.0 / a)


def permutation(rng: Random, n: int) -> list[int]:
    """A Fisher-Yates shuffle of range(n) on ``random()`` alone."""
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order
