"""RFC 9457 problem details: every error response of the API, mapped in one place.

Handlers per class: `BadParameter` -> 400 naming the parameter in `invalid-params`;
`NotFound` and Starlette's routing errors (404, 405) -> their status; anything else ->
a generic 500 whose body never carries the exception text (the traceback is logged).

A problem may carry any string a client sent (lone surrogates included): it is written
with `alesco.safe_json`, so writing it cannot fail. It echoes at most a prefix of long
input (`shown`), and leaves out `instance` (optional in RFC 9457) for paths too long to
be worth repeating, so an error answer stays small whatever the request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from alesco.errors import AlescoError
from alesco.read.cursor import InvalidCursor
from alesco.safe_json import dumps

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
SHOWN_CHARACTERS = 40  # of a client's value, in a problem's text
MAX_INSTANCE_LENGTH = 2048  # longer paths are not repeated back


def shown(value: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`value` quoted for a message, cut to its first `limit` characters (marked `…`)."""
    return repr(value[:limit]) + ("…" if len(value) > limit else "")


class BadParameter(AlescoError):
    """A request parameter is missing, unknown or has a value we cannot use."""

    reason = "bad_parameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class NotFound(AlescoError):
    """The addressed resource does not exist."""

    reason = "not_found"


def problem_bytes(
    status: int, detail: str, instance: str | None = None, extra: dict[str, Any] | None = None
) -> bytes:
    """The problem document, as every error answer of the API writes it (`api.edge.refusals`
    too, before any route runs); `instance` left out when None or too long."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance is not None and len(instance) <= MAX_INSTANCE_LENGTH:
        body["instance"] = instance
    return dumps({**body, **(extra or {})}, option=orjson.OPT_INDENT_2) + b"\n"


def problem_response(
    request: Request,
    status: int,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The problem+json answer; never fails, whatever strings `detail` and `extra` hold."""
    return Response(
        problem_bytes(status, detail, request.url.path, extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


async def handle_bad_parameter(request: Request, error: Exception) -> Response:
    if not isinstance(error, BadParameter):
        raise TypeError(error)
    return problem_response(
        request,
        400,
        f"Invalid parameter {error.parameter!r}: {error.message}",
        {"invalid-params": [{"name": error.parameter, "reason": error.message}]},
    )


async def handle_invalid_cursor(request: Request, error: Exception) -> Response:
    """A cursor that decodes but does not fit the list (another list's, or tampered)."""
    return await handle_bad_parameter(request, BadParameter("cursor", str(error)))


async def handle_not_found(request: Request, error: Exception) -> Response:
    return problem_response(request, 404, str(error))


async def handle_http_exception(request: Request, error: Exception) -> Response:
    if not isinstance(error, HTTPException):
        raise TypeError(error)
    status = error.status_code
    if status == 404:
        detail = f"No route matches {shown(request.url.path, 100)}; see / for the API's routes."
    elif status == 405:
        detail = f"{request.method} is not allowed here; this API is read-only."
    else:
        detail = TITLES.get(status, "Error")
    return problem_response(request, status, detail, headers=error.headers)


async def handle_unexpected(request: Request, error: Exception) -> Response:
    logger.error("request.failed", exc_info=error, extra={"path": request.url.path})
    return problem_response(request, 500, "The server failed to answer; it has been logged.")


EXCEPTION_HANDLERS = {
    BadParameter: handle_bad_parameter,
    InvalidCursor: handle_invalid_cursor,
    NotFound: handle_not_found,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
