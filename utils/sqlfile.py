"""SQL files with a header: leading ``-- key: value`` comment lines describe the file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from utils.errors import KitError, os_reason
from utils.fileio import read_input_text

_HEADER = re.compile(r"^--\s*([a-z_]+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class SqlFile:
    path: Path
    header: dict[str, str]
    sql: str

    def require(self, key: str) -> str:
        value = self.header.get(key)
        if not value:
            raise KitError(f"{self.path}: header line '-- {key}: ...' is missing")
        return value


def read_sql_file(path: Path) -> SqlFile:
    try:
        text = read_input_text(path)
    except OSError as exc:
        raise KitError(f"cannot read {path}: {os_reason(exc)}") from None
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.startswith("--"):
                continue  # a free comment inside the header
            break
        key, value = match.groups()
        header[key] = f"{header[key]} {value}" if key in header else value
    return SqlFile(Path(path), header, text)
