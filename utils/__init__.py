"""Shared helpers: configuration, errors, file I/O, locking and CLI scaffolding."""
