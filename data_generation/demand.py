"""What sells: per-product demand weights, precomputed once as cumulative tables.

A product's weight is its Zipf popularity x price ** -elasticity x its top-level category's
demand weight. Countries differ in elasticity (``country_price_sensitivity``), so there is
one set of tables per distinct elasticity. Each set has four tables:

- kept / returned: the shape decides that a line is returned (``refund_rate``); the product
  of a returned line is drawn with weight x its category's return factor, of a kept line
  with weight x (1 - its return chance). Together that is the same as drawing the product
  first and then returning it with a chance that depends on its category.
- any / cheap: once a basket holds a line at or above ``expensive_price``, its other lines
  come from the products below it, so a typical basket holds at most one expensive item.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import NamedTuple, Optional

from data_generation.catalogue import Catalogue
from data_generation.pools import CATEGORY_TREE


class Table(NamedTuple):
    cum: array        # cumulative weights
    index: Optional[array]  # product index of each entry; None: every product, in order


class Demand:
    """``pick(r, level, returned, cheap)``: a product index; ``level`` from geography.sensitivities."""

    def __init__(self, catalogue: Catalogue, rates, levels: list[float]) -> None:
        names = [top.name for top in CATEGORY_TREE]
        demand = [rates.category_demand.get(n, 1.0) for n in names]
        factor = [rates.category_return_factors.get(n, 1.0) for n in names]
        prices = [p.price_cents / 100.0 for p in catalogue.products]
        self.expensive = [price >= rates.expensive_price for price in prices]
        self.tables: list[tuple[Table, Table, Table, Table]] = []
        for beta in levels:
            weight = [z * price ** -beta * demand[t]
                      for z, price, t in zip(catalogue.zipf, prices, catalogue.top)]
            total = sum(weight) or 1.0
            mean_factor = sum(w * factor[t] for w, t in zip(weight, catalogue.top)) / total or 1.0
            ret = [w * factor[t] for w, t in zip(weight, catalogue.top)]
            keep = [w * max(0.0, 1.0 - rates.refund_rate * factor[t] / mean_factor)
                    for w, t in zip(weight, catalogue.top)]
            self.tables.append((_table(keep, None), _table(ret, None),
                                _table(keep, self.expensive), _table(ret, self.expensive)))

    def pick(self, r: float, level: int, returned: bool, cheap: bool) -> int:
        table = self.tables[level][returned + 2 * cheap]
        cum = table.cum
        if not cum:  # nothing below the threshold: any product
            cum = self.tables[level][returned].cum
            table = self.tables[level][returned]
        i = bisect_right(cum, r * cum[-1])
        i = i if i < len(cum) else len(cum) - 1
        return i if table.index is None else table.index[i]


def _table(weights: list[float], excluded) -> Table:
    cum, index, total = array("d"), array("l"), 0.0
    for i, w in enumerate(weights):
        if excluded is not None and excluded[i]:
            continue
        if w > 0.0 or excluded is None:
            total += w
            cum.append(total)
            index.append(i)
    if cum and cum[-1] <= 0.0:  # every weight zero (a rate of 0): uniform
        cum = array("d", range(1, len(cum) + 1))
    # without exclusions every product has an entry, in order: no index array (6 MB at scale 100)
    return Table(cum, None if excluded is None else index)
