"""The calendar: how busy each date and hour is, per time zone, and second offsets as text.

A date's weight is its month weight x weekday weight x event factor (Black Friday, the
weekend after it, Cyber Monday, the December ramp, Christmas Eve and Day) x, on ordinary days, a noise factor:
a gamma-distributed multiplier (mean 1) drawn from ``Random(f"{seed}:day:{YYYY-MM-DD}")``,
so a date's noise depends on the date alone, not on the window or anything drawn before.
Each country's local hour curve is shifted by its UTC offset: a UTC hour takes the weight
of the local date and hour containing its midpoint. Times are stored in UTC.

Everything is computed once per process (``Clock``): per zone, the weight and cumulative
weight of every hour of the window, normalised so that an average day weighs 1; a time is
then drawn by one ``random()`` and a bisection (inverse CDF, constant weight within an hour).
"""
from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from datetime import date, datetime, timedelta
from random import Random

from data_generation import distributions as dist
from data_generation import geography

SECONDS_PER_DAY = 86_400


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 22)


def event_factor(day: date, rates) -> float:
    """The factor of an event day relative to an ordinary day of its month and weekday
    (December rises to Christmas Eve and is back to its month weight after Christmas)."""
    friday = black_friday(day.year)
    if day == friday:
        return rates.black_friday_factor
    if friday < day < friday + timedelta(days=3):
        return rates.black_friday_weekend_factor
    if day == friday + timedelta(days=3):
        return rates.cyber_monday_factor
    if day.month == 12 and day.day <= 25:
        ramp = 1.0 + rates.december_ramp * min(day.day - 1, 22) / 22
        if day.day == 24:
            return rates.christmas_eve_factor * ramp
        if day.day == 25:  # relative to the middle of December's ramp, as Olist measured it
            return rates.christmas_factor * (1.0 + rates.december_ramp / 2)
        return ramp
    return 1.0


def is_event(day: date) -> bool:
    """Black Friday to Cyber Monday, Christmas Eve and Christmas Day."""
    friday = black_friday(day.year)
    return friday <= day <= friday + timedelta(days=3) or (day.month == 12 and day.day in (24, 25))


def day_weights(seed: int, start: date, days: int, rates) -> list[float]:
    """Each date's weight: month x weekday x event x gamma noise (shape ``day_noise_shape``;
    event days have no noise: their level is what the calendar says)."""
    out, shape = [], rates.day_noise_shape
    for index in range(days):
        day = start + timedelta(days=index)
        event = event_factor(day, rates)
        weight = (rates.month_weights[day.month - 1] * rates.weekday_weights[day.weekday()]
                  * event)
        if shape > 0 and not is_event(day):  # an event day's level is the calendar's
            weight *= dist.gamma(Random(f"{seed}:day:{day.isoformat()}"), shape, 1.0 / shape)
        out.append(weight)
    return out


def zone_hours(day_weight: list[float], hour_weights, offset_minutes: int) -> array:
    """The weight of every UTC hour of the window for a zone ``offset_minutes`` east of UTC."""
    last = len(day_weight) - 1
    out = array("d")
    for hour in range(len(day_weight) * 24):
        local = hour * 60 + 30 + offset_minutes
        day = min(max(local // 1440, 0), last)
        out.append(day_weight[day] * hour_weights[(local // 60) % 24])
    return out


def cumulate(weights, days: int) -> tuple[array, array]:
    """Weights scaled so the window weighs ``days`` (an average day weighs 1), and their sums."""
    total = math.fsum(weights) or 1.0
    scaled = array("d", (w * days / total for w in weights))
    cum, running = array("d"), 0.0
    for w in scaled:
        running += w
        cum.append(running)
    return scaled, cum


class Clock:
    """Second offsets as timestamp text, and times drawn from the calendar of each time zone."""

    def __init__(self, settings) -> None:
        days = (settings.end - settings.start).days + 1
        rates = settings.rates
        first = datetime(settings.start.year, settings.start.month, settings.start.day)
        self.day_text = [(first + timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(days)]
        sixty = [f"{n:02d}" for n in range(60)]
        self.time_text = [f"{h}:{m}:" + sec for h in sixty[:24] for m in sixty for sec in sixty]
        self.span = days * SECONDS_PER_DAY
        day_weight = day_weights(settings.seed, settings.start, days, rates)
        offsets, self.zone_of = geography.zones()
        tables = [cumulate(zone_hours(day_weight, rates.hour_weights, off), days) for off in offsets]
        self.weights = [w for w, _ in tables]
        self.cums = [c for _, c in tables]
        self._signup_table(rates.signup_growth, days)
        self.country_cums = [dist.cumulative(
            [weight * rates.hour_weights[(hour * 60 + 30 + geography.UTC_OFFSET_MINUTES[c]) // 60 % 24]
             for c, weight in zip(geography.COUNTRIES, geography.COUNTRY_WEIGHTS)])
            for hour in range(24)]

    def _signup_table(self, growth: float, days: int) -> None:
        """Signups: the countries' calendars mixed by country weight, growing as exp(g t)."""
        hours = days * 24
        mix = [0.0] * hours
        for zone, weight in zip(self.zone_of, geography.COUNTRY_WEIGHTS):
            table = self.weights[zone]
            for hour in range(hours):
                mix[hour] += weight * table[hour]
        for hour in range(hours):
            mix[hour] *= math.exp(growth * (hour + 0.5) / hours)
        self.signup_weight, self.signup_cum = cumulate(mix, days)

    def text(self, offset: int) -> str:
        day, second = divmod(offset, SECONDS_PER_DAY)
        return self.day_text[day] + self.time_text[second]

    def signup(self, u: float) -> int:
        """The signup time at quantile ``u`` of the signup curve (stratified by the caller)."""
        return _invert(self.signup_cum, self.signup_weight, u * self.signup_cum[-1], 0, self.span)

    def country_at(self, when: int, r: float) -> int:
        """A country index in proportion to its weight x its local hour's weight at ``when``."""
        cum = self.country_cums[when // 3600 % 24]
        index = bisect_right(cum, r * cum[-1])
        return index if index < len(cum) else len(cum) - 1

    def seasonal(self, zone: int, r: float, low: int) -> int:
        """The time in [low, span) at quantile ``r`` of the zone's hourly weights above ``low``."""
        cum, weights = self.cums[zone], self.weights[zone]
        before = self.position(zone, low)
        return _invert(cum, weights, before + r * (cum[-1] - before), low, self.span)

    def position(self, zone: int, when: int) -> float:
        """The cumulative weight (in average days) of the zone's calendar up to ``when``."""
        hour = when // 3600
        return ((self.cums[zone][hour - 1] if hour else 0.0)
                + self.weights[zone][hour] * (when - hour * 3600) / 3600)

    def advance(self, zone: int, when: int, gap: float) -> int:
        """The time ``gap`` average days of the zone's calendar after ``when``; -1 past the end."""
        cum = self.cums[zone]
        x = self.position(zone, when) + gap
        if x >= cum[-1]:
            return -1
        return _invert(cum, self.weights[zone], x, when, self.span)


def _invert(cum, weights, x: float, low: int, span: int) -> int:
    """The second at cumulative weight ``x``, clamped to [low, span)."""
    hour = bisect_right(cum, x)
    if hour >= len(cum):
        hour = len(cum) - 1
    base = cum[hour - 1] if hour else 0.0
    weight = weights[hour]
    when = hour * 3600 + (int((x - base) / weight * 3600) if weight > 0 else 0)
    return low if when < low else (when if when < span else span - 1)
