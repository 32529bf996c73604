"""The error a request can end in: it carries its HTTP status and a stable error code."""
from __future__ import annotations

from http import HTTPStatus

from utils.errors import KitError


class RequestError(KitError):
    """A request that cannot be answered with content; the server sends it as JSON."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": str(self)}}


def bad_parameter(message: str) -> RequestError:
    return RequestError(HTTPStatus.BAD_REQUEST, "bad_parameter", message)


def not_found(message: str) -> RequestError:
    return RequestError(HTTPStatus.NOT_FOUND, "not_found", message)


def unavailable(code: str, message: str) -> RequestError:
    return RequestError(HTTPStatus.SERVICE_UNAVAILABLE, code, message)
