"""The database core: the schema (``schema.sql``) and its introspection, the read-only
connection, the business checks (``checks/*.sql``), ``submission_meta``, the canonical row
order and ``sources`` (where a dataset's CSVs are: one directory or its K parts).
May import only ``utils``.

Each job on the database is a sub-package that imports the core and ``utils`` (``report``
also ``queries``), never another sub-package: ``ingest`` (CSVs into SQLite), ``report``
(checks and trends), ``export`` (JSON, JSONL, dump, PostgreSQL; verify), ``profile``
(per-column statistics) and ``dictionary`` (the data dictionary from the schema).
"""
