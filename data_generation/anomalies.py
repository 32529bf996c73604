"""Planted fraud-like patterns, with ground truth.

A small seeded share of customers gets one behavioural anomaly. Planted orders go
through the same builders as normal ones, so every schema constraint and report
invariant still holds; only the behaviour is odd. ``plan`` draws from the block's shape
stream (it decides how many orders there are); ``basket`` and ``retry_payments`` from its
content stream, filling counts the shape fixed. Each planted order is labelled
(order, pattern) and written to data/labels/anomalies.csv, which the ingester does
not load. queries/anomalies.sql must find them (precision and recall in the report).
"""
from __future__ import annotations

from random import Random
from typing import Callable, NamedTuple, Protocol

from data_generation import distributions as dist
from data_generation.model import Product


class Timeline(Protocol):
    """What planting needs of the shape builder: the window's end and its time draws."""
    end: int

    def seasonal_time(self, rng: Random, low: int) -> int: ...

PATTERNS = ("order_burst", "high_value", "payment_retry", "new_account_big_order", "bulk_quantity")
LABEL_HEADER = ("order_id", "pattern")

PREMIUM_PRICE = 40_000     # cents: the pool that big fraudulent baskets are drawn from
BULK_PRICE = 15_000        # cents: items worth reselling in bulk


class Pools(NamedTuple):
    premium: list[Product]
    bulk: list[Product]


def pools(products: list[Product]) -> Pools:
    """Expensive products by price, with a fallback to the dearest few in a tiny catalogue."""
    def dearest_first(items: list[Product]) -> list[Product]:
        return sorted(items, key=lambda p: (-p.price_cents, p.product_id))
    bulk = dearest_first([p for p in products if p.price_cents >= BULK_PRICE])
    premium = [p for p in bulk if p.price_cents >= PREMIUM_PRICE]
    if not premium or not bulk:  # a tiny catalogue: the dearest few
        fallback = dearest_first(products)[:5]
        premium, bulk = premium or fallback, bulk or fallback
    return Pools(premium, bulk)


def plan(rng: Random, builder: Timeline, signup: int,
         normal: list[int]) -> list[tuple[int, str]]:
    """The times and pattern of one customer's anomalous orders."""
    choices = [p for p in PATTERNS if p != "high_value" or len(normal) >= 3]
    pattern = dist.pick(rng, choices)
    end = builder.end
    if pattern == "order_burst":  # several orders within minutes
        when = builder.seasonal_time(rng, signup + 3600)
        times = []
        for _ in range(dist.uniform_int(rng, 4, 7)):
            times.append(min(end, when))
            when += dist.uniform_int(rng, 20, 150)
        return [(t, pattern) for t in times]
    if pattern == "new_account_big_order":  # a big basket within hours of signing up
        return [(min(end, signup + dist.uniform_int(rng, 600, 9_000)), pattern)]
    if pattern == "high_value":  # far above this customer's own history
        return [(builder.seasonal_time(rng, normal[2] + 3600), pattern)]
    return [(builder.seasonal_time(rng, signup + 3600), pattern)]


def basket(rng: Random, pattern: str, pool: Pools,
           lines: int) -> list[tuple[Product, int, int]]:
    """A pattern's own basket of ``lines`` distinct products; lines are (product, quantity, unit)."""
    if pattern == "bulk_quantity":
        product = dist.pick(rng, pool.bulk)
        return [(product, dist.uniform_int(rng, 10, 25), product.price_cents)]
    low, high = (6_000, 15_000) if pattern == "high_value" else (3_000, 8_000)
    target = dist.uniform_int(rng, low, high) * 100
    chosen: list[Product] = []
    while len(chosen) < lines:  # the shape keeps lines within the pool's size
        product = dist.pick(rng, pool.premium)
        if product not in chosen:
            chosen.append(product)
    quantities = [1] * lines
    total, turn = sum(p.price_cents for p in chosen), 0
    while total < target:  # quantities grow in turn until the basket reaches its target
        quantities[turn % lines] += 1
        total += chosen[turn % lines].price_cents
        turn += 1
    return [(p, q, p.price_cents) for p, q in zip(chosen, quantities)]


def retry_payments(rng: Random, delay: Callable[[Random, str], int], methods: tuple[str, ...],
                   when: int, total: int, failures: int) -> list[tuple[str, int, int, str]]:
    """``failures`` declined attempts, then success with another method: card testing."""
    failing = dist.pick(rng, methods)
    attempts = []
    for _ in range(failures):
        when += dist.uniform_int(rng, 15, 90)
        attempts.append((failing, total, when, "failed"))
    other = dist.pick(rng, [m for m in methods if m != failing])
    attempts.append((other, total, when + delay(rng, other), "completed"))
    return attempts
