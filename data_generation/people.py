"""Users as CSV text: names, e-mail, country and city, from the block's content stream.

The country comes from the shape (it decides the user's time zone, so their order times);
names and city come from that country's pools. Some users have no city (NULL), as real
sign-up forms leave it optional. E-mail addresses end in a number that is a bijection of the
user id modulo a prime (``(id x 104729) mod p``), so they stay unique without containing the id.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from random import Random
from typing import NamedTuple

from data_generation import distributions as dist
from data_generation.catalogue import next_prime
from data_generation.pools import EMAIL_DOMAINS, LOCALES

EMAIL_MULTIPLIER = 104_729


def csv_field(text: str) -> str:
    """``text`` exactly as ``csv.writer`` writes it as one field among others (quoted if needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, "x"])
    return buffer.getvalue()[:-3]


_NO_DECOMPOSITION = str.maketrans({"ß": "ss", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o",
                                   "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae"})


def ascii_slug(text: str) -> str:
    """'De Boer' -> 'deboer', 'Müller' -> 'muller', 'Michał' -> 'michal': safe for an e-mail
    local part (letters Unicode does not decompose are spelled out first)."""
    folded = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _Locale(NamedTuple):
    """A locale's pools as written: CSV fields and e-mail slugs, computed once."""
    country: str
    first: tuple[tuple[str, str], ...]     # (field, slug)
    last: tuple[tuple[str, str], ...]
    cities: tuple[str, ...]
    city_cum: list[float]
    surnames: int


def _locales() -> list[_Locale]:
    def named(names: tuple[str, ...], fallback: str) -> tuple[tuple[str, str], ...]:
        return tuple((csv_field(n), ascii_slug(n) or fallback) for n in names)
    return [_Locale(csv_field(loc.country), named(loc.first_names, "user"),
                    named(loc.last_names, "customer"), tuple(csv_field(c) for c, _ in loc.cities),
                    dist.cumulative([w for _, w in loc.cities]), loc.surnames) for loc in LOCALES]


def _plain(field: str) -> str:
    return field[1:-1].replace('""', '"') if field.startswith('"') else field


_DOMAIN_CUM = dist.cumulative([w for _, w in EMAIL_DOMAINS])


class People:
    """Renders a block's users."""

    def __init__(self, n_users: int, missing_city_rate: float) -> None:
        self.locales = _locales()
        prime = next_prime(max(4 * n_users + 1, 100_003))
        self.prime = prime if prime != EMAIL_MULTIPLIER else next_prime(prime + 1)
        self.missing_city = missing_city_rate

    def number(self, user_id: int) -> int:
        return user_id * EMAIL_MULTIPLIER % self.prime

    def users(self, rng: Random, first_user: int, signups: list[int], countries: list[int],
              text) -> str:
        out, random, missing = [], rng.random, self.missing_city
        for position, signup in enumerate(signups):
            user_id = first_user + position + 1
            loc = self.locales[countries[position]]
            first, f = dist.pick(rng, loc.first)
            last, l = dist.pick(rng, loc.last)
            if loc.surnames == 2:  # the father's and the mother's surname
                second, s = dist.pick(rng, loc.last)
                last, l = csv_field(f"{_plain(last)} {_plain(second)}"), l + s
            city = loc.cities[dist.weighted_index(rng, loc.city_cum)]
            if random() < missing:
                city = ""
            local = (f"{f}.{l}", f"{f}{l[0]}", f"{f[0]}{l}", f"{f}_{l}", f"{l}.{f}")[int(random() * 5)]
            domain = EMAIL_DOMAINS[dist.weighted_index(rng, _DOMAIN_CUM)][0]
            out.append(f"{user_id},{first},{last},{local}{self.number(user_id)}@{domain},"
                       f"{text(signup)},{loc.country},{city}\n")
        return "".join(out)
