"""Report: proves the business checks on a built database, re-checks the CSVs against
``submission_meta``, scores the planted anomalies and writes ``report.md``/``report.json``.
Imports the ``db`` core, ``queries`` and ``utils``.
"""
