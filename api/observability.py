"""The outermost ASGI layer: a request id for every request, and its metrics.

The id is the client's `X-Request-ID` when it is a sane token (a proxy in front may have
set it), else a new one; it is echoed in the response's `X-Request-ID` and carried by every
log line the request causes (`alesco.logs.REQUEST_ID`). Metrics are recorded per route
template (`/v1/proposals/{number}`), never per raw path, so they stay bounded.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Mapping, Sequence

from starlette.routing import BaseRoute, Match
from starlette.types import Message, Receive, Scope, Send

from alesco.logs import REQUEST_ID
from api.edge import Edge
from api.metrics import ApiMetrics
from api.wire_answers import WireAnswer, WireAnswers

REQUEST_ID_HEADER = b"x-request-id"
SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
UNMATCHED = "unmatched"
MAX_KNOWN_PATHS = 4096


class RequestIds:
    """Request ids unique across processes and cheap: a random prefix per process, then a
    count (a fresh random id per request cost a system call each)."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(4)
        self._count = itertools.count(1)

    def new(self) -> str:
        return f"{self._prefix}{next(self._count):08x}"


def _sane_id(value: bytes | None) -> str | None:
    return value.decode("ascii") if value and SANE_REQUEST_ID.fullmatch(value) else None


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return _sane_id(value)
    return None


class ObservedApp:
    def __init__(self, app: Edge, routes: Sequence[BaseRoute], metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._routes = routes
        self._route_of_path: dict[str, str] = {}
        self.wire = WireAnswers(app)
        self.early_answers = 0  # cache hits answered through `answer_whole`
        self._ids = RequestIds()

    def answer_whole(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: Mapping[bytes, bytes],
        scheme: str | None,
        body: bytes = b"",
    ) -> tuple[WireAnswer, bytes] | None:
        """A cache hit answered without ASGI (`api.fast_protocol`), and its request id, with
        the same metrics as `__call__` gives it; None when the request must go through
        `__call__`. `scheme` is None when a proxy may yet change it."""
        template = self._route_of_path.get(path)
        if template is None:
            return None
        started = time.perf_counter()
        answer = self.wire.answer(method, path, query_string, headers, scheme, body)
        if answer is None:
            return None
        request_id = _sane_id(headers.get(REQUEST_ID_HEADER)) or self._ids.new()
        self.early_answers += 1
        self.metrics.observe(template, method, answer.status, time.perf_counter() - started)
        return answer, request_id.encode("ascii")

    def route_template(self, scope: Scope) -> str:
        path: str = scope["path"]
        known = self._route_of_path.get(path)
        if known is not None:
            return known
        template = UNMATCHED
        for route in self._routes:
            match, _ = route.matches(scope)
            if match != Match.NONE:
                template = getattr(route, "path", UNMATCHED)
                break
        if len(self._route_of_path) >= MAX_KNOWN_PATHS:
            self._route_of_path.clear()
        self._route_of_path[path] = template
        return template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _incoming_id(scope) or self._ids.new()
        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list: the edge's cached headers are shared by every answer.
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
            method = scope["method"] if scope["method"] in METHODS else "other"
            elapsed = time.perf_counter() - started
            self.metrics.observe(self.route_template(scope), method, status, elapsed)
