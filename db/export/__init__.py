"""Export: writes the database as JSON, JSONL, a SQLite dump and a PostgreSQL kit, and
verifies any export against the database. Imports the ``db`` core and ``utils``.
"""
