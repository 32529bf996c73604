"""Row builders for blocks of customers: users, orders, lines, payments and reviews.

Determinism: block ``b`` of users draws from ``Random(f"{seed}:block:{b}")`` (the
catalogue, ``data_generation.catalogue``, from its own stream). A block's rows depend only
on the seed, the settings and the block number, never on which process builds it
or on other blocks, so blocks can be built in any order or in parallel. Keys of
orders, lines, payments and reviews are block-local here; the writer turns them
into dense global keys by adding running offsets in block order.
"""
from __future__ import annotations

import math
import unicodedata
from random import Random
from typing import NamedTuple

from data_generation import anomalies
from data_generation import distributions as dist
from data_generation.catalogue import Catalogue
from data_generation.model import (BLOCK_USERS, PAYMENT_METHODS, SECONDS_PER_DAY, Clock, Product,
                                   Settings)
from data_generation.pools import EMAIL_DOMAINS, LOCALES, REVIEW_TITLES
from utils.fileio import cents_to_str

CATEGORY_HEADER = ("category_id", "name", "parent_id")
USER_HEADER = ("user_id", "first_name", "last_name", "email", "signup_date", "country", "city")
PRODUCT_HEADER = ("product_id", "name", "category_id", "price")
ORDER_HEADER = ("order_id", "user_id", "order_date", "status", "total_amount")
ITEM_HEADER = ("order_item_id", "order_id", "product_id", "quantity", "unit_price", "line_total")
PAYMENT_HEADER = ("payment_id", "order_id", "payment_method", "amount", "payment_date", "status")
REVIEW_HEADER = ("review_id", "product_id", "user_id", "rating", "review_date", "title")


class Block(NamedTuple):
    """One block's rows. Order references are indexes into ``orders`` (block-local)."""
    users: list[tuple]         # USER_HEADER, with the global user_id
    orders: list[tuple]        # ORDER_HEADER without order_id
    items: list[tuple]         # (order index, product_id, quantity, unit_price, line_total)
    payments: list[tuple]      # (order index, method, amount, payment_date, status)
    reviews: list[tuple]       # REVIEW_HEADER without review_id
    labels: list[tuple]        # (order index, pattern) of planted anomalies


_LOCALE_CUM = dist.cumulative([loc.weight for loc in LOCALES])
_CITY_CUMS = [dist.cumulative([w for _, w in loc.cities]) for loc in LOCALES]
_DOMAIN_CUM = dist.cumulative([w for _, w in EMAIL_DOMAINS])


def ascii_slug(text: str) -> str:
    """'De Boer' -> 'deboer', 'Müller' -> 'muller': safe for an e-mail local part."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def make_email(rng: Random, first: str, last: str, user_id: int) -> str:
    """Unique because it ends in the user's id; the pattern varies like real addresses."""
    f, l = ascii_slug(first) or "user", ascii_slug(last) or "customer"
    pattern = int(rng.random() * 4)
    local = (f"{f}.{l}", f"{f}{l[0]}", f"{f[0]}{l}", f"{f}_{l}")[pattern]
    domain = EMAIL_DOMAINS[dist.weighted_index(rng, _DOMAIN_CUM)][0]
    return f"{local}{user_id}@{domain}"


def signup_offset(settings: Settings, rng: Random, index: int) -> int:
    """Stratified draw from a density growing as exp(g t): signups grow, ids follow time."""
    g = settings.rates.signup_growth
    u = (index + rng.random()) / settings.n_users
    t = math.log1p(u * math.expm1(g)) / g if g else u
    return min(int(t * settings.window_seconds), settings.window_seconds - 1)


class BlockBuilder:
    """Builds the rows of one block of users from that block's own random stream."""

    def __init__(self, settings: Settings, catalogue: Catalogue, clock: Clock) -> None:
        self.s, self.rates, self.cat, self.clock = settings, settings.rates, catalogue, clock
        self.end = settings.window_seconds - 1
        self.repeat_scale = self.rates.repeat_orders / self.rates.repeat_rate_shape
        self.qty_cum = dist.cumulative(self.rates.quantity_weights)
        self.fail_cum = dist.cumulative(self.rates.failed_payment_weights)
        self.method_cum = dist.cumulative(self.rates.method_weights)
        self.on_time_cum = dist.cumulative(self.rates.rating_weights_on_time)
        self.late_cum = dist.cumulative(self.rates.rating_weights_late)
        self.pools = anomalies.pools(catalogue.products)

    def build(self, block: int) -> Block:
        rng = Random(f"{self.s.seed}:block:{block}")
        out = Block([], [], [], [], [], [])
        first = block * BLOCK_USERS
        for index in range(first, min(first + BLOCK_USERS, self.s.n_users)):
            self.add_user(rng, out, index)
        return out

    def add_user(self, rng: Random, out: Block, index: int) -> None:
        user_id = index + 1
        locale_index = dist.weighted_index(rng, _LOCALE_CUM)
        locale = LOCALES[locale_index]
        first, last = dist.pick(rng, locale.first_names), dist.pick(rng, locale.last_names)
        city = locale.cities[dist.weighted_index(rng, _CITY_CUMS[locale_index])][0]
        signup = signup_offset(self.s, rng, index)
        out.users.append((user_id, first, last, make_email(rng, first, last, user_id),
                          self.clock.text(signup), locale.country, city))
        reviewed: set[int] = set()
        user_reviews: list[tuple] = []
        normal = self.order_times(rng, signup)
        plan: list[tuple[int, str | None]] = [(when, None) for when in normal]
        if dist.chance(rng, self.rates.anomaly_rate):
            plan += anomalies.plan(rng, self, signup, normal)
            plan.sort(key=lambda item: item[0])
        for when, pattern in plan:
            self.add_order(rng, out, user_id, when, pattern, reviewed, user_reviews)
        user_reviews.sort(key=lambda row: row[3])  # by review time
        out.reviews.extend(user_reviews)

    def order_times(self, rng: Random, signup: int) -> list[int]:
        """A buyer's first order, then a gamma-Poisson (negative binomial) number of repeats."""
        if not dist.chance(rng, self.rates.buyer_share):
            return []
        if dist.chance(rng, self.rates.quick_first_order):
            delay = dist.exponential(rng, self.rates.quick_first_order_days * SECONDS_PER_DAY)
            first = min(self.end, signup + 60 + int(delay))
        else:
            first = self.seasonal_time(rng, signup + 60)
        active = (self.end - first) / self.s.window_seconds
        rate = dist.gamma(rng, self.rates.repeat_rate_shape, self.repeat_scale) * active
        repeats = [self.seasonal_time(rng, first + 60) for _ in range(dist.poisson(rng, rate))]
        return [first] + sorted(repeats)

    def seasonal_time(self, rng: Random, low: int) -> int:
        """A time in [low, end] following the month, weekday and hour weights (rejection)."""
        low = min(low, self.end)
        span = self.end - low + 1
        while True:
            when = low + int(rng.random() * span)
            if rng.random() * self.clock.max_weight < self.clock.weight(when):
                return when

    def status(self, rng: Random, when: int, must_be_paid: bool = False) -> str:
        age_days = (self.end - when) / SECONDS_PER_DAY
        if not must_be_paid and dist.chance(rng, self.rates.cancel_rate):
            return "cancelled"
        if not must_be_paid and age_days >= 14 and dist.chance(rng, self.rates.refund_rate):
            return "refunded"
        if age_days < 1:
            return "pending" if not must_be_paid and dist.chance(rng, 0.6) else "paid"
        if age_days < 3:
            return "paid" if dist.chance(rng, 0.3) else "shipped"
        if age_days < 7:
            return "shipped" if dist.chance(rng, 0.5) else "delivered"
        return "delivered"

    def add_order(self, rng: Random, out: Block, user_id: int, when: int, pattern: str | None,
                  reviewed: set[int], user_reviews: list[tuple]) -> None:
        order_index = len(out.orders)
        status = self.status(rng, when, must_be_paid=pattern == "payment_retry")
        lines = (pattern and anomalies.basket(rng, pattern, self.pools)) or self.basket(rng)
        total = 0
        for product, quantity, unit in lines:
            total += quantity * unit
            out.items.append((order_index, product.product_id, quantity,
                              cents_to_str(unit), cents_to_str(quantity * unit)))
        out.orders.append((user_id, self.clock.text(when), status, cents_to_str(total)))
        if pattern == "payment_retry":
            for method, amount, at, outcome in anomalies.retry_payments(
                    rng, self, PAYMENT_METHODS, when, total):
                out.payments.append((order_index, method, cents_to_str(amount),
                                     self.clock.text(min(at, self.end)), outcome))
        else:
            self.add_payments(rng, out, order_index, when, status, total)
        if pattern:
            out.labels.append((order_index, pattern))
        if status == "delivered":
            self.add_reviews(rng, user_id, when, lines, reviewed, user_reviews)

    def basket(self, rng: Random) -> list[tuple[Product, int, int]]:
        size = dist.truncated_geometric(rng, self.rates.basket_p, self.rates.basket_max)
        chosen: dict[int, Product] = {}
        for _ in range(size * 4):  # bounded retries keep products distinct within an order
            product = self.cat.products[dist.weighted_index(rng, self.cat.popularity)]
            chosen.setdefault(product.product_id, product)
            if len(chosen) == size:
                break
        lines = []
        for product in chosen.values():
            quantity = dist.weighted_index(rng, self.qty_cum) + 1
            if product.price_cents > 30_000 and dist.chance(rng, 0.95):
                quantity = 1  # nobody buys three laptops at once (usually)
            unit = product.price_cents
            if dist.chance(rng, self.rates.discount_share):
                percent = dist.pick(rng, self.rates.discount_percents)
                unit = max(1, (unit * (100 - percent) + 50) // 100)
            lines.append((product, quantity, unit))
        return lines

    def method(self, rng: Random) -> str:
        return PAYMENT_METHODS[dist.weighted_index(rng, self.method_cum)]

    def payment_delay(self, rng: Random, method: str) -> int:
        if method == "bank":  # transfers clear in one to three days
            return SECONDS_PER_DAY + int(rng.random() * 2 * SECONDS_PER_DAY)
        return 20 + int(dist.exponential(rng, 180.0))

    def add_payments(self, rng: Random, out: Block, order_index: int, when: int,
                     status: str, total: int) -> None:
        def pay(method: str, amount: int, at: int, outcome: str) -> None:
            out.payments.append((order_index, method, cents_to_str(amount),
                                 self.clock.text(min(at, self.end)), outcome))

        clock = when
        if status in ("pending", "cancelled"):
            if dist.chance(rng, self.rates.pending_decline_rate if status == "pending"
                           else self.rates.cancelled_decline_rate):
                pay(self.method(rng), total, clock + 20 + int(rng.random() * 600), "failed")
            return
        method = self.method(rng)
        for _ in range(dist.weighted_index(rng, self.fail_cum)):
            clock += 20 + int(dist.exponential(rng, 120.0))
            pay(method, total, clock, "failed")
            if not dist.chance(rng, self.rates.retry_same_method):
                method = self.method(rng)
        clock += self.payment_delay(rng, method)
        final = "refunded" if status == "refunded" else "completed"
        if final == "completed" and total >= 5_000 and dist.chance(rng, self.rates.split_payment_rate):
            first_part = total * (20 + int(rng.random() * 60)) // 100
            other = PAYMENT_METHODS[(PAYMENT_METHODS.index(method) + 1) % len(PAYMENT_METHODS)]
            pay(method, first_part, clock, final)
            pay(other, total - first_part, clock + self.payment_delay(rng, other), final)
        else:
            pay(method, total, clock, final)

    def add_reviews(self, rng: Random, user_id: int, when: int,
                    lines: list[tuple[Product, int, int]], reviewed: set[int],
                    user_reviews: list[tuple]) -> None:
        delivery_days = 1 + min(13, int(dist.exponential(rng, 2.5)))
        delivered = when + delivery_days * SECONDS_PER_DAY + int(rng.random() * 36_000)
        ratings = self.late_cum if delivery_days > self.rates.late_delivery_days else self.on_time_cum
        for product, _, _ in lines:
            if product.product_id in reviewed or not dist.chance(rng, self.rates.review_rate):
                continue
            at = delivered + 3600 + int(dist.exponential(
                rng, self.rates.review_lag_days * SECONDS_PER_DAY))
            rating = dist.weighted_index(rng, ratings) + 1
            title = dist.pick(rng, REVIEW_TITLES[rating - 1])
            if at <= self.end:
                reviewed.add(product.product_id)
                user_reviews.append((product.product_id, user_id, rating, self.clock.text(at), title))
