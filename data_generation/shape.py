"""Block shapes: every decision that fixes a block's row counts, drawn first and cheaply.

Block ``b`` draws its shape from ``Random(f"{seed}:shape:{b}")`` alone: signup times, who
buys, how many orders and when, each order's status, number of lines, number of payment
attempts, delivery and which lines are reviewed. Content (names, products, prices,
methods, ratings, texts) comes afterwards from the block's content stream and never
changes a count. So the rows of earlier blocks are counted without building them, and any
block, part or worker starts at its dense keys after drawing only the shapes before it.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from random import Random
from typing import NamedTuple, Optional

from data_generation import anomalies
from data_generation import distributions as dist
from data_generation.model import BLOCK_USERS, SECONDS_PER_DAY, Clock, Settings

BIG_BASKETS = ("high_value", "new_account_big_order")  # patterns with their own basket
OWN_BASKETS = BIG_BASKETS + ("bulk_quantity",)


class OrderShape(NamedTuple):
    user: int                  # the user's position in the block
    when: int                  # order time (second offset)
    status: str
    lines: int                 # number of distinct products
    pattern: Optional[str]     # planted anomaly, or None
    failed: int                # failed payment attempts before the final charge(s)
    charges: int               # 0 (pending or cancelled), 1, or 2 (split across two methods)
    late: bool                 # delivery took longer than late_delivery_days (ratings)


class Shape(NamedTuple):
    signups: list[int]                      # per user of the block
    orders: list[OrderShape]                # grouped by user, by time within a user
    reviews: list[tuple[int, int, int]]     # (order position, line, review time), by user then time
    counts: tuple[int, int, int, int, int, int]  # users, orders, items, payments, reviews, labels


def pack(shape: Shape) -> tuple:
    """A shape as columns: about five times cheaper to pickle between processes than rows."""
    return (shape.signups, tuple(zip(*shape.orders)), tuple(zip(*shape.reviews)), shape.counts)


def unpack(packed: tuple) -> Shape:
    signups, order_columns, review_columns, counts = packed
    orders = [tuple.__new__(OrderShape, row) for row in zip(*order_columns)]
    return Shape(signups, orders, list(zip(*review_columns)), counts)


def signup_offset(settings: Settings, rng: Random, index: int) -> int:
    """Stratified draw from a density growing as exp(g t): signups grow, ids follow time."""
    g = settings.rates.signup_growth
    u = (index + rng.random()) / settings.n_users
    t = math.log1p(u * math.expm1(g)) / g if g else u
    return min(int(t * settings.window_seconds), settings.window_seconds - 1)


class ShapeBuilder:
    """Draws the shape of one block; ``n_premium`` is the size of the big-basket pool."""

    def __init__(self, settings: Settings, clock: Clock, n_premium: int) -> None:
        self.s, self.rates, self.clock = settings, settings.rates, clock
        self.window = settings.window_seconds
        self.end = self.window - 1
        self.n_products, self.n_premium = settings.n_products, n_premium
        self.fail_cum = dist.cumulative(self.rates.failed_payment_weights)
        rates = self.rates
        self.cancel_rate, self.refund_rate = rates.cancel_rate, rates.refund_rate
        self.basket_p, self.basket_max = rates.basket_p, rates.basket_max
        self.anomaly_rate, self.buyer_share = rates.anomaly_rate, rates.buyer_share
        self.quick_share = rates.quick_first_order
        self.quick_mean = rates.quick_first_order_days * SECONDS_PER_DAY
        self.split_rate, self.review_rate = rates.split_payment_rate, rates.review_rate
        self.review_lag = rates.review_lag_days * SECONDS_PER_DAY

    def build(self, block: int) -> Shape:
        rng = Random(f"{self.s.seed}:shape:{block}")
        signups: list[int] = []
        orders: list[OrderShape] = []
        reviews: list[tuple[int, int, int]] = []
        first, n_users, window = block * BLOCK_USERS, self.s.n_users, self.window
        g = self.rates.signup_growth
        grow, log1p, random = math.expm1(g), math.log1p, rng.random
        for index in range(first, min(first + BLOCK_USERS, n_users)):
            u = (index + random()) / n_users  # as signup_offset, with its constants hoisted
            t = log1p(u * grow) / g if g else u
            signup = min(int(t * window), window - 1)
            self.add_user(rng, len(signups), signup, orders, reviews)
            signups.append(signup)
        items = payments = labels = 0
        for order in orders:
            items += order.lines
            payments += order.failed + order.charges
            labels += order.pattern is not None
        return Shape(signups, orders, reviews,
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
                if pattern is None:
                    self.add_normal(rng, user, when, orders, user_reviews)
                else:
                    self.add_order(rng, user, when, pattern, orders, user_reviews)
        else:
            for when in normal:
                self.add_normal(rng, user, when, orders, user_reviews)
        if len(user_reviews) > 1:
            user_reviews.sort(key=lambda review: review[2])  # by review time
        reviews.extend(user_reviews)

    def seasonal_time(self, rng: Random, low: int) -> int:
        """A time in [low, end] following the month, weekday and hour weights."""
        return self.clock.seasonal(rng.random(), min(low, self.end))

    def order_times(self, rng: Random, signup: int) -> list[int]:
        """A buyer's first order, then a gamma-Poisson (negative binomial) number of repeats."""
        random, end = rng.random, self.end
        if random() >= self.buyer_share:
            return []
        if random() < self.quick_share:
            first = signup + 60 + int(-self.quick_mean * math.log(1.0 - random()))
            first = first if first < end else end
        else:
            first = self.clock.seasonal(random(), signup + 60 if signup + 60 < end else end)
        count = dist.negative_binomial(rng, self.rates.repeat_rate_shape,
                                       self.rates.repeat_orders * (end - first) / self.window)
        if not count:
            return [first]
        low, seasonal = first + 60 if first + 60 < end else end, self.clock.seasonal
        return [first] + sorted([seasonal(random(), low) for _ in range(count)])

    def status(self, rng: Random, when: int, must_be_paid: bool) -> str:
        random, age_days = rng.random, (self.end - when) / SECONDS_PER_DAY
        if not must_be_paid and random() < self.cancel_rate:
            return "cancelled"
        if age_days >= 14:  # the common case: an order older than two weeks
            return "refunded" if not must_be_paid and random() < self.refund_rate else "delivered"
        if age_days < 1:
            return "pending" if not must_be_paid and random() < 0.6 else "paid"
        if age_days < 3:
            return "paid" if random() < 0.3 else "shipped"
        if age_days < 7:
            return "shipped" if random() < 0.5 else "delivered"
        return "delivered"

    def lines(self, rng: Random, pattern: Optional[str]) -> int:
        if pattern not in OWN_BASKETS:  # truncated geometric basket size
            random, p, size = rng.random, self.basket_p, 1
            while size < self.basket_max and random() > p:
                size += 1
            return min(size, self.n_products)
        if pattern == "bulk_quantity":
            return 1
        return min(dist.uniform_int(rng, 1, 3), self.n_premium)  # quantities fill the target

    def payments(self, rng: Random, status: str, lines: int,
                 pattern: Optional[str]) -> tuple[int, int]:
        """(failed attempts, final charges) of one order."""
        if pattern == "payment_retry":  # card testing: three to five declines, then success
            return dist.uniform_int(rng, 3, 5), 1
        if status == "pending" or status == "cancelled":
            rate = (self.rates.pending_decline_rate if status == "pending"
                    else self.rates.cancelled_decline_rate)
            return (1 if rng.random() < rate else 0), 0
        failed = dist.weighted_index(rng, self.fail_cum)
        split = status != "refunded" and lines >= 2 and rng.random() < self.split_rate
        return failed, 2 if split else 1

    def add_order(self, rng: Random, user: int, when: int, pattern: str,
                  orders: list[OrderShape], user_reviews: list[tuple[int, int, int]]) -> None:
        """A planted order's shape."""
        status = self.status(rng, when, pattern == "payment_retry")
        lines = self.lines(rng, pattern)
        failed, charges = self.payments(rng, status, lines, pattern)
        late = False
        if status == "delivered" and pattern not in OWN_BASKETS:
            late = self.add_reviews(rng, len(orders), when, lines, user_reviews)
        orders.append(OrderShape(user, when, status, lines, pattern, failed, charges, late))

    def add_normal(self, rng: Random, user: int, when: int, orders: list[OrderShape],
                   user_reviews: list[tuple[int, int, int]]) -> None:
        """A normal order's shape: ``status``, ``lines`` and ``payments`` inlined (every order runs it)."""
        random, age, day = rng.random, self.end - when, SECONDS_PER_DAY
        if random() < self.cancel_rate:
            status = "cancelled"
        elif age >= 14 * day:
            status = "refunded" if random() < self.refund_rate else "delivered"
        elif age < day:
            status = "pending" if random() < 0.6 else "paid"
        elif age < 3 * day:
            status = "paid" if random() < 0.3 else "shipped"
        elif age < 7 * day:
            status = "shipped" if random() < 0.5 else "delivered"
        else:
            status = "delivered"
        size, p, most = 1, self.basket_p, self.basket_max
        while size < most and random() > p:
            size += 1
        if size > self.n_products:
            size = self.n_products
        if status == "pending" or status == "cancelled":
            charges = 0
            failed = 1 if random() < (self.rates.pending_decline_rate if status == "pending"
                                      else self.rates.cancelled_decline_rate) else 0
        else:
            failed = min(bisect_right(self.fail_cum, random() * self.fail_cum[-1]),
                         len(self.fail_cum) - 1)
            charges = 2 if (status != "refunded" and size >= 2
                            and random() < self.split_rate) else 1
        late = status == "delivered" and self.add_reviews(rng, len(orders), when, size, user_reviews)
        orders.append(tuple.__new__(OrderShape, (user, when, status, size, None, failed, charges,
                                                 late)))

    def add_reviews(self, rng: Random, position: int, when: int, lines: int,
                    user_reviews: list[tuple[int, int, int]]) -> bool:
        """Which lines of a delivered order get reviewed, and when; returns whether it was late.

        A user reviews a product once: the content stream gives reviewed lines products the
        user has not reviewed yet, which a catalogue of ``n_products`` can always do while
        reviews so far plus this order's lines stay within it.
        """
        random, log = rng.random, math.log
        delivery_days = 1 + min(13, int(-2.5 * log(1.0 - random())))
        delivered = when + delivery_days * SECONDS_PER_DAY + int(random() * 36_000) + 3600
        rate, lag, end = self.review_rate, self.review_lag, self.end
        for line in range(lines):
            if random() < rate:
                at = delivered + int(-lag * log(1.0 - random()))
                if at <= end and len(user_reviews) + lines <= self.n_products:
                    user_reviews.append((position, line, at))
        return delivery_days > self.rates.late_delivery_days
