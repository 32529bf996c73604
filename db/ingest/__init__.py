"""Ingest: loads the CSVs into a new SQLite database in one transaction, validates every value
and business check, and records each file in ``submission_meta``. Imports the ``db`` core and
``utils``.
"""
