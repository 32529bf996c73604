"""One order's life after it is placed, drawn in the shape stream: status, shipping, delivery,
returns and reviews. Every decision here fixes a row count or a timestamp the content needs.

Status follows the timestamps: an order is 'paid' until it ships, 'shipped' until it is
delivered, 'delivered' after; 'pending' (unpaid, only in the window's last day) and
'cancelled' never ship. A delivered order's lines are each returned with ``refund_rate``
(the content stream then picks the product of a returned line in proportion to demand x its
category's return factor, which is the same joint distribution as deciding by category);
all lines returned makes the order 'refunded', some lines leave it 'delivered'.
"""
from __future__ import annotations

import math
from random import Random
from typing import NamedTuple, Optional

from data_generation import distributions as dist
from data_generation.model import SECONDS_PER_DAY

HOUR = 3600
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
    late: bool                 # delivered more than late_delivery_days after ordering
    shipped: int               # shipping time, -1 if not shipped by the window's end
    delivered: int             # delivery time, -1 if not delivered by the window's end
    returned: int              # bit mask of the refunded lines (0: none)
    refund_at: int             # time of the refunds, -1 if none


class Lifecycle:
    """The fulfilment, return and review draws of a shape builder (``self.rates``, ``self.end``)."""

    end: int
    n_products: int

    def setup_lifecycle(self, rates) -> None:
        self.cancel_rate, self.refund_rate = rates.cancel_rate, rates.refund_rate
        self.ship_mean = rates.ship_hours * HOUR
        self.transit_mean = rates.transit_days * SECONDS_PER_DAY
        self.late_after = rates.late_delivery_days * SECONDS_PER_DAY
        self.refund_mean = rates.refund_lag_days * SECONDS_PER_DAY
        self.review_rate = rates.review_rate
        self.review_lag = rates.review_lag_days * SECONDS_PER_DAY
        self.fail_cum = dist.cumulative(rates.failed_payment_weights)
        self.split_rate = rates.split_payment_rate
        self.pending_decline = rates.pending_decline_rate
        self.cancelled_decline = rates.cancelled_decline_rate

    def fulfil(self, rng: Random, when: int, must_be_paid: bool) -> tuple[str, int, int]:
        """(status, shipped, delivered) of an order placed at ``when``."""
        random, log, end = rng.random, math.log, self.end
        if not must_be_paid:
            if random() < self.cancel_rate:
                return "cancelled", -1, -1
            if end - when < SECONDS_PER_DAY and random() < 0.6:
                return "pending", -1, -1
        shipped = when + 2 * HOUR + int(-self.ship_mean * log(1.0 - random()))
        delivered = (shipped + SECONDS_PER_DAY + int(-self.transit_mean * log(1.0 - random()))
                     + int(random() * 8 * HOUR))
        if shipped > end:
            return "paid", -1, -1
        if delivered > end:
            return "shipped", shipped, -1
        return "delivered", shipped, delivered

    def returns(self, rng: Random, lines: int, delivered: int) -> tuple[int, int]:
        """(bit mask of returned lines, refund time) of a delivered order."""
        random, mask = rng.random, 0
        for line in range(lines):
            if random() < self.refund_rate:
                mask |= 1 << line
        if not mask:
            return 0, -1
        at = delivered + SECONDS_PER_DAY + int(-self.refund_mean * math.log(1.0 - random()))
        return (mask, at) if at <= self.end else (0, -1)

    def reviews(self, rng: Random, position: int, delivered: int, lines: int,
                user_reviews: list[tuple[int, int, int]]) -> None:
        """Which lines of a delivered order get reviewed, and when.

        A user reviews a product once: the content stream gives reviewed lines products the
        user has not reviewed yet, which a catalogue of ``n_products`` can always do while
        reviews so far plus this order's lines stay within it.
        """
        random, rate, lag, end = rng.random, self.review_rate, self.review_lag, self.end
        for line in range(lines):
            if random() < rate:
                at = delivered + 600 + int(-lag * math.log(1.0 - random()))
                if at <= end and len(user_reviews) + lines <= self.n_products:
                    user_reviews.append((position, line, at))

    def payments(self, rng: Random, status: str, lines: int,
                 pattern: Optional[str]) -> tuple[int, int]:
        """(failed attempts, final charges) of one order."""
        if pattern == "payment_retry":  # card testing: three to five declines, then success
            return dist.uniform_int(rng, 3, 5), 1
        if status == "pending" or status == "cancelled":
            rate = self.pending_decline if status == "pending" else self.cancelled_decline
            return (1 if rng.random() < rate else 0), 0
        failed = dist.weighted_index(rng, self.fail_cum)
        return failed, 2 if lines >= 2 and rng.random() < self.split_rate else 1

    def complete(self, rng: Random, user: int, when: int, lines: int, pattern: Optional[str],
                 orders: list, user_reviews: list) -> None:
        """Fulfil, pay, return and review one order and append its shape."""
        status, shipped, delivered = self.fulfil(rng, when, pattern == "payment_retry")
        failed, charges = self.payments(rng, status, lines, pattern)
        returned, refund_at, late = 0, -1, False
        if delivered >= 0:
            late = delivered - when > self.late_after
            if pattern is None:
                returned, refund_at = self.returns(rng, lines, delivered)
                if returned == (1 << lines) - 1:
                    status = "refunded"
            if status == "delivered" and pattern not in OWN_BASKETS:
                self.reviews(rng, len(orders), delivered, lines, user_reviews)
        orders.append(tuple.__new__(OrderShape, (user, when, status, lines, pattern, failed,
                                                 charges, late, shipped, delivered, returned,
                                                 refund_at)))
