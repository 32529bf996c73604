"""The generator's parameters: the time window, row counts and behavioural rates.

Every default is explained in design_notes.md ("Distributions"). Rates live in one
frozen dataclass so a profile can override them and the code never hides a magic number.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from utils.currency import DEFAULT_CURRENCY, check_currency
from utils.errors import UsageError, os_reason
from utils.fileio import read_input_text

DEFAULT_START = date(2023, 1, 1)
DEFAULT_END = date(2024, 12, 31)
BLOCK_USERS = 500          # users per block: the unit of randomness (and of parallel work)
SECONDS_PER_DAY = 86_400

USERS_PER_SCALE = 2_000
MAX_SCALE = 100_000       # 200 million users: far beyond a single SQLite file's comfort
PRODUCTS_PER_SCALE = 600


class Product(NamedTuple):
    """A catalogue entry as the row builders see it (price in cents)."""
    product_id: int
    name: str
    category_id: int
    price_cents: int


@dataclass(frozen=True)
class Rates:
    """Behavioural rates; see design_notes.md for the reasoning behind each default."""
    signup_growth: float = 1.2            # signup density grows as exp(g * t) over the window
    buyer_share: float = 0.72             # share of users who ever place an order
    repeat_orders: float = 5.5            # mean repeat orders of a buyer active for the whole window
    repeat_rate_shape: float = 0.5        # gamma shape of each buyer's repeat rate: < 1 is over-dispersed
    quick_first_order: float = 0.6        # share of buyers whose first order follows signup closely
    quick_first_order_days: float = 1.5   # mean delay of such a first order
    basket_p: float = 0.38                # basket size decay: P(k) ~ (1 - p)^(k - 1)
    basket_max: int = 8
    quantity_weights: tuple[float, ...] = (0.78, 0.14, 0.05, 0.02, 0.01)
    discount_share: float = 0.12          # share of lines sold at a promotional discount
    discount_percents: tuple[int, ...] = (10, 15, 20, 25)
    popularity_exponent: float = 0.8      # Zipf exponent of product popularity
    cancel_rate: float = 0.03
    refund_rate: float = 0.03
    failed_payment_weights: tuple[float, ...] = (0.93, 0.05, 0.02)  # 0, 1, 2 failures first
    pending_decline_rate: float = 0.3   # share of pending orders with one declined attempt
    cancelled_decline_rate: float = 0.4  # share of cancelled orders with one declined attempt
    retry_same_method: float = 0.5
    split_payment_rate: float = 0.03
    method_weights: tuple[float, ...] = (0.60, 0.28, 0.12)  # card, paypal, bank
    review_rate: float = 0.36             # share of delivered lines that get reviewed
    review_lag_days: float = 4.0
    rating_weights_on_time: tuple[float, ...] = (0.10, 0.05, 0.08, 0.20, 0.57)
    rating_weights_late: tuple[float, ...] = (0.22, 0.09, 0.12, 0.20, 0.37)
    late_delivery_days: int = 6
    anomaly_rate: float = 0.005           # share of customers given one planted anomaly


class Config(NamedTuple):
    """What a --config file sets: the rates, and the currency when it names one."""

    rates: Rates
    currency: str | None


CONFIG_KEYS = ("currency", "rates")  # besides comments: top-level keys starting with "_"


def load_config(path: Path) -> Config:
    """The rates (defaults overridden) and currency of a JSON file
    ``{"currency": "EUR", "rates": {"cancel_rate": 0.05, ...}}``; both keys are optional."""
    try:
        text = read_input_text(path)
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {os_reason(exc)}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise UsageError(f'{path}: expected an object {{"rates": {{...}}}}')
    for key in document:
        if key not in CONFIG_KEYS and not str(key).startswith("_"):
            raise UsageError(f"{path}: unknown key {key!r} (known: {', '.join(CONFIG_KEYS)}; "
                             f"a key starting with _ is a comment)")
    overrides = document.get("rates", {})
    if not isinstance(overrides, dict):
        raise UsageError(f'{path}: expected an object {{"rates": {{...}}}}')
    currency = document.get("currency")
    if currency is not None:
        currency = check_currency(currency, f"{path}: currency")
    defaults = Rates()
    known = {f.name: getattr(defaults, f.name) for f in fields(Rates)}
    checked: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in known:
            raise UsageError(f"{path}: unknown rate {name!r} (known: {', '.join(sorted(known))})")
        checked[name] = _checked(path, name, value, known[name])
    return Config(replace(defaults, **checked), currency)


def _checked(path: Path, name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if not (isinstance(value, list) and len(value) == len(default)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in value)):
            raise UsageError(f"{path}: rate {name} must be a list of {len(default)} non-negative numbers")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0 or (isinstance(default, int) and not isinstance(value, int)):
        raise UsageError(f"{path}: rate {name} must be a non-negative "
                         f"{'integer' if isinstance(default, int) else 'number'}, got {value!r}")
    if name in _POSITIVE and not value > 0:
        raise UsageError(f"{path}: rate {name} must be greater than 0, got {value!r}")
    if name.endswith(("_rate", "_share", "_p")) and value > 1:
        raise UsageError(f"{path}: rate {name} is a probability and must be at most 1, got {value!r}")
    return value


_POSITIVE = {"repeat_rate_shape", "basket_max", "basket_p"}  # divisors and loop bounds


def rate_overrides(rates: Rates) -> dict[str, Any]:
    """The rates that differ from the defaults, for the manifest."""
    defaults = asdict(Rates())
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(rates).items()
            if v != defaults[k]}


PAYMENT_METHODS = ("card", "paypal", "bank")

# Relative order volume by month (Jan..Dec): a November-December peak.
MONTH_WEIGHTS = (0.85, 0.80, 0.90, 0.90, 0.95, 0.92, 0.92, 0.95, 0.95, 1.00, 1.45, 1.60)
# By weekday (Mon..Sun): weekends busier.
WEEKDAY_WEIGHTS = (1.00, 0.96, 0.95, 0.97, 1.02, 1.18, 1.22)
# By hour of day: quiet nights, an evening peak.
HOUR_WEIGHTS = (0.30, 0.18, 0.12, 0.10, 0.10, 0.15, 0.30, 0.55, 0.75, 0.85, 0.90, 0.95,
                1.00, 0.95, 0.90, 0.90, 0.95, 1.00, 1.10, 1.25, 1.35, 1.30, 1.00, 0.60)


@dataclass(frozen=True)
class Settings:
    seed: int
    scale: float
    start: date = DEFAULT_START
    end: date = DEFAULT_END               # inclusive: the window ends at 23:59:59 that day
    rates: Rates = field(default_factory=Rates)
    currency: str = DEFAULT_CURRENCY      # what the amounts are in; declared in the manifest only

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", check_currency(self.currency))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise UsageError(f"seed must be an integer, got {self.seed!r}")
        if not (isinstance(self.scale, (int, float)) and math.isfinite(self.scale)
                and self.scale > 0):
            raise UsageError(f"scale must be a positive number, got {self.scale!r}")
        if self.end < self.start:
            raise UsageError(f"window end {self.end} is before its start {self.start}")
        if self.scale > MAX_SCALE:
            raise UsageError(f"scale {self.scale} is too large (at most {MAX_SCALE:,})")

    @property
    def n_users(self) -> int:
        return max(1, round(USERS_PER_SCALE * self.scale))  # any scale > 0 gives a dataset

    @property
    def n_products(self) -> int:
        return max(1, round(PRODUCTS_PER_SCALE * self.scale))

    @property
    def n_blocks(self) -> int:
        return -(-self.n_users // BLOCK_USERS)

    @property
    def window_seconds(self) -> int:
        """Seconds in the window; timestamps are offsets in [0, window_seconds)."""
        return ((self.end - self.start).days + 1) * SECONDS_PER_DAY

    @property
    def scale_label(self) -> int | float:
        """The scale as written in outputs: 1 rather than 1.0."""
        return int(self.scale) if float(self.scale).is_integer() else self.scale


class Clock:
    """Turns second offsets into timestamp text, with the per-day and per-hour weights."""

    def __init__(self, settings: Settings) -> None:
        days = (settings.end - settings.start).days + 1
        first = datetime(settings.start.year, settings.start.month, settings.start.day)
        self.day_text = [(first + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(days)]
        self.day_weight = []
        for d in range(days):
            day = settings.start + timedelta(days=d)
            self.day_weight.append(MONTH_WEIGHTS[day.month - 1] * WEEKDAY_WEIGHTS[day.weekday()])
        self.max_weight = max(self.day_weight) * max(HOUR_WEIGHTS)
        self.span = days * SECONDS_PER_DAY

    def text(self, offset: int) -> str:
        day, rest = divmod(offset, SECONDS_PER_DAY)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{self.day_text[day]} {hour:02d}:{minute:02d}:{second:02d}"

    def weight(self, offset: int) -> float:
        return self.day_weight[offset // SECONDS_PER_DAY] * HOUR_WEIGHTS[offset % SECONDS_PER_DAY // 3600]
