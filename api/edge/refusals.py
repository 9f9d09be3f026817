"""Problem answers given before any route runs: by the server's limits (`api.edge.connection_guard`)
and the outer ASGI layer (`api.edge.observability`).

The document of `api.formats.problems.problem_bytes`, with its headers as bytes: some are written
straight to the socket (a request too big to parse has no ASGI scope). Never cached.
"""

from __future__ import annotations

from starlette.types import Send

from api.formats.problems import problem_bytes

CORS_HEADERS = ((b"access-control-allow-origin", b"*"),)


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
    body = problem_bytes(status, detail, instance)
    headers = problem_headers(body, extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else body})
