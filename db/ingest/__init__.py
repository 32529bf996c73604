"""Ingest: the CSVs into a new SQLite database, in one transaction, all or nothing.

Owns: ``loader`` (the build and the swap), ``csvload`` (one CSV read against its table),
``fastpath`` (the whole-line pattern of plain values), ``values`` (strict conversion of one
value), ``locate`` (the error path: line and column of a fault), ``validation`` (constraints,
calendar, foreign keys, counts and business checks before the commit) and ``provenance``
(the manifest read and ``submission_meta`` written).
May import: the ``db`` core and ``utils``; never ``queries`` or another ``db`` sub-package.
"""
