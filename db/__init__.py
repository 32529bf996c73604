"""The database core: the schema (``schema.sql``) and its introspection, the read-only
connection, the business checks (``checks/*.sql``), ``submission_meta`` and the canonical row
order. May import only ``utils``.

Each job on the database is a sub-package that imports the core and ``utils`` (``report``
also ``queries``), never another sub-package: ``ingest`` (CSVs into SQLite), ``report``
(checks and trends), ``export`` (JSON, JSONL, dump, PostgreSQL; verify), ``profile``
(per-column statistics) and ``dictionary`` (the data dictionary from the schema).
"""
