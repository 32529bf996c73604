"""Deterministic synthetic e-commerce data: pools, distributions, row builders, the writer.

Owns: ``pools``, ``names`` and ``texts`` (value pools as data), ``distributions`` (draws
built on ``random()``), ``model`` (settings, rates, product), ``calendar`` (the clock: dates,
events, noise and time zones), ``geography`` (countries' offsets, payment mixes, spend),
``catalogue`` (categories and products), ``demand`` (what sells), ``shape`` and
``fulfilment`` (every row count and each order's fulfilment), ``generator``, ``people`` and
``reviews`` (blocks of customers as text), ``anomalies`` (planted patterns), ``parallel``
(blocks built in worker processes), ``writer`` (CSVs, labels, manifest), ``lifecycle`` (each
row's history over the window) and ``changes`` (as-of snapshots and change batches).
May import: ``utils``.
"""
