"""uvicorn's httptools protocol, answering edge-cache hits straight from the bytes received.

Why: a cache hit costs the API a dict lookup (`api.edge.wire_answers`), but uvicorn spends
~40 µs on one before any ASGI app sees it (a scope, a task, a request/response cycle, two
`send` calls), which held the REST list to a quarter of nginx's rate. So, while a
connection is idle, what arrives is read first by a parser of this protocol's own
(httptools, as uvicorn uses) until it holds one whole request (a request in parts is held
until the rest comes). If `ObservedApp.answer_whole` has the answer (the same cache,
request id and metrics as the ASGI path), it is written to the socket at once, after
uvicorn's default headers (`Date`), and uvicorn never sees the request.

All else goes to uvicorn's own parser, every byte as it came, as if this class were not
there: a miss, several requests at once, a request while another is running (answers keep
their order), HTTP/1.0, an upgrade, an escaped or prefixed path, a body on anything but
`POST /graphql`, a client awaiting `100 Continue`, a request over the limits of
`api.edge.connection_guard` (whose refusals come from there), a repeated header that decides
answers (`api.edge.header_reading`: refused on the ASGI path), or a connection whose writer is
paused (the ASGI path waits for the peer to drain; this one would only buffer).
"""

from __future__ import annotations

import asyncio
import enum
import math
from dataclasses import dataclass
from typing import ClassVar

import httptools

from api.edge.cache_entries import MAX_ENTRIES
from api.edge.connection_guard import GuardedProtocol, ServerLimits, guarded_attributes
from api.edge.header_reading import DECIDING_HEADERS
from api.edge.observability import ObservedApp

QUICK_METHODS = frozenset({b"GET", b"HEAD", b"POST"})
# Bytes of one request held while it comes in parts; a bigger request is uvicorn's, whose
# parser takes each part as it comes (holding means copying: a request dripped a byte at
# a time costs this squared over two).
MAX_HELD = 8 * 1024
# Requests up to this size are remembered as parsed (`ParsedRequest`), MAX_ENTRIES of them.
MAX_REMEMBERED = 4096


class Reading(enum.Enum):
    """What the bytes held so far are: one whole request, a part of one, or anything else."""

    WHOLE = enum.auto()
    PARTIAL = enum.auto()
    OTHER = enum.auto()


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """What a quick answer needs of a whole request, once parsed and found answerable."""

    method: str
    path: str
    query: bytes
    headers: dict[bytes, bytes]
    body: bytes
    keep_alive: bool
    proxied: bool  # sent X-Forwarded-Proto: its scheme is not known here


class WholeRequest:
    """httptools' callbacks for the quick parser: what `CacheHitProtocol` needs of a
    request. Counts messages begun and completed, so that bytes are taken only when they
    hold exactly one whole request."""

    def __init__(self, limits: ServerLimits) -> None:
        self.limits = limits
        self.parser = httptools.HttpRequestParser(self)
        self.url = self.body = b""
        self.headers: dict[bytes, bytes] = {}
        self.method = b""
        self.version = ""
        self.keep_alive = self.upgrade = self.awaits_continue = self.irregular = False
        self.big_body = False
        self.head_size = 0
        self.restart()

    def restart(self) -> None:
        """Ready for the next request on the connection (the parser is between two)."""
        self.begun = self.completed = 0
        self.fed = 0  # bytes of the held request fed to the parser

    def on_message_begin(self) -> None:
        self.begun += 1
        self.url = self.body = b""
        self.headers = {}
        self.awaits_continue = self.irregular = self.big_body = False
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        self.head_size += len(name) + len(value) + 4
        # A repeated deciding header is refused on the ASGI path (`api.edge.header_reading`).
        if name in DECIDING_HEADERS and name in self.headers:
            self.irregular = True
        self.headers[name] = value

    def on_headers_complete(self) -> None:
        # Read now: httptools forgets the connection flags once the message completes.
        parser = self.parser
        self.method = parser.get_method()
        self.version = parser.get_http_version()
        self.keep_alive = parser.should_keep_alive()
        self.upgrade = parser.should_upgrade()
        # The client sends the body only after a `100 Continue`, which uvicorn sends.
        self.awaits_continue = self.headers.get(b"expect", b"").lower() == b"100-continue"
        # A body too big to hold, of unknown size or over its route's limit is uvicorn's
        # to read (or refuse), under the limits of `api.edge.connection_guard`.
        length = self.headers.get(b"content-length", b"0")
        path = self.url.partition(b"?")[0]
        limit = min(MAX_HELD, self.limits.body_limit(self.method, path))
        self.big_body = b"transfer-encoding" in self.headers or not (
            length.isdigit() and len(length) <= 5 and int(length) <= limit
        )

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.completed += 1

    def parsed(self) -> ParsedRequest | None:
        """The request read whole, when a quick answer may be given to it: HTTP/1.1, no
        upgrade, GET, HEAD or a POST (the cache holds GraphQL ones), a plain path."""
        if self.version != "1.1" or self.upgrade or self.irregular:
            return None
        if len(self.url) > self.limits.max_request_line:
            return None
        if self.head_size > self.limits.max_header_bytes:
            return None
        method = self.method
        if method not in QUICK_METHODS or (self.body and method != b"POST"):
            return None
        path, _, query = self.url.partition(b"?")
        if not path.startswith(b"/") or not path.isascii() or b"%" in path or b"#" in query:
            return None
        headers = self.headers
        return ParsedRequest(
            method.decode(),
            path.decode(),
            query,
            headers,
            self.body,
            self.keep_alive,
            proxied=b"x-forwarded-proto" in headers,
        )


class CacheHitProtocol(GuardedProtocol):
    """One connection; `front` is the API it answers hits for (see `cache_hit_protocol`)."""

    front: ClassVar[ObservedApp]
    parsed_before: ClassVar[dict[bytes, ParsedRequest]]  # per API: `cache_hit_protocol`
    _quick: WholeRequest  # the quick parser
    _held = b""  # the start of a request that came in parts, seen by the quick parser only
    _mid_message = False  # uvicorn's parser holds part of a request
    _last_quick_answer = -math.inf  # loop time; keeps the keep-alive timer from firing

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._quick = WholeRequest(self.limits)
        super().connection_made(transport)

    def _answered_at_once(self, data: bytes) -> bool:
        """The same bytes parse the same way: a request seen before, arriving between
        requests, skips the quick parser (which stays between requests) and the guard's
        bookkeeping of a request's head."""
        if self._held or not self._idle():
            return False
        remembered = self.parsed_before.get(data)
        return remembered is not None and self._answered(remembered)

    def _parse(self, data: bytes) -> None:
        if self._held or self._idle():
            data, self._held = self._held + data, b""
            kept = self._read_quickly(data)
            if kept is Reading.PARTIAL:
                self._held = data
                self._unset_keepalive_if_required()  # as uvicorn does on any data
                return
            parsed = self._quick.parsed() if kept is Reading.WHOLE else None
            if parsed is not None and self._answered(parsed):
                self._settle()
                self._remember(data, parsed)
                return
        super()._parse(data)

    def _remember(self, data: bytes, parsed: ParsedRequest) -> None:
        """Keep how `data` parsed, for requests that come again byte for byte (a poller,
        a dashboard, every visitor's browser alike)."""
        if len(data) > MAX_REMEMBERED:
            return
        if len(self.parsed_before) >= MAX_ENTRIES:
            self.parsed_before.clear()
        self.parsed_before[data] = parsed

    def on_message_begin(self) -> None:
        self._mid_message = True
        super().on_message_begin()

    def on_message_complete(self) -> None:
        self._mid_message = False
        super().on_message_complete()

    def timeout_keep_alive_handler(self) -> None:
        """Quick answers do not re-arm the keep-alive timer (a timer per request costs
        as much as a quarter of the answer): when it fires, it waits out what is left."""
        left = self._last_quick_answer + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self.timeout_keep_alive_task = self.loop.call_later(
                left, self.timeout_keep_alive_handler
            )
            return
        super().timeout_keep_alive_handler()

    def _idle(self) -> bool:
        """No request is being read or answered on this connection."""
        cycle = self.cycle
        return (
            not self._mid_message
            and (cycle is None or cycle.response_complete)
            and not self.pipeline
            and not self.flow.write_paused
            and not self.root_path
        )

    def _read_quickly(self, data: bytes) -> Reading:
        """Feed the quick parser what came since the last request it read whole."""
        request = self._quick
        if request.completed:
            request.restart()
        try:
            request.parser.feed_data(data[request.fed :])
        except (httptools.HttpParserError, httptools.HttpParserUpgrade):
            self._quick = WholeRequest(self.limits)  # uvicorn's parser will say what is wrong
            return Reading.OTHER
        request.fed = len(data)
        if request.begun == request.completed == 1:
            return Reading.WHOLE
        partial = request.begun == 1 and not request.completed
        if partial and len(data) <= MAX_HELD and not (request.awaits_continue or request.big_body):
            return Reading.PARTIAL
        self._quick = WholeRequest(self.limits)  # several requests, or a big one: uvicorn's
        return Reading.OTHER

    def _answered(self, request: ParsedRequest) -> bool:
        """If the cache holds the answer to `request`, write it and say so."""
        # uvicorn's proxy-headers middleware may yet take the scheme from a trusted proxy's
        # X-Forwarded-Proto: until it has, the scheme of the request's links is unknown.
        scheme = None if request.proxied else self.scheme
        found = self.front.answer_whole(
            request.method, request.path, request.query, request.headers, scheme, request.body
        )
        if found is None:
            return False
        answer, request_id = found
        head = b"%sx-request-id: %s\r\n" % (answer.head, request_id)
        if not request.keep_alive:
            head += b"connection: close\r\n"
        self.transport.write(self._serialized(answer.status, head, answer.body))
        self.server_state.total_requests += 1
        self._become_idle()
        if request.keep_alive:
            self._last_quick_answer = self.loop.time()
            if self.timeout_keep_alive_task is None:
                self.timeout_keep_alive_task = self.loop.call_later(
                    self.timeout_keep_alive, self.timeout_keep_alive_handler
                )
        else:
            self.transport.close()
        return True


def cache_hit_protocol(
    front: ObservedApp, limits: ServerLimits | None = None
) -> type[asyncio.Protocol]:
    """The protocol class to give `uvicorn.Config(http=...)` for the API `front`, under
    `limits`."""
    attributes = {
        "front": front,
        "parsed_before": {},
        **guarded_attributes(limits or ServerLimits()),
    }
    return type("CacheHitProtocol", (CacheHitProtocol,), attributes)
