"""Report: the business checks and trends of a built database.

Owns: ``reporter`` (proves the checks, re-checks the CSVs against ``submission_meta`` and
writes ``report.md``/``report.json``) and ``anomaly_eval`` (scores the planted anomalies).
May import: the ``db`` core, ``queries`` and ``utils``; never another ``db`` sub-package.
"""
