"""Data dictionary: ``docs/data_dictionary.md`` generated from ``schema.sql`` and checked for
staleness. Imports the ``db`` core and ``utils``.
"""
