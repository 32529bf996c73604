"""One read of a CSV for the report: its SHA-256 and its number of data rows together.

The row count is the number of records ``csv.reader`` sees, less the header. A file with
no quote, no carriage return and no blank line has one record per line, so its lines are
counted in the hashing pass; any other file is counted again by ``csv.reader``.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
from pathlib import Path
from typing import Optional

from utils.fileio import CHUNK, open_input


def hash_and_count(path: Path) -> tuple[str, Optional[int]]:
    """The file's SHA-256 and its data rows (None if it is not readable UTF-8 CSV)."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    newlines, last, plain, utf8 = 0, b"", True, True
    with open_input(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            if plain and (b'"' in block or b"\r" in block or b"\n\n" in block
                          or (last in (b"", b"\n") and block[:1] == b"\n")):
                plain = False  # csv's rules decide what a record is
            newlines += block.count(b"\n")
            last = block[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        utf8 = False
    if not utf8:
        return digest.hexdigest(), None
    if not plain:
        return digest.hexdigest(), count_records(path)
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    return digest.hexdigest(), max(0, lines - 1)


def count_records(path: Path) -> Optional[int]:
    """Data rows as csv.reader counts them: non-empty records less the header."""
    try:
        with open_input(path, "r", encoding="utf-8-sig", newline="") as handle:
            return max(0, sum(1 for fields in csv.reader(handle) if fields) - 1)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
