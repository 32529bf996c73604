"""The generator's parameters: the time window, row counts and behavioural rates.

Every default is explained in design_notes.md ("Distributions"). Rates live in one
frozen dataclass so a profile can override them and the code never hides a magic number.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from data_generation import geography
from data_generation.calendar import Clock  # noqa: F401  (re-exported: Clock(settings))
from data_generation.pools import CATEGORY_TREE
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


def _table(values: dict[str, Any]) -> Any:
    """A per-country or per-category rate: a dict default (a fresh copy per instance)."""
    return field(default_factory=lambda: dict(values))


@dataclass(frozen=True)
class Rates:
    """Behavioural rates; each default's reasoning and source: default_rates.json and design_notes.md."""
    signup_growth: float = 1.2            # signup density grows as exp(g * t) over the window
    buyer_share: float = 0.72             # share of users who ever place an order
    quick_first_order: float = 0.65       # share of buyers whose first order comes right after signup
    quick_first_order_minutes: float = 6.0  # mean delay of such a first order
    repeat_orders_per_year: float = 3.0   # mean purchase rate of an active customer (BG/NBD lambda)
    repeat_rate_shape: float = 0.6        # gamma shape of that rate over customers: < 1 is over-dispersed
    dropout_a: float = 1.1                # Kumaraswamy(a, b) of a customer's dropout chance after each purchase
    dropout_b: float = 1.0
    basket_p: float = 0.72                # P(1 line); each further line is less likely (basket_decay)
    basket_decay: float = 0.8             # continuation odds shrink by this factor per line
    basket_max: int = 8
    quantity_weights: tuple[float, ...] = (0.86, 0.10, 0.025, 0.01, 0.005)
    discount_share: float = 0.12          # share of lines sold at a promotional discount
    discount_percents: tuple[int, ...] = (10, 15, 20, 25)
    popularity_exponent: float = 0.8      # Zipf exponent of product popularity
    price_elasticity: float = 0.35        # demand weight ~ price ** -elasticity
    expensive_price: float = 150.0        # after a line at or above it, a basket's other lines stay below
    category_demand: dict = _table({
        "Books & Media": 1.1, "Electronics": 1.4, "Fashion": 1.3, "Home & Kitchen": 1.0,
        "Sports & Outdoors": 0.9})
    cancel_rate: float = 0.03
    refund_rate: float = 0.085            # mean share of delivered lines returned and refunded
    category_return_factors: dict = _table({
        "Books & Media": 0.35, "Electronics": 0.9, "Fashion": 2.2, "Home & Kitchen": 0.8,
        "Sports & Outdoors": 0.9})
    refund_lag_days: float = 9.0          # mean days from delivery to the refund
    failed_payment_weights: tuple[float, ...] = (0.93, 0.05, 0.02)  # 0, 1, 2 failures first
    pending_decline_rate: float = 0.3   # share of pending orders with one declined attempt
    cancelled_decline_rate: float = 0.4  # share of cancelled orders with one declined attempt
    retry_same_method: float = 0.5
    split_payment_rate: float = 0.03
    method_weights: tuple[float, ...] = (0.60, 0.28, 0.12)  # card, paypal, bank
    country_method_factors: dict = _table({
        "Germany": (0.55, 1.25, 2.6), "Netherlands": (0.45, 0.7, 3.5), "Poland": (0.7, 0.8, 4.0),
        "Brazil": (0.8, 0.5, 4.0), "India": (0.8, 0.4, 4.5), "Sweden": (0.9, 0.6, 3.0)})
    country_price_sensitivity: dict = _table({
        "Brazil": 1.2, "India": 1.3, "Mexico": 1.2, "Poland": 1.15, "Australia": 0.9,
        "United States": 0.9, "Sweden": 0.95, "Netherlands": 0.95})
    review_rate: float = 0.055            # share of delivered lines that get reviewed
    review_lag_days: float = 4.0
    review_title_share: float = 0.13      # share of reviews with a title
    quality_sigma: float = 1.1            # spread of a product's hidden quality (rating tilt)
    rating_weights_on_time: tuple[float, ...] = (0.05, 0.03, 0.08, 0.21, 0.63)
    rating_weights_late: tuple[float, ...] = (0.50, 0.10, 0.11, 0.11, 0.18)
    late_delivery_days: int = 7           # delivered more than this many days after ordering: late
    ship_hours: float = 20.0              # mean handling time before shipping (plus 2 hours)
    transit_days: float = 1.9             # mean transit beyond one day
    missing_city_rate: float = 0.04       # users without a city
    month_weights: tuple[float, ...] = (0.80, 0.82, 0.92, 0.92, 0.96, 0.93, 0.93, 0.96, 0.96,
                                        1.00, 1.10, 1.05)
    weekday_weights: tuple[float, ...] = (1.00, 0.96, 0.95, 0.97, 1.02, 1.18, 1.22)
    hour_weights: tuple[float, ...] = (0.30, 0.18, 0.12, 0.10, 0.10, 0.15, 0.30, 0.55, 0.75, 0.85,
                                       0.90, 0.95, 1.00, 0.95, 0.90, 0.90, 0.95, 1.00, 1.10, 1.25,
                                       1.35, 1.30, 1.00, 0.60)
    black_friday_factor: float = 7.0
    black_friday_weekend_factor: float = 2.2
    cyber_monday_factor: float = 3.5
    december_ramp: float = 0.45           # December 1 to 23 rises by this share
    christmas_eve_factor: float = 0.6
    christmas_factor: float = 0.35
    day_noise_shape: float = 8.0          # gamma shape of the daily multiplier (0: no noise)
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
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise UsageError(f"{path}: rate {name} must be an object keyed by "
                             f"{', '.join(sorted(default)) or 'country'}")
        table, known = dict(default), _table_keys(name)
        for key, item in value.items():
            if key not in known:
                raise UsageError(f"{path}: rate {name} has an unknown key {key!r} "
                                 f"(known: {', '.join(known)})")
            like = next(iter(default.values()), 1.0)
            table[str(key)] = _checked(path, f"{name}.{key}", item, like)
        return table
    if isinstance(default, tuple):
        if not (isinstance(value, list) and len(value) == len(default)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                        and math.isfinite(v) for v in value)):
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


def _table_keys(name: str) -> tuple[str, ...]:
    """The keys a per-country or per-category rate may have."""
    if name.startswith("country_"):
        return geography.COUNTRIES
    return tuple(top.name for top in CATEGORY_TREE)


_POSITIVE = {"repeat_rate_shape", "basket_max", "basket_p", "dropout_a", "dropout_b",
             "repeat_orders_per_year"}  # divisors and loop bounds


def rate_overrides(rates: Rates) -> dict[str, Any]:
    """The rates that differ from the defaults, for the manifest."""
    defaults = asdict(Rates())
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in sorted(value.items())}
        return list(value) if isinstance(value, tuple) else value
    return {k: plain(v) for k, v in asdict(rates).items() if v != defaults[k]}


PAYMENT_METHODS = ("card", "paypal", "bank")


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
