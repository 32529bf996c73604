"""Deterministic synthetic e-commerce data: pools, distributions, row builders, the writer."""
