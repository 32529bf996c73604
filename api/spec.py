"""What an endpoint is: the ``Route`` record that the route table (``api.routes``), the OpenAPI
document (``api.openapi``) and the dispatcher (``api.app``) share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.handlers import Handler
from queries.params import Param

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Route:
    path: str
    name: str                               # operationId
    handler: Handler
    summary: str
    tag: str
    params: tuple[Param, ...] = ()
    response: dict[str, Any] = field(default_factory=dict)   # JSON Schema of the 200 body
    schemas: dict[str, Any] = field(default_factory=dict)    # components the response refers to
    example: str = ""                       # query string of the documented example
    description: str = ""
    database: bool = True                   # needs the database: 503 without one
    etag: str = "dataset"                   # dataset: from the data and the target; body; none
    cached: bool = False                    # keep the body by ETag (aggregates over a whole table)
    cache: str = "no-cache"
    media_type: str = JSON
    html_alternative: str = ""              # a client preferring text/html is sent here (303)
    csv: tuple[str, ...] | None = None      # also answers PATH.csv: these columns (empty: the body's)
    open_params: bool = False               # undeclared query parameters pass to the handler
