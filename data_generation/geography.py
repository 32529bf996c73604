"""Countries as the generator sees them: time zones, payment mixes and price sensitivity.

The UTC offsets are facts (standard time of the most populous zone; daylight saving is
ignored, which moves a peak by at most one hour for half the year): IANA tz database,
https://www.iana.org/time-zones. India's +5:30 is kept in minutes. The payment mixes and
price sensitivities are rates (``Rates.country_method_factors``,
``Rates.country_price_sensitivity``), so a ``--config`` file can change them.
"""
from __future__ import annotations

from data_generation import distributions as dist
from data_generation.pools import LOCALES

UTC_OFFSET_MINUTES: dict[str, int] = {
    "Australia": 600, "Brazil": -180, "Canada": -300, "France": 60, "Germany": 60,
    "India": 330, "Italy": 60, "Japan": 540, "Mexico": -360, "Netherlands": 60,
    "Poland": 60, "Spain": 60, "Sweden": 60, "United Kingdom": 0,
    "United States": -360,  # population-weighted mean of the four mainland zones
}
COUNTRIES: tuple[str, ...] = tuple(loc.country for loc in LOCALES)
COUNTRY_WEIGHTS: tuple[float, ...] = tuple(float(loc.weight) for loc in LOCALES)


def zones() -> tuple[list[int], list[int]]:
    """The distinct UTC offsets (sorted), and each country's index into them."""
    offsets = sorted(set(UTC_OFFSET_MINUTES[c] for c in COUNTRIES))
    return offsets, [offsets.index(UTC_OFFSET_MINUTES[c]) for c in COUNTRIES]


def method_cums(base: tuple[float, ...], factors: dict[str, tuple[float, ...]]) -> list[list[float]]:
    """Each country's cumulative payment-method weights: the base mix times its factors."""
    out = []
    for country in COUNTRIES:
        tilt = factors.get(country, (1.0,) * len(base))
        weights = [b * f for b, f in zip(base, tilt)]
        out.append(dist.cumulative(weights if sum(weights) > 0 else list(base)))
    return out


def sensitivities(rates) -> tuple[list[float], list[int]]:
    """The distinct price elasticities of the countries (sorted) and each country's index."""
    beta = rates.price_elasticity
    per_country = [round(beta * rates.country_price_sensitivity.get(c, 1.0), 6) for c in COUNTRIES]
    levels = sorted(set(per_country))
    return levels, [levels.index(b) for b in per_country]
