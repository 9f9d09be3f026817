"""Whole bodies over ASGI, for layers that must see an answer or a request in full: an
inner app's answer buffered, a body already read handed on, a large body sent in parts
and a request body read within a limit.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SEND_PART = 64 * 1024  # bodies larger than this are sent in parts of this size
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body


async def collect_answer(
    app: ASGIApp, scope: Scope, receive: Receive
) -> tuple[int, list[Any], bytes]:
    """Run the inner app and buffer its whole answer."""
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(scope, receive, capture)
    except Exception:
        # Starlette answers an unexpected error through its handler (a logged 500 problem),
        # then raises it again for the server to see; the answer is what matters here.
        if "status" not in started:
            raise
    return started.get("status", 500), list(started.get("headers", [])), b"".join(chunks)


def replay_body(body: bytes) -> Receive:
    """A `receive` that hands the app a body we already read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def send_answer(send: Send, answer: Answer) -> None:
    status, headers, body = answer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send_body(send, body)


async def send_body(send: Send, body: bytes) -> None:
    """A large body in parts: the server waits for a slow reader to drain each, so such a
    client holds one part of it in memory here, not the whole."""
    if len(body) <= SEND_PART:
        await send({"type": "http.response.body", "body": body})
        return
    for start in range(0, len(body), SEND_PART):
        end = start + SEND_PART
        part = body[start:end]
        await send({"type": "http.response.body", "body": part, "more_body": end < len(body)})


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it exceeds `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
