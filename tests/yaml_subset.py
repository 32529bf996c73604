"""A strict loader for the YAML subset our workflow uses (standard library only).

Block mappings and sequences by indentation, ``key: value`` scalars, ``[a, b]`` flow
sequences, quoted strings, ``|`` block scalars and comments. Anything else (tabs, anchors,
flow mappings, bad indentation, duplicate keys) raises ValueError: a file this accepts is
valid YAML with the structure the tests assert.
"""
from __future__ import annotations

import re
from typing import Any

_KEY = re.compile(r"^([A-Za-z0-9_.-]+|\"[^\"]*\"):(?:\s+(.*))?$")


def _strip_comment(line: str) -> str:
    out, quote = [], None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] == " "):
            break
        out.append(ch)
    return "".join(out).rstrip()


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") :
        if not text.endswith("]"):
            raise ValueError(f"unterminated flow sequence: {text}")
        return [_scalar(part) for part in text[1:-1].split(",") if part.strip()]
    if text[:1] in "'\"":
        if text[-1:] != text[0] or len(text) < 2:
            raise ValueError(f"unterminated string: {text}")
        return text[1:-1]
    if text.startswith(("{", "&", "*", "!")):
        raise ValueError(f"unsupported YAML: {text}")
    return text


def load(text: str) -> Any:
    if "\t" in text:
        raise ValueError("tabs are not allowed in YAML indentation")
    lines = [(len(l) - len(l.lstrip(" ")), l.strip(), l) for l in
             (_strip_comment(raw) for raw in text.splitlines()) if l.strip()]
    value, end = _block(lines, 0, 0)
    if end != len(lines):
        raise ValueError(f"unexpected indentation at: {lines[end][1]}")
    return value


def _block(lines, i: int, indent: int):
    if lines[i][1].startswith("- "):
        return _sequence(lines, i, indent)
    return _mapping(lines, i, indent)


def _mapping(lines, i: int, indent: int):
    out: dict[str, Any] = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
        match = _KEY.match(lines[i][1])
        if not match:
            raise ValueError(f"not a 'key: value' line: {lines[i][1]}")
        key, rest = match.group(1).strip('"'), match.group(2)
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        i += 1
        if rest == "|":
            body = []
            while i < len(lines) and lines[i][0] > indent:
                body.append(lines[i][2][lines[i][0]:] if not body else lines[i][2])
                i += 1
            out[key] = "\n".join(body)
        elif rest:
            out[key] = _scalar(rest)
        elif i < len(lines) and lines[i][0] > indent:
            out[key], i = _block(lines, i, lines[i][0])
        else:
            out[key] = None
    return out, i


def _sequence(lines, i: int, indent: int):
    out: list[Any] = []
    while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
        item = lines[i][1][2:]
        inner = indent + 2
        if _KEY.match(item):  # "- key: value" starts a mapping indented by two
            lines = lines[:i] + [(inner, item, " " * inner + item)] + lines[i + 1:]
            value, i = _mapping(lines, i, inner)
        else:
            value, i = _scalar(item), i + 1
        out.append(value)
    return out, i
