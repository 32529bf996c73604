"""The catalogue: categories from the pools' tree and products with prices per product type.

It draws only from ``Random(f"{seed}:catalogue")``, so it is the same whichever blocks of
customers are built, and in whatever order. A product type (a leaf's noun, "Laptop") has
its own median price, drawn once around the leaf's log-normal median; a product's price
varies around its type's (so the same kind of thing never costs both 88 and 3,900). Names
end in a model code that is a bijection of the product id, so every name is unique.
Each product also gets a hidden quality (normal, ``quality_sigma``) that tilts its ratings.
"""
from __future__ import annotations

from random import Random
from typing import NamedTuple

from data_generation import distributions as dist
from data_generation.model import Product, Settings
from data_generation.pools import BRANDS, CATEGORY_TREE

TYPE_SPREAD = 0.8      # share of a leaf's log-price spread between its product types
PRODUCT_SPREAD = 0.5   # share left to the products of one type
MODEL_MULTIPLIER = 7919


class Catalogue(NamedTuple):
    categories: list[tuple[int, str, int | None]]
    products: list[Product]
    popularity: list[float]    # cumulative Zipf weights over ``products``
    zipf: list[float]          # each product's own Zipf weight
    top: list[int]             # each product's top-level category index (0-based)
    noun: list[str]            # each product's type, as review titles mention it
    quality: list[float]       # each product's hidden quality (0 is average)


def build_categories() -> list[tuple[int, str, int | None]]:
    """Top-level categories first (ids 1..5), then the leaves of each in tree order."""
    rows: list[tuple[int, str, int | None]] = []
    for top in CATEGORY_TREE:
        rows.append((len(rows) + 1, top.name, None))
    for top_index, top in enumerate(CATEGORY_TREE):
        for leaf in top.leaves:
            rows.append((len(rows) + 1, leaf.name, top_index + 1))
    return rows


def leaf_table() -> list[tuple[int, int, object]]:
    """(category_id, top index, Leaf) for every leaf, in the id order of ``build_categories``."""
    leaves, next_id = [], len(CATEGORY_TREE) + 1
    for top_index, top in enumerate(CATEGORY_TREE):
        for leaf in top.leaves:
            leaves.append((next_id, top_index, leaf))
            next_id += 1
    return leaves


def retail_cents(rng: Random, price: float) -> int:
    """Retail rounding: x.99 (or whole) above 10, multiples of 5 cents below."""
    if price >= 10.0:
        whole = max(10, round(price))
        return whole * 100 - 1 if dist.chance(rng, 0.7) else whole * 100
    return max(50, 5 * round(price * 20))


def next_prime(n: int) -> int:
    """The smallest prime >= n (n >= 2)."""
    while any(n % d == 0 for d in range(2, int(n ** 0.5) + 1)):
        n += 1
    return n


def model_code(product_id: int, prime: int) -> str:
    """'KX-118': distinct for distinct ids below ``prime`` (multiplication mod a prime)."""
    v = product_id * MODEL_MULTIPLIER % prime
    return f"{chr(65 + v % 26)}{chr(65 + v // 26 % 26)}-{100 + v // 676}"


def type_medians(rng: Random, leaves) -> list[list[float]]:
    """Each leaf's product types' median prices (z clipped to +-1.5 spreads)."""
    out = []
    for _, _, leaf in leaves:
        out.append([leaf.median_price * dist.exp_clip(TYPE_SPREAD * leaf.price_sigma,
                                                      dist.normal(rng)) for _ in leaf.nouns])
    return out


def build_catalogue(settings: Settings) -> Catalogue:
    rng = Random(f"{settings.seed}:catalogue")
    leaves = leaf_table()
    medians = type_medians(rng, leaves)
    leaf_cum = dist.cumulative([leaf.weight for _, _, leaf in leaves])
    prime = next_prime(max(settings.n_products + 1, 10_007))
    products, top, noun, quality = [], [], [], []
    sigma = settings.rates.quality_sigma
    for product_id in range(1, settings.n_products + 1):
        index = dist.weighted_index(rng, leaf_cum)
        category_id, top_index, leaf = leaves[index]
        kind = int(rng.random() * len(leaf.nouns))
        price = medians[index][kind] * dist.exp_clip(PRODUCT_SPREAD * leaf.price_sigma,
                                                     dist.normal(rng))
        name = (f"{dist.pick(rng, BRANDS)} {dist.pick(rng, leaf.modifiers)} {leaf.nouns[kind]} "
                f"{model_code(product_id, prime)}")
        products.append(Product(product_id, name, category_id, retail_cents(rng, price)))
        top.append(top_index)
        noun.append(leaf.nouns[kind])
        quality.append(sigma * dist.normal(rng))
    ranks = dist.permutation(rng, len(products))
    exponent = settings.rates.popularity_exponent
    zipf = [1.0 / (rank + 1) ** exponent for rank in ranks]
    return Catalogue(build_categories(), products, dist.cumulative(zipf), zipf, top, noun, quality)
