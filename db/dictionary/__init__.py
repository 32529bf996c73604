"""Data dictionary: ``docs/data_dictionary.md`` generated from ``schema.sql``.

Owns: ``markdown`` (renders the dictionary and tells whether the committed one is stale).
May import: the ``db`` core and ``utils``; never ``queries`` or another ``db`` sub-package.
"""
