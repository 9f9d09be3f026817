"""uvicorn's httptools protocol with the limits a server facing the public internet needs.

uvicorn alone reads a request line or header of any size (its URL is grown by
concatenation: a 100 MB line held the event loop for seconds), holds connections that
never finish their head, queues pipelined requests without bound (it resumes reading
after every answer), and reads bodies no route wants. Here, per connection:

- the request line is at most `max_request_line` bytes (else 414) and the header fields
  `max_header_bytes` in all (else 431), counted as they arrive, before anything is kept;
- a request's head must arrive whole within `header_timeout` of its first byte, or of the
  connection's start (else 408, or a quiet close when nothing came), and its body within
  `body_timeout` (else 408); idle keep-alive connections close after uvicorn's
  `timeout_keep_alive`;
- a body larger than its route takes (`ServerLimits.body_limit`) is a 413 as soon as its
  `Content-Length` is read, before any of it (a chunked one, once it passes the limit);
- at most `max_pipelined` requests wait on one connection: past that, its bytes are held
  and the socket read no further until answers drain;
- past `max_connections` open connections, the one that has waited longest for a request
  to arrive (a slow client), else for its client to read its answers, else idle, is
  closed to make room; if every one is being answered, the newcomer gets a 503.

Every refusal is problem+json (`api.edge.refusals`) and closes the connection. An `Upgrade`
is ignored (the API speaks only HTTP/1.1, as RFC 9110 §7.8 allows): the request is
answered as any other and the connection closed after it.

Why this module is long: it is one subclass of uvicorn's protocol, and each limit hooks
several of its callbacks (data received, header, body, response, timeout, close); split
apart, a reader could no longer check that every path out of a connection releases what
the limits count.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
from dataclasses import dataclass, field
from typing import ClassVar

import httptools
from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from alesco.settings import Settings
from api.edge.refusals import problem_head
from api.formats.problems import problem_bytes

# A request head is parsed in slices of this many bytes while requests queue on the
# connection, so one read of pipelined requests queues at most a slice's worth.
PARSE_SLICE = 2048
# Bytes a route that takes no body accepts anyway (a stray body on a GET is read and
# dropped, as HTTP allows); more is refused.
DEFAULT_BODY_LIMIT = 64 * 1024
# Bytes the kernel buffers for a client that does not read (each answer part is 64 KiB).
SEND_BUFFER = 256 * 1024


@dataclass(frozen=True)
class ServerLimits:
    """The limits of `GuardedProtocol`, from `Settings` (see there for each)."""

    max_request_line: int = 8192
    max_header_bytes: int = 32768
    header_timeout: float = 60.0
    body_timeout: float = 60.0
    max_pipelined: int = 16
    max_connections: int = 1024
    body_limits: dict[tuple[bytes, bytes], int] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        return cls(
            max_request_line=settings.max_request_line,
            max_header_bytes=settings.max_header_bytes,
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            max_pipelined=settings.max_pipelined,
            max_connections=settings.max_connections,
            body_limits={
                (b"POST", b"/graphql"): settings.max_graphql_body,
                (b"POST", b"/webhooks/github"): settings.max_webhook_body,
            },
        )

    def body_limit(self, method: bytes, path: bytes) -> int:
        """Bytes of body the route at `path` takes for `method`."""
        return self.body_limits.get((method, path), DEFAULT_BODY_LIMIT)


class Refused(Exception):
    """A request the limits refuse: its status, the problem's detail, extra headers."""

    def __init__(
        self, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


class Waiting(enum.Enum):
    """What the connection waits for from the client, if anything (else it is idle, or
    the API is answering)."""

    HEAD = enum.auto()
    BODY = enum.auto()


class GuardedProtocol(HttpToolsProtocol):
    """One connection under `limits` (see `guarded_protocol` for the class per server)."""

    limits: ClassVar[ServerLimits]
    # The server's connections awaiting a request's head, and those idle between requests,
    # each in the order they began so (dicts keep it): the first is the one to close when
    # room is needed, found at once however many there are.
    awaiting_head: ClassVar[dict[GuardedProtocol, None]]
    idle: ClassVar[dict[GuardedProtocol, None]]
    stalled: ClassVar[dict[GuardedProtocol, None]]  # answers wait for the client to read
    _waiting: Waiting | None = None
    _timer: asyncio.TimerHandle | None = None
    _deadline = 0.0  # loop time by which what is awaited must have come
    _got_bytes = False  # a byte of the awaited head came
    _url_size = 0
    _head_size = 0
    _body_size = 0
    _body_limit = DEFAULT_BODY_LIMIT
    _refusal: Refused | None = None  # raised inside a parser callback, answered after
    _held_input = b""  # read but not parsed: too many requests wait already
    _head_fed = 0  # bytes given to uvicorn's parser since the awaited head began
    _running: RequestResponseCycle | None = None  # the request being answered
    _defaults: object = None  # uvicorn's default headers (`Date`) last serialized
    _defaults_head = b""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _bound_send_buffer(transport)
        self._await(Waiting.HEAD, self.limits.header_timeout)
        if len(self.connections) > self.limits.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        # uvicorn tells only the newest request's cycle; the one being answered while
        # others queued would write to the closed transport (an error, logged).
        for cycle in (self._running, *(queued for queued, _ in self.pipeline)):
            if cycle is not None and not cycle.response_complete:
                cycle.disconnected = True
                cycle.message_event.set()
        self._cancel_timer()
        self.awaiting_head.pop(self, None)
        self.idle.pop(self, None)
        self.stalled.pop(self, None)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._held_input:
            self._held_input += data
            return
        if self._waiting is None:
            if self._answered_at_once(data):
                return
            self._await(Waiting.HEAD, self.limits.header_timeout)
        self._got_bytes = True
        self._parse(data)

    def _answered_at_once(self, data: bytes) -> bool:
        """Overridden where `data`, arriving between requests, may be answered before any
        waiting is noted (`api.edge.fast_protocol`: a request seen before, byte for byte)."""
        return False

    def _parse(self, data: bytes) -> None:
        """Feed uvicorn's parser, a slice at a time while requests queue."""
        while data:
            if len(self.pipeline) >= self.limits.max_pipelined:
                self._held_input = data
                self.flow.pause_reading()
                return
            chunk, data = data[:PARSE_SLICE], data[PARSE_SLICE:]
            if self._waiting is Waiting.HEAD:
                # httptools keeps an unfinished header to itself until it ends: count what
                # goes in, or one endless header would be read whole before `on_header`.
                self._head_fed += len(chunk)
                if self._head_fed > self._head_budget:
                    limit = self.limits.max_header_bytes
                    self._refuse(Refused(431, f"The request's head is over {limit} bytes."))
                    return
            if not self._feed(chunk):
                return

    @property
    def _head_budget(self) -> int:
        """Bytes a head within the limits can take, framing and a parse slice of the next
        request included."""
        return self.limits.max_request_line + self.limits.max_header_bytes + 2 * PARSE_SLICE

    def _feed(self, data: bytes) -> bool:
        """uvicorn's `data_received`, answering what it cannot parse with a problem and
        logging nothing (a stranger's bad bytes are not the operator's news). False once
        the connection is done."""
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._upgrade_ignored()
            return False
        except httptools.HttpParserError as error:
            refusal = self._refusal or Refused(400, f"The request is not valid HTTP/1.1: {error}")
            # The raised refusal's traceback holds this connection's frames: kept, it made
            # a cycle only a full collection frees (~175 KB a refusal, piling up).
            self._refusal = refusal.__traceback__ = None
            self._refuse(refusal)
            return False
        return not self.transport.is_closing()

    def _upgrade_ignored(self) -> None:
        """The parser stops at an `Upgrade` head: answer that request, then close."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False
            cycle.more_body = False
            cycle.message_event.set()
        self._settle()

    def pause_writing(self) -> None:
        super().pause_writing()
        self.stalled[self] = None

    def resume_writing(self) -> None:
        super().resume_writing()
        self.stalled.pop(self, None)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        self._running = cycle
        super()._start_asgi_task(cycle, app)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # starts the next queued request, resumes reading
        if self.transport.is_closing():
            return
        if not self.pipeline and self._waiting is None:
            self._become_idle()  # uvicorn's keep-alive timer runs from now
        held, self._held_input = self._held_input, b""
        if held:
            self._parse(held)

    # uvicorn's parser callbacks, counted against the limits
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._url_size = self._head_size = self._body_size = 0
        self._refusal = None
        if self._waiting is not Waiting.HEAD:
            self._await(Waiting.HEAD, self.limits.header_timeout)
        self._got_bytes = True

    def on_url(self, url: bytes) -> None:
        self._url_size += len(url)
        if self._url_size > self.limits.max_request_line:
            self._raise(
                Refused(414, f"The request target is over {self.limits.max_request_line} bytes.")
            )
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4
        if self._head_size > self.limits.max_header_bytes:
            self._raise(
                Refused(
                    431,
                    f"The request's header fields are over {self.limits.max_header_bytes} "
                    "bytes in all.",
                )
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        method = self.parser.get_method()
        limit = self.limits.body_limit(method, httptools.parse_url(self.url).path or b"")
        declared = _declared_length(self.headers)
        if declared is not None and declared > limit:
            self._raise(Refused(413, f"This route takes bodies of at most {limit} bytes."))
        self._body_limit = limit
        chunked = any(name == b"transfer-encoding" for name, _ in self.headers)
        if declared or chunked:
            self._await(Waiting.BODY, self.limits.body_timeout)
        else:
            self._settle()
        super().on_headers_complete()
        if self.parser.should_upgrade():
            self.cycle.keep_alive = False

    def on_body(self, body: bytes) -> None:
        self._body_size += len(body)
        if self._body_size > self._body_limit:
            self._raise(
                Refused(413, f"This route takes bodies of at most {self._body_limit} bytes.")
            )
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._waiting is Waiting.BODY:
            self._settle()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """Anything uvicorn refuses itself is a problem too, not its plain text."""
        self._refuse(self._refusal or Refused(400, msg))

    # waiting, and refusing
    def _await(self, waiting: Waiting, timeout: float) -> None:
        """From now the client owes `waiting` within `timeout` seconds. One timer serves
        every wait of the connection, re-armed only when it fires early (a timer per
        request would cost as much as a quarter of a quick answer)."""
        self._waiting = waiting
        self._deadline = self.loop.time() + timeout
        self._got_bytes = False
        self._head_fed = 0
        self.idle.pop(self, None)
        self.awaiting_head.pop(self, None)
        if waiting is Waiting.HEAD:
            self.awaiting_head[self] = None
        if self._timer is not None and self._timer.when() > self._deadline:
            self._cancel_timer()  # armed for a longer wait than this one
        if self._timer is None:
            self._timer = self.loop.call_later(timeout, self._timed_out)

    def _settle(self) -> None:
        """Nothing more is awaited from the client for this request."""
        self._waiting = None
        self.awaiting_head.pop(self, None)

    def _become_idle(self) -> None:
        """Answered, and nothing more on the way: idle until the next request begins."""
        self.idle.pop(self, None)
        self.idle[self] = None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if self._waiting is None or self.transport.is_closing():
            return
        left = self._deadline - self.loop.time()
        if left > 0:  # a later wait than the one the timer was armed for
            self._timer = self.loop.call_later(left, self._timed_out)
        elif self._waiting is Waiting.BODY:
            timeout = self.limits.body_timeout
            self._refuse(Refused(408, f"The request's body did not arrive within {timeout:g} s."))
        elif self._got_bytes:
            timeout = self.limits.header_timeout
            self._refuse(Refused(408, f"The request's head did not arrive within {timeout:g} s."))
        else:
            self.transport.close()

    def _raise(self, refusal: Refused) -> None:
        """Stop the parser from inside a callback; `_feed` answers the refusal."""
        self._refusal = refusal
        raise refusal

    def _refuse(self, refusal: Refused) -> None:
        """Answer `refusal` unless an answer has begun, and close the connection."""
        self._cancel_timer()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the running request's answer is not sent
            if cycle.response_started:
                self.transport.close()
                return
        body = problem_bytes(refusal.status, refusal.detail)
        head = problem_head(body, refusal.headers)
        self.transport.write(self._serialized(refusal.status, head, body))
        self.transport.close()

    def _serialized(self, status: int, head: bytes, body: bytes) -> bytes:
        """A whole HTTP/1.1 answer: uvicorn's default headers (`Date`), then `head`."""
        defaults = self.server_state.default_headers
        if defaults is not self._defaults:  # uvicorn sets a new list every second
            self._defaults = defaults
            self._defaults_head = b"".join(b"%s: %s\r\n" % header for header in defaults)
        return b"%s%s%s\r\n%s" % (STATUS_LINE[status], self._defaults_head, head, body)

    def _make_room(self) -> None:
        """Close the connection that has waited longest for a request's head, else the
        one whose client has left answers unread longest, else the one idle longest; else
        refuse this one: every other is being answered."""
        victim = next((c for c in self.awaiting_head if c is not self), None)
        victim = victim or next(iter(self.stalled), None) or next(iter(self.idle), None)
        if victim is not None:
            victim._settle()
            victim.idle.pop(victim, None)
            victim.transport.close()
            return
        detail = "The server has as many connections open as it takes; try again shortly."
        self._refuse(Refused(503, detail, ((b"retry-after", b"1"),)))


def _bound_send_buffer(transport: asyncio.Transport) -> None:
    """Cap the kernel's send buffer of the connection at `SEND_BUFFER` bytes. Left to grow
    (Linux autotunes it to megabytes), it took every answer a client pipelined and never
    read: 50 answers of 53 KB on each of 200 connections were all written, at full speed,
    before flow control (`pause_writing`) could notice, starving newcomers for seconds."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The `Content-Length` sent (httptools has checked it is digits), capped so that a
    huge one stays a number Python converts cheaply."""
    for name, value in headers:
        if name == b"content-length":
            return int(value) if len(value) <= 18 else 10**18
    return None


def guarded_attributes(limits: ServerLimits) -> dict[str, object]:
    """The class attributes of a `GuardedProtocol` subclass for one server."""
    return {"limits": limits, "awaiting_head": {}, "idle": {}, "stalled": {}}
