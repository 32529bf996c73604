"""Each row's life: the time it comes into being and the images it has until the window end.

A block's rows (as ``generator.BlockBuilder`` renders them) become histories: lists of
``(time, line)`` in time order, the first entry the row's arrival with its first image, the
last its image at the window end, which is the rendered line itself. So the store at the end
of any time ``t`` is, for every row, the last image with a time <= ``t`` (``image_at``), and
at the window end it is today's dataset byte for byte.

Times the data carries are used as they are: a user arrives at signup, an order and its
lines when placed, a payment attempt at its date, a review at its date. An order's other
events are drawn from the block's own stream ``Random(f"{seed}:life:{b}")`` (four draws per
order, whatever its status) and bounded so that the final status holds at the window end:
paid when its last charge clears, shipped after that, delivered before its first review,
refunded after delivery, cancelled after its last declined attempt. Two rows arrive later
than their date because a check must hold at every instant: the charges of a split payment
are recorded together when the order is fully paid (a pending order has no completed
charge), and a review whose order was paid late arrives when the order is delivered.
``order_events`` is the one place that decides an order's times: when orders carry
``shipped_at``/``delivered_at`` columns (``EVENT_COLUMNS``) it reads them instead of drawing,
and an image before such an event has the column empty (NULL).
"""
from __future__ import annotations

from datetime import date
from random import Random
from typing import NamedTuple, Optional

from data_generation.generator import ORDER_HEADER
from data_generation.model import SECONDS_PER_DAY, Clock, Settings

History = list  # [(time, line), ...] in time order; the first entry is the row's arrival
CATALOGUE_TIME = 0   # categories and products exist from the window's first second
DAY = SECONDS_PER_DAY
STATUS = ORDER_HEADER.index("status")
# Event columns an order may carry (NULL until the event happened): read, never drawn.
EVENT_COLUMNS = {name: ORDER_HEADER.index(name) for name in ("shipped_at", "delivered_at")
                 if name in ORDER_HEADER}


class Events(NamedTuple):
    """An order's event times (second offsets), None for what never happens to it."""
    placed: int
    paid: Optional[int]
    shipped: Optional[int]
    delivered: Optional[int]
    refunded: Optional[int]
    cancelled: Optional[int]


class Timeline:
    """Timestamp text to second offsets and back, and the end of a day as an offset."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.start = settings.start
        self.clock = clock or Clock(settings)
        self.days = {text[:10]: index for index, text in enumerate(self.clock.day_text)}
        self.end = settings.window_seconds - 1

    def offset(self, text: str) -> int:
        """'2023-01-02 03:04:05' -> seconds since the window start."""
        return (self.days[text[:10]] * DAY + int(text[11:13]) * 3600 + int(text[14:16]) * 60
                + int(text[17:19]))

    def end_of(self, day: date) -> int:
        """The last second of ``day`` (-1 for the day before the window: nothing exists yet)."""
        return (day - self.start).days * DAY + DAY - 1


def image_at(history: History, t: int) -> Optional[str]:
    """The row's line at the end of time ``t``, or None if it did not exist yet."""
    for time, line in reversed(history):
        if time <= t:
            return line
    return None


def order_events(status: str, placed: int, charges: list[int], declines: list[int],
                 first_review: Optional[int], end: int, draws: tuple,
                 known: dict[str, int] | None = None) -> Events:
    """An order's times, consistent with its final ``status`` at ``end``.

    ``charges``/``declines`` are the dates of the charges that pay it and of its failed
    attempts; ``draws`` are four uniform numbers from the block's lifecycle stream; ``known``
    holds the times the data carries (``shipped_at``, ``delivered_at``, ``refunded`` from
    refund rows), used as given but never before the step they follow: a status moves only
    forward, and a shipped order is paid.
    """
    known = known or {}
    r_ship, r_deliver, r_refund, r_cancel = draws
    if status == "cancelled":
        cancelled = min(placed + 600 + int(r_cancel * 2 * DAY), end)
        return Events(placed, None, None, None, None, max([cancelled] + declines))
    if status == "pending":
        return Events(placed, None, None, None, None, None)
    paid = max(charges)
    if status == "paid":
        return Events(placed, paid, None, None, None, None)
    limit = end if first_review is None or status != "delivered" else min(end, first_review)
    limit = max(limit, paid)  # paid after its first review: the review waits (see above)
    shipped = max(paid, known.get("shipped_at", min(paid + 3600 + int(r_ship * 2 * DAY),
                                                    end if status == "shipped" else limit)))
    if status == "shipped":
        return Events(placed, paid, shipped, None, None, None)
    delivered = max(shipped, known.get("delivered_at",
                                       min(shipped + DAY + int(r_deliver * 5 * DAY), limit)))
    if status == "delivered":
        return Events(placed, paid, shipped, delivered, None, None)
    refunded = max(delivered, known.get("refunded",
                                        min(delivered + 2 * DAY + int(r_refund * 20 * DAY), end)))
    return Events(placed, paid, shipped, delivered, refunded, None)


def order_history(fields: list[str], events: Events, line: str) -> History:
    """The images of one order: its status (and event columns) after each event; the last
    image is ``line``. ``fields`` are the final row's fields without the line end."""
    steps = [(events.placed, "pending"), (events.paid, "paid"), (events.shipped, "shipped"),
             (events.delivered, "delivered"), (events.refunded, "refunded"),
             (events.cancelled, "cancelled")]
    final = {name: fields[col] for name, col in EVENT_COLUMNS.items()}
    happened = {"shipped_at": events.shipped, "delivered_at": events.delivered}
    history: History = []
    for time, status in steps:
        if time is None:
            continue
        fields[STATUS] = status
        for name, col in EVENT_COLUMNS.items():  # NULL until the event happened
            fields[col] = final[name] if happened[name] is not None and happened[name] <= time else ""
        image = ",".join(fields) + "\n"
        if history and history[-1][0] == time:
            history[-1] = (time, image)   # two events in the same second: the later one holds
        else:
            history.append((time, image))
    history[-1] = (history[-1][0], line)
    return history


class BlockLives:
    """Turns a rendered block into the histories of its rows, table by table."""

    def __init__(self, settings: Settings, timeline: Timeline) -> None:
        self.seed, self.timeline, self.end = settings.seed, timeline, timeline.end

    def build(self, block: int, rendered) -> dict[str, list[History]]:
        """``rendered``: a ``generator.Rendered``; returns histories per table (and labels)."""
        at = self.timeline.offset
        order_lines, item_lines = _lines(rendered.orders), _lines(rendered.items)
        orders = [line.split(",") for line in order_lines]
        payments = [line.split(",") for line in _lines(rendered.payments)]
        items = [line.split(",", 3) for line in item_lines]
        reviews = [(line, line.split(",", 5)) for line in _lines(rendered.reviews)]
        placed = {fields[0]: at(fields[2]) for fields in orders}
        sources = review_sources(orders, items, reviews, placed)
        first_review: dict[str, int] = {}
        for (_, fields), order in zip(reviews, sources):
            if order is not None:
                first_review[order] = min(first_review.get(order, self.end), at(fields[4]))
        events = self.events(block, orders, payments, placed, first_review)
        return {
            "users": [[(at(_signup(line)), line)] for line in _lines(rendered.users)],
            "orders": [order_history(f[:-1] + [f[-1][:-1]], events[f[0]], line)
                       for line, f in zip(order_lines, orders)],
            "order_items": [[(placed[f[1]], line)] for line, f in zip(item_lines, items)],
            "payments": [self.payment(f, events[f[1]]) for f in payments],
            "reviews": [[(max(at(f[4]), events[order].delivered or 0) if order else at(f[4]),
                          line)] for (line, f), order in zip(reviews, sources)],
            "labels": [[(placed[line.split(",", 1)[0]], line)] for line in _lines(rendered.labels)],
        }

    def events(self, block: int, orders: list, payments: list, placed: dict[str, int],
               first_review: dict[str, int]) -> dict[str, Events]:
        """Every order's events, drawn in order position from the block's lifecycle stream."""
        at, random = self.timeline.offset, Random(f"{self.seed}:life:{block}").random
        dates: dict[str, dict[str, list[int]]] = {"completed\n": {}, "refunded\n": {},
                                                   "failed\n": {}}
        for fields in payments:
            dates[fields[5]].setdefault(fields[1], []).append(at(fields[4]))
        completed, refunds = dates["completed\n"], dates["refunded\n"]
        self.refund_rows = set(refunds) & set(completed)  # refunds as rows of their own
        out = {}
        for fields in orders:
            draws = (random(), random(), random(), random())
            key = fields[0]
            known = {name: at(fields[col].rstrip("\n")) for name, col in EVENT_COLUMNS.items()
                     if fields[col].strip()}
            if key in self.refund_rows:
                known["refunded"] = max(refunds[key])   # the order's last refund row
            charges = completed.get(key) or refunds.get(key, [])  # refunded charges pay it too
            out[key] = order_events(fields[STATUS], placed[key], charges,
                                    dates["failed\n"].get(key, []), first_review.get(key),
                                    self.end, draws, known)
        return out

    def payment(self, fields: list[str], events: Events) -> History:
        """A payment attempt arrives at its date; a charge when its order is fully paid; a
        refunded charge reads 'completed' until the refund; a refund row of its own arrives
        at its date (not before its order is delivered)."""
        line = ",".join(fields)
        if fields[5] == "failed\n":
            return [(self.timeline.offset(fields[4]), line)]
        if fields[5] == "refunded\n" and fields[1] in self.refund_rows:
            return [(max(self.timeline.offset(fields[4]), events.delivered or 0), line)]
        if fields[5] == "refunded\n" and events.refunded != events.paid:
            return [(events.paid, ",".join(fields[:5]) + ",completed\n"), (events.refunded, line)]
        return [(events.paid, line)]


def review_sources(orders: list, items: list, reviews: list,
                   placed: dict[str, int]) -> list[Optional[str]]:
    """The order each review speaks of: the user's earliest delivered order of that product,
    else the earliest since refunded; None if there is none (the review arrives at its date)."""
    rank = {f[0]: (f[STATUS] == "refunded", placed[f[0]]) for f in orders
            if f[STATUS] in ("delivered", "refunded")}
    user_of = {f[0]: f[1] for f in orders if f[0] in rank}
    best: dict[tuple[str, str], str] = {}
    for fields in items:
        user = user_of.get(fields[1])
        if user is not None:
            key = (user, fields[2])
            if key not in best or rank[fields[1]] < rank[best[key]]:
                best[key] = fields[1]
    return [best.get((f[2], f[1])) for _, f in reviews]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _signup(line: str) -> str:
    """The signup date of a user line: the field after the e-mail (names may be quoted)."""
    return line.partition("@")[2].split(",", 2)[1]  # e-mails hold one '@'; names none
