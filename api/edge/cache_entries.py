"""What the edge cache holds: one cached representation (`Entry`: its body, its tag, its
variant per content coding and the headers every cached answer carries), the bounded
generation of entries, and the validators that tell whether a client already holds one.
"""

from __future__ import annotations

import email.utils
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import brotli

from api.formats.negotiation import COMPRESSIBLE_SIZE

CACHE_CONTROL = b"public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
VARY = b"Accept, Accept-Encoding"
# JSON is indented for curl-like clients. That answer may go to them alone; the compact
# one is fine for anybody, so it does not vary by agent (and a CDN keeps one copy of it).
VARY_BY_AGENT = b"Accept, Accept-Encoding, User-Agent"
CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Link, Last-Modified, Content-Length, X-Total-Count"),
]
MAX_ENTRIES = 4096
# Bytes of bodies one generation holds (each counted twice: its compressed variants). Past
# it the oldest entries go, so a stranger asking for thousands of distinct lists bounds the
# memory they cost instead of growing it.
MAX_CACHED_BYTES = 48 * 1024 * 1024
CODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
    "br": lambda body: brotli.compress(body, quality=5),
}
SUFFIX = {"gzip": "-gz", "br": "-br"}


class Generation(dict[tuple[Any, ...], "Entry"]):
    """The entries of one model version and epoch, and the body bytes they hold."""

    held = 0

    def keep(self, key: tuple[Any, ...], entry: Entry) -> None:
        """Store `entry`, dropping the oldest entries past MAX_ENTRIES or MAX_CACHED_BYTES."""
        self.held += 2 * len(entry.body)
        self[key] = entry
        while len(self) > 1 and (len(self) > MAX_ENTRIES or self.held > MAX_CACHED_BYTES):
            oldest = next(iter(self))
            self.held -= 2 * len(self.pop(oldest).body)


@dataclass
class Entry:
    """One cached representation and its precomputed header lists per content coding."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    tag: str  # the quoted-less hash; ETags are '"tag"', '"tag-gz"', '"tag-br"'
    vary: bytes = VARY
    variants: dict[str | None, tuple[list[tuple[bytes, bytes]], bytes]] = field(
        default_factory=dict
    )
    not_modified: dict[str | None, list[tuple[bytes, bytes]]] = field(default_factory=dict)

    def variant(
        self, coding: str | None, last_modified: bytes | None
    ) -> tuple[str | None, list[tuple[bytes, bytes]], bytes]:
        """The representation in `coding` (identity for small bodies), built on first use."""
        if coding is not None and len(self.body) < COMPRESSIBLE_SIZE:
            coding = None
        if coding not in self.variants:
            body = self.body if coding is None else CODERS[coding](self.body)
            etag = f'"{self.tag}{SUFFIX.get(coding or "", "")}"'.encode()
            common = [
                (b"etag", etag),
                (b"cache-control", CACHE_CONTROL),
                (b"vary", self.vary),
                *CORS,
            ]
            if last_modified:
                common.append((b"last-modified", last_modified))
            headers = [*self.headers, *common, (b"content-length", str(len(body)).encode())]
            if coding is not None:
                headers.append((b"content-encoding", coding.encode()))
            self.variants[coding] = (headers, body)
            self.not_modified[coding] = common
        headers, body = self.variants[coding]
        return coding, headers, body


def tag_matches(if_none_match: bytes, tag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2), coded variants counting as the same content."""
    for candidate in if_none_match.decode("latin-1").split(","):
        value = candidate.strip().removeprefix("W/").strip('"')
        if value == "*" or value.split("-", 1)[0] == tag:
            return True
    return False


def not_modified_since(if_modified_since: bytes, last_modified: bytes | None) -> bool:
    if last_modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since.decode("latin-1"))
        modified = email.utils.parsedate_to_datetime(last_modified.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:  # asctime dates carry no zone; RFC 9110 §5.6.7: they are GMT
        since = since.replace(tzinfo=UTC)
    return modified <= since
