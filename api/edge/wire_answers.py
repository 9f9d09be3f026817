"""Cache hits kept as the bytes that go on the wire, for `api.edge.fast_protocol`.

Why: the edge's lookup (`Edge.cached_answer`) negotiates a format, a coding and freshness
from the request's headers on every call, and its headers must then be serialized: ~20 µs
a hit, as much as the rest of the request. Clients repeat themselves (the widget, a
dashboard, wrk), so the answer to the same request line and the same deciding headers is
kept here once serialized, for as long as the edge's generation (model version and epoch)
lasts, and costs a dict lookup after that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.edge.asgi_bodies import SEND_PART, Answer
from api.edge.cache import Edge
from api.edge.cache_entries import MAX_ENTRIES

# Every request header an edge answer depends on (`Edge._key`, `Edge._answer`, and the
# GraphQL key's content type): two requests alike in these get the same answer. A subset
# of `api.edge.header_reading.DECIDING_HEADERS`, which no answered request repeats.
KEY_HEADERS = (
    b"accept",
    b"accept-encoding",
    b"user-agent",
    b"host",
    b"if-none-match",
    b"if-modified-since",
    b"content-type",
)
# Requests bigger than this (a long query, a huge header) are answered, but not kept: the
# memory kept stays under MAX_ENTRIES times this, whatever clients send.
MAX_KEPT_REQUEST = 4096
# Bytes of answers kept (most share their body with the edge's entry; those the edge has
# since dropped are held here alone): past it, the memo starts again.
MAX_KEPT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class WireAnswer:
    status: int
    head: bytes  # the header lines, each ending in CRLF: no status line, no blank line
    body: bytes


def serialized(answer: Answer) -> WireAnswer:
    status, headers, body = answer
    head = b"".join(b"%s: %s\r\n" % (name, value) for name, value in headers)
    return WireAnswer(status, head, body)


class WireAnswers:
    """The edge's hits, serialized, per request line and deciding headers."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge
        self._generation: object = None
        self._kept: dict[tuple[Any, ...], WireAnswer] = {}
        self._kept_bytes = 0

    def answer(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: Mapping[bytes, bytes],
        scheme: str | None,
        body: bytes,
    ) -> WireAnswer | None:
        """The answer the edge holds for this whole request, or None when it holds none."""
        generation = self.edge.current()
        full = len(self._kept) >= MAX_ENTRIES or self._kept_bytes > MAX_KEPT_BYTES
        if generation is not self._generation or full:
            self._generation = generation
            self._kept = {}
            self._kept_bytes = 0
        deciding = tuple(map(headers.get, KEY_HEADERS))
        key = (method, path, query_string, scheme, body, deciding)
        kept = self._kept.get(key)
        if kept is not None:
            self.edge.hits += 1
            return kept
        # A body too large to write at once is the ASGI path's: it sends it in parts.
        answer = self.edge.cached_answer(
            method, path, query_string, headers, scheme, body, max_body=SEND_PART
        )
        if answer is None:
            return None
        wire = serialized(answer)
        size = len(path) + len(query_string) + len(body)
        if size + sum(len(value) for value in deciding if value) <= MAX_KEPT_REQUEST:
            self._kept[key] = wire
            self._kept_bytes += len(wire.head) + len(wire.body)
        return wire
