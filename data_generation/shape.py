"""Block shapes: every decision that fixes a block's row counts, drawn first and cheaply.

Block ``b`` draws its shape from ``Random(f"{seed}:shape:{b}")`` alone: signup times and
countries, who buys, how many orders and when, each order's status, shipping and delivery
times, number of lines, payment attempts, returned lines and which lines are reviewed.
Content (names, products, prices, methods, ratings, texts) comes afterwards from the block's
content stream and never changes a count. So the rows of earlier blocks are counted without
building them, and any block, part or worker starts at its dense keys after drawing only
the shapes before it.
"""
from __future__ import annotations

import math
from random import Random
from typing import NamedTuple, Optional

from data_generation import anomalies
from data_generation import distributions as dist
from data_generation.fulfilment import BIG_BASKETS, OWN_BASKETS, Lifecycle, OrderShape
from data_generation.model import BLOCK_USERS, SECONDS_PER_DAY, Clock, Settings

__all__ = ["BIG_BASKETS", "OWN_BASKETS", "OrderShape", "Shape", "ShapeBuilder", "pack", "unpack"]
MAX_ORDERS = 400   # a safety bound on one customer's orders (the BG/NBD tail)


class Shape(NamedTuple):
    signups: list[int]                      # per user of the block
    countries: list[int]                    # per user: index into geography.COUNTRIES
    orders: list[OrderShape]                # grouped by user, by time within a user
    reviews: list[tuple[int, int, int]]     # (order position, line, review time), by user then time
    counts: tuple[int, int, int, int, int, int]  # users, orders, items, payments, reviews, labels


def pack(shape: Shape) -> tuple:
    """A shape as columns: about five times cheaper to pickle between processes than rows."""
    return (shape.signups, shape.countries, tuple(zip(*shape.orders)), tuple(zip(*shape.reviews)),
            shape.counts)


def unpack(packed: tuple) -> Shape:
    signups, countries, order_columns, review_columns, counts = packed
    orders = [tuple.__new__(OrderShape, row) for row in zip(*order_columns)]
    return Shape(signups, countries, orders, list(zip(*review_columns)), counts)


def bits(mask: int) -> int:
    return bin(mask).count("1")


class ShapeBuilder(Lifecycle):
    """Draws the shape of one block; ``n_premium`` is the size of the big-basket pool."""

    def __init__(self, settings: Settings, clock: Clock, n_premium: int) -> None:
        self.s, self.rates, self.clock = settings, settings.rates, clock
        self.window = settings.window_seconds
        self.end = self.window - 1
        self.n_products, self.n_premium = settings.n_products, n_premium
        rates = self.rates
        self.setup_lifecycle(rates)
        self.basket_p, self.basket_max = rates.basket_p, rates.basket_max
        self.basket_decay = rates.basket_decay
        self.anomaly_rate, self.buyer_share = rates.anomaly_rate, rates.buyer_share
        self.quick_share = rates.quick_first_order
        self.quick_mean = rates.quick_first_order_minutes * 60
        self.rate_mean = rates.repeat_orders_per_year / 365.25   # per average day
        self.zone = 0

    def build(self, block: int) -> Shape:
        rng = Random(f"{self.s.seed}:shape:{block}")
        signups: list[int] = []
        countries: list[int] = []
        orders: list[OrderShape] = []
        reviews: list[tuple[int, int, int]] = []
        first, n_users, clock = block * BLOCK_USERS, self.s.n_users, self.clock
        random = rng.random
        for index in range(first, min(first + BLOCK_USERS, n_users)):
            signup = clock.signup((index + random()) / n_users)  # stratified: ids follow time
            country = clock.country_at(signup, random())
            self.zone = clock.zone_of[country]
            self.add_user(rng, len(signups), signup, orders, reviews)
            signups.append(signup)
            countries.append(country)
        items = payments = labels = 0
        for order in orders:
            items += order.lines
            payments += order.failed + order.charges + (bits(order.returned) if order.returned else 0)
            labels += order.pattern is not None
        return Shape(signups, countries, orders, reviews,
                     (len(signups), len(orders), items, payments, len(reviews), labels))

    def add_user(self, rng: Random, user: int, signup: int, orders: list[OrderShape],
                 reviews: list[tuple[int, int, int]]) -> None:
        normal = self.order_times(rng, signup)
        user_reviews: list[tuple[int, int, int]] = []
        if rng.random() < self.anomaly_rate:
            plan: list[tuple[int, Optional[str]]] = [(when, None) for when in normal]
            plan += anomalies.plan(rng, self, signup, normal)
            plan.sort(key=lambda item: item[0])
            for when, pattern in plan:
                self.complete(rng, user, when, self.lines(rng, pattern), pattern, orders,
                              user_reviews)
        else:
            for when in normal:
                self.complete(rng, user, when, self.lines(rng, None), None, orders, user_reviews)
        if len(user_reviews) > 1:
            user_reviews.sort(key=lambda review: review[2])  # by review time
        reviews.extend(user_reviews)

    def seasonal_time(self, rng: Random, low: int) -> int:
        """A time in [low, end] following the calendar of the current user's time zone."""
        return self.clock.seasonal(self.zone, rng.random(), min(low, self.end))

    def order_times(self, rng: Random, signup: int) -> list[int]:
        """A buyer's first order, then BG/NBD repeats: Poisson purchases at a gamma-distributed
        rate (in calendar-weighted days) while active; after each purchase the customer drops
        out with a probability drawn per customer from a Kumaraswamy(a, b) distribution (a
        closed-form relative of BG/NBD's beta)."""
        random, end = rng.random, self.end
        if random() >= self.buyer_share:
            return []
        if random() < self.quick_share:  # the account was created at checkout
            first = signup + 30 + int(-self.quick_mean * math.log(1.0 - random()))
            first = first if first < end else end
        else:
            first = self.seasonal_time(rng, signup + 3600)
        shape = self.rates.repeat_rate_shape
        rate = dist.gamma(rng, shape, self.rate_mean / shape)
        dropout = dist.kumaraswamy(rng, self.rates.dropout_a, self.rates.dropout_b)
        times, when, advance, zone = [first], first, self.clock.advance, self.zone
        while len(times) < MAX_ORDERS and random() >= dropout and rate > 0.0:
            when = advance(zone, when, -math.log(1.0 - random()) / rate)
            if when < 0:
                break
            times.append(when)
        return times

    def lines(self, rng: Random, pattern: Optional[str]) -> int:
        if pattern not in OWN_BASKETS:  # mostly one line; each further line less likely
            random, size = rng.random, 1
            go_on, decay, most = 1.0 - self.basket_p, self.basket_decay, self.basket_max
            while size < most and random() < go_on:
                size += 1
                go_on *= decay
            return min(size, self.n_products)
        if pattern == "bulk_quantity":
            return 1
        return min(dist.uniform_int(rng, 1, 3), self.n_premium)  # quantities fill the target
