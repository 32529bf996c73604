"""Blocks of customers as CSV text: the block's shape first, then its content.

Determinism: block ``b`` draws its row counts and timestamps of the order lifecycle from
``Random(f"{seed}:shape:{b}")`` (``data_generation.shape``) and everything else (names,
e-mails, products, quantities, discounts, payment methods and times, ratings, titles) from
``Random(f"{seed}:content:{b}")``; the catalogue (``data_generation.catalogue``) and the
calendar's daily noise from their own streams. A block's text depends only on the seed, the
settings, the block number and the keys it starts at, which the shapes of the earlier
blocks fix; so blocks can be built in any order, process or machine.
"""
from __future__ import annotations

from bisect import bisect_right
from random import Random
from typing import NamedTuple

from data_generation import anomalies, geography
from data_generation import distributions as dist
from data_generation.catalogue import Catalogue
from data_generation.demand import Demand
from data_generation.model import BLOCK_USERS, PAYMENT_METHODS, SECONDS_PER_DAY, Clock, Settings
from data_generation.people import People
from data_generation.reviews import Reviews
from data_generation.shape import OWN_BASKETS, OrderShape, Shape, ShapeBuilder
from utils.fileio import cents_to_str

CATEGORY_HEADER = ("category_id", "name", "parent_id")
USER_HEADER = ("user_id", "first_name", "last_name", "email", "signup_date", "country", "city")
PRODUCT_HEADER = ("product_id", "name", "category_id", "price")
ORDER_HEADER = ("order_id", "user_id", "order_date", "status", "total_amount", "shipped_at",
                "delivered_at")
ITEM_HEADER = ("order_item_id", "order_id", "product_id", "quantity", "unit_price", "line_total")
PAYMENT_HEADER = ("payment_id", "order_id", "payment_method", "amount", "payment_date", "status")
REVIEW_HEADER = ("review_id", "product_id", "user_id", "rating", "review_date", "title")


class Rendered(NamedTuple):
    """One block as CSV lines with their global keys (no header)."""
    users: str
    orders: str
    items: str
    payments: str
    reviews: str
    labels: str
    counts: tuple[int, int, int, int, int, int]   # users, orders, items, payments, reviews, labels


class BlockBuilder:
    """Builds one block's CSV text from its shape and content streams."""

    def __init__(self, settings: Settings, catalogue: Catalogue, clock: Clock) -> None:
        self.s, self.rates, self.cat, self.clock = settings, settings.rates, catalogue, clock
        self.end = settings.window_seconds - 1
        self.pools = anomalies.pools(catalogue.products)
        self.shapes = ShapeBuilder(settings, clock, len(self.pools.premium))
        self.people = People(settings.n_users, self.rates.missing_city_rate)
        levels, self.level_of = geography.sensitivities(self.rates)
        self.demand = Demand(catalogue, self.rates, levels)
        self.method_cums = geography.method_cums(self.rates.method_weights,
                                                 self.rates.country_method_factors)
        self.review_writer = Reviews(catalogue, self.rates)
        self.qty_cum = dist.cumulative(self.rates.quantity_weights)

    def counts(self, block: int) -> tuple[int, int, int, int, int, int]:
        """The block's row counts, from its shape alone."""
        return self.shapes.build(block).counts

    def build(self, block: int, keys: tuple[int, int, int, int] = (0, 0, 0, 0),
              shape: Shape | None = None) -> Rendered:
        """The block's lines; ``keys`` are the rows of orders, items, payments and reviews before it.

        ``shape`` is the block's shape if it was already drawn (by a worker counting rows).
        """
        shape = shape or self.shapes.build(block)
        rng = Random(f"{self.s.seed}:content:{block}")
        first_user = block * BLOCK_USERS
        users = self.people.users(rng, first_user, shape.signups, shape.countries, self.clock.text)
        orders, items, payments, labels, products = self.orders(rng, first_user, shape, keys)
        reviews = self.review_writer.render(rng, first_user, shape, products, keys[3],
                                            self.clock.text)
        return Rendered(users, orders, items, payments, reviews, labels, shape.counts)

    def orders(self, rng: Random, first_user: int, shape: Shape,
               keys: tuple[int, int, int, int]) -> tuple[str, str, str, str, list[list[int]]]:
        """Orders, their lines, payments and labels; and each order's product ids (for reviews)."""
        flagged: dict[int, set[int]] = {}
        for position, line, _ in shape.reviews:
            flagged.setdefault(position, set()).add(line)
        order_id, item_id, payment_id = keys[0], keys[1], keys[2]
        orders, items, payments, labels, products = [], [], [], [], []
        current, reviewed = -1, set()  # products the current user has reviewed
        money, text, end = cents_to_str, self.clock.text, self.end
        for position, order in enumerate(shape.orders):
            order_id += 1
            if order.user != current:
                current, reviewed = order.user, set()
            country = shape.countries[order.user]
            if order.pattern in OWN_BASKETS:
                lines = anomalies.basket(rng, order.pattern, self.pools, order.lines)
            else:
                lines = self.basket(rng, order, flagged.get(position, ()), reviewed,
                                    self.level_of[country])
            total = 0
            for product, quantity, unit in lines:
                item_id += 1
                total += quantity * unit
                items.append(f"{item_id},{order_id},{product.product_id},{quantity},"
                             f"{money(unit)},{money(quantity * unit)}\n")
            products.append([product.product_id for product, _, _ in lines])
            orders.append(f"{order_id},{first_user + order.user + 1},{text(order.when)},"
                          f"{order.status},{money(total)},"
                          f"{text(order.shipped) if order.shipped >= 0 else ''},"
                          f"{text(order.delivered) if order.delivered >= 0 else ''}\n")
            for method, amount, at, outcome in self.payments(rng, order, lines, total,
                                                             self.method_cums[country]):
                payment_id += 1
                payments.append(f"{payment_id},{order_id},{method},{money(amount)},"
                                f"{text(at if at < end else end)},{outcome}\n")
            if order.pattern:
                labels.append(f"{order_id},{order.pattern}\n")
        return "".join(orders), "".join(items), "".join(payments), "".join(labels), products

    def basket(self, rng: Random, order: OrderShape, flagged, reviewed: set[int],
               level: int) -> list[tuple]:
        """Distinct products by demand; returned lines drawn by return-weighted demand; after an
        expensive line only cheaper ones; a reviewed line avoids products already reviewed."""
        random, products, taken, lines = rng.random, self.cat.products, set(), []
        pick, expensive, cheap = self.demand.pick, self.demand.expensive, False
        qty_cum, qty_top, last_qty = self.qty_cum, self.qty_cum[-1], len(self.qty_cum) - 1
        discount, percents = self.rates.discount_share, self.rates.discount_percents
        for line in range(order.lines):
            avoid = reviewed if line in flagged else ()
            index = pick(random(), level, (order.returned >> line) & 1, cheap)
            if index in taken or index in avoid:
                index = self.pick_product(rng, taken, avoid)
            taken.add(index)
            cheap = cheap or expensive[index]
            product = products[index]
            if line in flagged:
                reviewed.add(index)
            quantity = min(bisect_right(qty_cum, random() * qty_top), last_qty) + 1
            unit = product.price_cents
            if unit > 30_000 and random() < 0.95:
                quantity = 1  # nobody buys three laptops at once (usually)
            if random() < discount:
                percent = percents[int(random() * len(percents))]
                unit = max(1, (unit * (100 - percent) + 50) // 100)
            lines.append((product, quantity, unit))
        return lines

    def pick_product(self, rng: Random, taken: set[int], avoid) -> int:
        """A product index by popularity, not in ``taken`` or ``avoid`` (the shape left room)."""
        for _ in range(16):
            index = dist.weighted_index(rng, self.cat.popularity)
            if index not in taken and index not in avoid:
                return index
        n = len(self.cat.products)
        start = int(rng.random() * n)
        return next(i % n for i in range(start, start + n) if i % n not in taken and i % n not in avoid)

    def payment_delay(self, rng: Random, method: str) -> int:
        if method == "bank":  # transfers clear in one to three days
            return SECONDS_PER_DAY + int(rng.random() * 2 * SECONDS_PER_DAY)
        return 20 + int(dist.exponential(rng, 180.0))

    def payments(self, rng: Random, order: OrderShape, lines: list[tuple], total: int,
                 method_cum: list[float]) -> list[tuple[str, int, int, str]]:
        """The attempts, charges and refunds of one order: (method, amount, time, status)."""
        if order.pattern == "payment_retry":
            return anomalies.retry_payments(rng, self.payment_delay, PAYMENT_METHODS, order.when,
                                            total, order.failed)
        method = PAYMENT_METHODS[dist.weighted_index(rng, method_cum)]
        if not order.charges:  # pending or cancelled: at most one declined attempt
            return [(method, total, order.when + 20 + int(rng.random() * 600), "failed")
                    ] if order.failed else []
        out, clock = [], order.when
        for _ in range(order.failed):
            clock += 20 + int(dist.exponential(rng, 120.0))
            out.append((method, total, clock, "failed"))
            if not dist.chance(rng, self.rates.retry_same_method):
                method = PAYMENT_METHODS[dist.weighted_index(rng, method_cum)]
        clock += self.payment_delay(rng, method)
        if order.charges == 2:
            first_part = total * (20 + int(rng.random() * 60)) // 100
            other = PAYMENT_METHODS[(PAYMENT_METHODS.index(method) + 1) % len(PAYMENT_METHODS)]
            out.append((method, first_part, clock, "completed"))
            out.append((other, total - first_part, clock + self.payment_delay(rng, other),
                        "completed"))
        else:
            out.append((method, total, clock, "completed"))
        for line, (_, quantity, unit) in enumerate(lines):  # one refund row per returned line
            if (order.returned >> line) & 1:
                out.append((method, quantity * unit, max(order.refund_at, clock + 3600), "refunded"))
        return out
