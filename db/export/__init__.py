"""Export: the database as JSON, JSONL, a SQLite dump and a PostgreSQL kit, and their check.

Owns: ``exporter`` (writes every format, staged and swapped in), ``readers`` (reads each
format back, streaming), ``postgres`` (the PostgreSQL schema and load script), ``pgparts`` (a psql kit loading the
generator's CSVs, or their parts concurrently, in place) and
``verify`` (an export against the database, by canonical checksums).
May import: the ``db`` core and ``utils``; never ``queries`` or another ``db`` sub-package.
"""
