"""Reviews as CSV text: ratings that depend on the product and the delivery, and sparse titles.

A rating is drawn from the on-time or late star weights (a late delivery weighs heavily
toward one star), tilted by the product's hidden quality q: star k's weight is multiplied
by exp(q (k - 3) / 2). Most reviews have no title (NULL, as in Olist, where 88% have none);
a title is a template for its star level, some naming the product type, with varied
punctuation and case.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from random import Random

from data_generation import distributions as dist
from data_generation.catalogue import Catalogue
from data_generation.people import csv_field
from data_generation.texts import REVIEW_TITLES, TITLE_ENDINGS


class Reviews:
    """Renders a block's reviews; per-product rating tables are built on first use."""

    def __init__(self, catalogue: Catalogue, rates) -> None:
        self.cat = catalogue
        self.base = (rates.rating_weights_on_time, rates.rating_weights_late)
        self.title_share = rates.review_title_share
        self.tables: dict[tuple[int, bool], list[float]] = {}
        self.fields: dict[tuple[str, str], str] = {}

    def rating(self, rng: Random, product: int, late: bool) -> int:
        key = (product, late)
        cum = self.tables.get(key)
        if cum is None:
            q = self.cat.quality[product]
            cum = dist.cumulative([w * math.exp(q * (k - 2) / 2)
                                   for k, w in enumerate(self.base[late])])
            self.tables[key] = cum
        index = bisect_right(cum, rng.random() * cum[-1])
        return (index if index < len(cum) else len(cum) - 1) + 1

    def title(self, rng: Random, product: int, rating: int) -> str:
        if rng.random() >= self.title_share:
            return ""
        template = dist.pick(rng, REVIEW_TITLES[rating - 1])
        text = template.replace("{noun}", _mention(self.cat.noun[product]))
        ending = dist.pick(rng, TITLE_ENDINGS)
        if rng.random() < 0.15:
            text = text.lower()
        key = (text, ending)
        field = self.fields.get(key)
        if field is None:
            field = self.fields[key] = csv_field(text + ending)
        return field

    def render(self, rng: Random, first_user: int, shape, products: list[list[int]],
               review_id: int, text) -> str:
        out = []
        for position, line, at in shape.reviews:
            review_id += 1
            order = shape.orders[position]
            product_id = products[position][line]
            rating = self.rating(rng, product_id - 1, order.late)
            title = self.title(rng, product_id - 1, rating)
            out.append(f"{review_id},{product_id},{first_user + order.user + 1},"
                       f"{rating},{text(at)},{title}\n")
        return "".join(out)


def _mention(noun: str) -> str:
    """'Bluetooth Speaker' -> 'bluetooth speaker'; acronyms ('DSLR', '4K') stay."""
    return " ".join(w if w.isupper() or any(c.isdigit() for c in w) else w.lower()
                    for w in noun.split())
