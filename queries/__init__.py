"""Named SQL queries (one per .sql file) and the runner that loads, binds and exports them.

Owns: ``runner`` (reads a query's header, runs it, writes CSV/JSON) and ``params`` (the one
parameter system, for the command line and the API). May import: the ``db`` core and ``utils``.
"""
