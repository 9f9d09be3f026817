"""The outermost ASGI layer: a request id for every request, and its metrics.

The id is the client's `X-Request-ID` when it is a sane token (a proxy in front may have
set it), else a new one; it is echoed in the response's `X-Request-ID` and carried by every
log line the request causes (`alesco.logs.REQUEST_ID`). Metrics are recorded per route
template (`/v1/proposals/{number}`), never per raw path, so they stay bounded.

It is also where a request is first refused, before the edge cache or a route sees it: a
repeated header that decides answers (`api.edge.header_reading`) is a 400, and past
`max_concurrent` requests being computed at once, a 503 with `Retry-After` (cache hits
answered by `api.edge.fast_protocol` cost nothing and are never refused).
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
from api.edge.cache import Edge
from api.edge.header_reading import duplicate_detail, duplicated_header
from api.edge.refusals import send_problem
from api.edge.wire_answers import WireAnswer, WireAnswers
from api.metrics import ApiMetrics

REQUEST_ID_HEADER = b"x-request-id"
SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
UNMATCHED = "unmatched"
MAX_KNOWN_PATHS = 4096
# Paths longer than this are matched every time rather than remembered: the memory kept
# stays under MAX_KNOWN_PATHS times this, whatever paths clients make up.
MAX_KNOWN_PATH_LENGTH = 256
RETRY_AFTER = (b"retry-after", b"1")
# Cheap, and must answer under load: an orchestrator restarts a process whose probe fails.
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


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
    def __init__(
        self,
        app: Edge,
        routes: Sequence[BaseRoute],
        metrics: ApiMetrics,
        max_concurrent: int = 64,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_concurrent = max_concurrent
        # Requests through `__call__` whose answer has not begun: being computed (one
        # whose answer waits for a slow reader costs no work, and is not counted).
        self.in_flight = 0
        self.refused_busy = 0  # 503s given for `max_concurrent`
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
        """A cache hit answered without ASGI (`api.edge.fast_protocol`), and its request id, with
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
        # Only routes' paths are remembered (the quick path answers those alone): made-up
        # paths of strangers would only fill memory.
        if template != UNMATCHED and len(path) <= MAX_KNOWN_PATH_LENGTH:
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

        computing = True

        async def send_with_id(message: Message) -> None:
            nonlocal status, computing
            if message["type"] == "http.response.start":
                status = message["status"]
                computing = False
                self.in_flight -= 1
                # A new list: the edge's cached headers are shared by every answer.
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        token = REQUEST_ID.set(request_id)
        self.in_flight += 1
        try:
            await self._checked(scope, receive, send_with_id)
        finally:
            if computing:
                self.in_flight -= 1
            REQUEST_ID.reset(token)
            method = scope["method"] if scope["method"] in METHODS else "other"
            elapsed = time.perf_counter() - started
            self.metrics.observe(self.route_template(scope), method, status, elapsed)

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The request through the edge, unless it must be refused before."""
        head_only = scope["method"] == "HEAD"
        duplicate = duplicated_header(scope["headers"])
        if duplicate is not None:
            detail = duplicate_detail(duplicate)
            await send_problem(send, 400, detail, scope["path"], head_only=head_only)
        elif self.in_flight > self.max_concurrent and scope["path"] not in PROBES:
            self.refused_busy += 1
            detail = "The server is answering too many requests at once; try again shortly."
            await send_problem(send, 503, detail, scope["path"], (RETRY_AFTER,), head_only)
        else:
            await self.app(scope, receive, send)
