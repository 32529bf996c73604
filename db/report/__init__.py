"""Report: the business checks and trends of a built database.

Owns: ``reporter`` (proves the checks, re-checks the CSVs against ``submission_meta`` and
builds the report), ``render`` (writes ``report.md``/``report.json``), ``anomaly_eval``
(scores the planted anomalies), ``realism`` (the realism scorecard) and ``tally``.
May import: the ``db`` core, ``queries`` and ``utils``; never another ``db`` sub-package.
"""
