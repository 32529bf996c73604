"""Deterministic synthetic e-commerce data: pools, distributions, row builders, the writer.

Owns: ``pools``, ``names`` and ``texts`` (value pools as data), ``distributions`` (draws
built on ``random()``), ``model`` (settings, rates, product), ``calendar`` (the clock: dates,
events, noise and time zones), ``geography`` (countries' offsets, payment mixes, spend),
``catalogue`` (categories and products), ``demand`` (what sells), ``shape`` and
``lifecycle`` (every row count and the order lifecycle), ``generator``, ``people`` and
``reviews`` (blocks of customers as text), ``anomalies`` (planted patterns), ``parallel``
(blocks built in worker processes) and ``writer`` (CSVs, labels, manifest).
May import: ``utils``.
"""
