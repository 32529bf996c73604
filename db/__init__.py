"""The database side: schema introspection, CSV loading, integrity checks, the report."""
