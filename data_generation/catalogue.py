"""The catalogue: categories from the pools' tree and products with log-normal prices.

It draws only from ``Random(f"{seed}:catalogue")``, so it is the same whichever blocks of
customers are built, and in whatever order.
"""
from __future__ import annotations

from random import Random
from typing import NamedTuple

from data_generation import distributions as dist
from data_generation.model import Product, Settings
from data_generation.pools import BRANDS, CATEGORY_TREE


class Catalogue(NamedTuple):
    categories: list[tuple[int, str, int | None]]
    products: list[Product]
    popularity: list[float]    # cumulative Zipf weights over ``products``



def build_categories() -> list[tuple[int, str, int | None]]:
    """Top-level categories first (ids 1..5), then the leaves of each in tree order."""
    rows: list[tuple[int, str, int | None]] = []
    for top in CATEGORY_TREE:
        rows.append((len(rows) + 1, top.name, None))
    for top_index, top in enumerate(CATEGORY_TREE):
        for leaf in top.leaves:
            rows.append((len(rows) + 1, leaf.name, top_index + 1))
    return rows


def leaf_table() -> list[tuple[int, object]]:
    """(category_id, Leaf) for every leaf, in the id order of ``build_categories``."""
    leaves, next_id = [], len(CATEGORY_TREE) + 1
    for top in CATEGORY_TREE:
        for leaf in top.leaves:
            leaves.append((next_id, leaf))
            next_id += 1
    return leaves


def price_cents(rng: Random, median: float, sigma: float) -> int:
    """A log-normal price with retail rounding: x.99 above 10, multiples of 5 cents below."""
    price = dist.lognormal(rng, median, sigma)
    if price >= 10.0:
        whole = max(10, round(price))
        return whole * 100 - 1 if dist.chance(rng, 0.7) else whole * 100
    return max(50, 5 * round(price * 20))


def build_catalogue(settings: Settings) -> Catalogue:
    rng = Random(f"{settings.seed}:catalogue")
    leaves = leaf_table()
    leaf_cum = dist.cumulative([leaf.weight for _, leaf in leaves])
    products = []
    for product_id in range(1, settings.n_products + 1):
        category_id, leaf = leaves[dist.weighted_index(rng, leaf_cum)]
        name = f"{dist.pick(rng, BRANDS)} {dist.pick(rng, leaf.modifiers)} {dist.pick(rng, leaf.nouns)}"
        products.append(Product(product_id, name, category_id,
                                price_cents(rng, leaf.median_price, leaf.price_sigma)))
    ranks = dist.permutation(rng, len(products))
    exponent = settings.rates.popularity_exponent
    popularity = dist.cumulative([1.0 / (rank + 1) ** exponent for rank in ranks])
    return Catalogue(build_categories(), products, popularity)
