"""Profile: per-column statistics of a built database.

Owns: ``profiler`` (walks the tables, writes ``profile.json`` and ``profile.html``),
``columns`` (the statistics of one column) and ``page`` (the static HTML page).
May import: the ``db`` core and ``utils``; never ``queries`` or another ``db`` sub-package.
"""
