"""Problem answers given before any route runs: by the server's limits (`api.connection_guard`)
and the outer ASGI layer (`api.observability`).

Same RFC 9457 shape as `api.problems`, built as bytes because some are written straight to
the socket (a request too big to parse has no ASGI scope). Never cached (`no-store`).
"""

from __future__ import annotations

import orjson
from starlette.types import Send

from alesco.safe_json import dumps

TITLES = {
    400: "Bad Request",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    503: "Service Unavailable",
}
CORS_HEADERS = ((b"access-control-allow-origin", b"*"),)
MAX_INSTANCE_LENGTH = 2048  # longer paths are not repeated back (as in `api.problems`)


def problem_body(status: int, detail: str, instance: str | None = None) -> bytes:
    problem: dict[str, object] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance is not None and len(instance) <= MAX_INSTANCE_LENGTH:
        problem["instance"] = instance
    return dumps(problem, option=orjson.OPT_INDENT_2) + b"\n"


def problem_headers(
    body: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()
) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"application/problem+json"),
        (b"content-length", b"%d" % len(body)),
        (b"cache-control", b"no-store"),
        *CORS_HEADERS,
        *extra,
    ]


def problem_head(body: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
    """The header lines of a refusal written to the socket; the connection closes after."""
    lines = problem_headers(body, (*extra, (b"connection", b"close")))
    return b"".join(b"%s: %s\r\n" % line for line in lines)


async def send_problem(
    send: Send,
    status: int,
    detail: str,
    instance: str,
    extra: tuple[tuple[bytes, bytes], ...] = (),
    head_only: bool = False,
) -> None:
    body = problem_body(status, detail, instance)
    headers = problem_headers(body, extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else body})
