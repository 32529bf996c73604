"""The project's own benchmark: python bench/run.py (or python -m bench)."""
