"""The API's JSON: the same bytes as ``utils.fileio.to_json``, written faster.

``to_json`` (indent 2, short scalar lists on one line, Decimals exact) is the kit's one
JSON layout; it encoded each scalar through ``json.JSONEncoder.encode``, which builds an
iterator per call and was half of a detail request's time. Here each scalar type has its
direct form (the C string encoder, ``int.__repr__``, ``float.__repr__``), which are what
``json`` itself writes; tests/test_api_encode.py checks byte identity on every endpoint.
"""
from __future__ import annotations

import json.encoder
from decimal import Decimal
from typing import Any

from utils.fileio import to_json

_STRING = json.encoder.encode_basestring   # what JSONEncoder(ensure_ascii=False) uses
_CONTAINERS = (dict, list, tuple)


def api_json(value: Any) -> str:
    """``to_json(value)``, byte for byte."""
    return _encode(value, 0) + "\n"


def _scalar(value: Any) -> str:
    direct = _DIRECT.get(type(value))
    if direct is not None:
        return direct(value)
    if type(value) is float and value - value == 0:   # finite: NaN and infinities go
        return float.__repr__(value)                  # the slow way, as to_json does
    return to_json(value)[:-1]                         # anything else: exactly as to_json


_DIRECT = {str: _STRING, int: int.__repr__, type(None): lambda v: "null",
           bool: lambda v: "true" if v else "false", Decimal: lambda v: format(v, "f")}


def _encode(value: Any, level: int) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        parts = [f"{_STRING(str(k))}: "
                 f"{_encode(v, level + 1) if isinstance(v, _CONTAINERS) else _scalar(v)}"
                 for k, v in value.items()]
        return "{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if len(value) <= 12 and not any(isinstance(v, _CONTAINERS) for v in value):
            return "[" + ", ".join(_scalar(v) for v in value) + "]"
        inner = "\n" + "  " * (level + 1)
        if all(type(v) is dict and v for v in value):
            return "[" + inner + ("," + inner).join(_rows(value, level + 1)) + "\n" + "  " * level + "]"
        return ("[" + inner + ("," + inner).join(_encode(v, level + 1) for v in value)
                + "\n" + "  " * level + "]")
    return _scalar(value)


def _rows(rows: list[dict[str, Any]], level: int) -> list[str]:
    """A list of objects (a page of rows): each key's text is written once per list."""
    inner = "\n" + "  " * (level + 1)
    keys: dict[str, str] = {}
    out = []
    for row in rows:
        parts = []
        for k, v in row.items():
            text = keys.get(k)
            if text is None:
                text = keys[k] = f"{_STRING(str(k))}: "
            direct = _DIRECT.get(type(v))
            parts.append(text + (direct(v) if direct is not None else
                                 _encode(v, level + 1) if isinstance(v, _CONTAINERS)
                                 else _scalar(v)))
        out.append("{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}")
    return out
