"""Named SQL queries (one per .sql file) and the runner that loads and exports them."""
