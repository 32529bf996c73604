"""Deterministic synthetic e-commerce data: pools, distributions, row builders, the writer.

Owns: ``pools`` (value pools as data), ``distributions`` (draws built on ``random()``),
``model`` (settings, rates, clock, product), ``catalogue`` (categories and products),
``generator`` (blocks of customers), ``anomalies`` (planted patterns), ``parallel`` (blocks
built in worker processes) and ``writer`` (CSVs, labels, manifest). May import: ``utils``.
"""
