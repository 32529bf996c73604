"""Each row's life: the time it comes into being and the images it has until the window end.

A block's rows (as ``generator.BlockBuilder`` renders them) become histories: lists of
``(time, line)`` in time order, the first entry the row's arrival with its first image, the
last its image at the window end, which is the rendered line itself. So the store at the end
of any time ``t`` is, for every row, the last image with a time <= ``t`` (``image_at``), and
at the window end it is today's dataset byte for byte.

Times the data carries are used as they are: a user arrives at signup, an order and its
lines when placed, a payment attempt at its date, a review at its date; an order is paid
when its last charge clears, shipped at ``shipped_at``, delivered at ``delivered_at``, and
refunded at its last refund row when its final status is 'refunded' (a partial refund
leaves it delivered). An image before an event has the event's column empty (NULL) and the
earlier status. The one time the rows do not carry, when a cancelled order was cancelled, is
drawn from the block's own stream ``Random(f"{seed}:life:{b}")`` (one draw per order in
order position, whatever its status). Some rows and events arrive later than their date
because a check must hold at every instant: the charges of a split payment are recorded
together when the order is fully paid (a pending order has no completed charge); an order
shipped or delivered before its bank transfer cleared moves on when it is paid (a shipped
order is paid); a review waits for a delivered order of its product (one that stays
delivered), a refund row for its order's delivery.
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
# Event columns of an order (NULL until the event happened): read, never drawn.
EVENT_COLUMNS = {name: ORDER_HEADER.index(name) for name in ("shipped_at", "delivered_at")}


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


def order_events(status: str, placed: int, charges: list[int], declines: list[int], end: int,
                 draw: float, known: dict[str, int]) -> Events:
    """An order's times, consistent with its final ``status`` at ``end``.

    ``charges``/``declines`` are the dates of its completed charges and failed attempts;
    ``known`` the times its rows carry (``shipped_at``, ``delivered_at``, and ``refunded``:
    its last refund row), used as given but never before the step they follow (a status
    moves only forward, a shipped order is paid); ``draw`` (uniform) places a cancellation
    10 minutes to 2 days after the order, never before its last declined attempt.
    """
    if status == "cancelled":
        cancelled = min(placed + 600 + int(draw * 2 * DAY), end)
        return Events(placed, None, None, None, None, max([cancelled] + declines))
    if status == "pending":
        return Events(placed, None, None, None, None, None)
    paid = max(charges)
    shipped = max(paid, known["shipped_at"]) if status != "paid" else None
    delivered = (max(shipped, known["delivered_at"]) if status in ("delivered", "refunded")
                 else None)
    refunded = max(delivered, known["refunded"]) if status == "refunded" else None
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
        events = self.events(block, orders, payments, placed)
        delivered = delivered_orders(orders, items, placed, events)
        return {
            "users": [[(at(_signup(line)), line)] for line in _lines(rendered.users)],
            "orders": [order_history(f[:-1] + [f[-1][:-1]], events[f[0]], line)
                       for line, f in zip(order_lines, orders)],
            "order_items": [[(placed[f[1]], line)] for line, f in zip(item_lines, items)],
            "payments": [self.payment(f, events[f[1]]) for f in payments],
            "reviews": [[(review_arrival(at(f[4]), delivered.get((f[2], f[1]), ())), line)]
                        for line, f in reviews],
            "labels": [[(placed[line.split(",", 1)[0]], line)] for line in _lines(rendered.labels)],
        }

    def events(self, block: int, orders: list, payments: list,
               placed: dict[str, int]) -> dict[str, Events]:
        """Every order's events; one draw per order, in order position, from the block's
        lifecycle stream (used by cancelled orders only)."""
        at, random = self.timeline.offset, Random(f"{self.seed}:life:{block}").random
        dates: dict[str, dict[str, list[int]]] = {"completed\n": {}, "refunded\n": {},
                                                   "failed\n": {}}
        for fields in payments:
            dates[fields[5]].setdefault(fields[1], []).append(at(fields[4]))
        completed, refunds, failed = dates["completed\n"], dates["refunded\n"], dates["failed\n"]
        out = {}
        for fields in orders:
            draw, key = random(), fields[0]
            known = {name: at(fields[col].rstrip("\n")) for name, col in EVENT_COLUMNS.items()
                     if fields[col].strip()}
            if key in refunds:
                known["refunded"] = max(refunds[key])   # the order's last refund row
            out[key] = order_events(fields[STATUS], placed[key], completed.get(key, []),
                                    failed.get(key, []), self.end, draw, known)
        return out

    def payment(self, fields: list[str], events: Events) -> History:
        """A failed attempt arrives at its date; a charge when its order is fully paid; a
        refund row at its date, but not before its order is delivered."""
        line = ",".join(fields)
        if fields[5] == "failed\n":
            return [(self.timeline.offset(fields[4]), line)]
        if fields[5] == "refunded\n":
            return [(max(self.timeline.offset(fields[4]), events.delivered), line)]
        return [(events.paid, line)]


def delivered_orders(orders: list, items: list, placed: dict[str, int],
                     events: dict[str, Events]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(user, product) -> (placed, delivered) of each order that stays delivered to the window
    end (a refunded one stops counting for a review) with that product."""
    user_of = {f[0]: f[1] for f in orders if f[STATUS] == "delivered"}
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for fields in items:
        user = user_of.get(fields[1])
        if user is not None:
            out.setdefault((user, fields[2]), []).append((placed[fields[1]],
                                                          events[fields[1]].delivered))
    return out


def review_arrival(dated: int, orders) -> int:
    """A review arrives at its date, or when the first delivered order of its product placed
    before it is delivered if that is later (at its date if there is none)."""
    times = [delivered for placed, delivered in orders if placed < dated]
    return max(dated, min(times)) if times else dated


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _signup(line: str) -> str:
    """The signup date of a user line: the field after the e-mail (names may be quoted)."""
    return line.partition("@")[2].split(",", 2)[1]  # e-mails hold one '@'; names none
