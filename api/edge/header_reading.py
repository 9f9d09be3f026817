"""One reading of every request header that decides an answer.

Why: the edge cache, the quick path and the handlers each read request headers, and HTTP
libraries disagree on which copy of a repeated header counts (Starlette reads the first,
`dict()` keeps the last). A request with `Accept: text/csv` then `Accept: application/json`
could be answered as CSV and stored under the JSON key, for every later JSON client.

The rule: a request that carries any header of `DECIDING_HEADERS` more than once is
refused with a 400 problem naming it, on every route and both paths. Then every reader
sees the one copy there is. (RFC 9110 §5.3 lets a recipient combine list-valued fields,
and RFC 9112 §3.2 requires a 400 for a second `Host`; one strict rule for all is simpler
to reason about, and no ordinary client repeats these.)
"""

from __future__ import annotations

from collections.abc import Iterable

# Every request header that any part of the API reads to choose, shape or key an answer,
# or that HTTP framing depends on.
DECIDING_HEADERS = frozenset(
    {
        b"host",
        b"accept",
        b"accept-encoding",
        b"user-agent",
        b"if-none-match",
        b"if-modified-since",
        b"origin",
        b"content-type",
        b"content-length",
        b"transfer-encoding",
        b"expect",
        b"x-forwarded-proto",
        b"x-request-id",
        b"access-control-request-method",
        b"access-control-request-headers",
        b"x-hub-signature-256",
        b"x-github-event",
        b"x-github-delivery",
    }
)


def duplicated_header(headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    """The first deciding header that `headers` (lower-case names) carries twice, if any."""
    seen: set[bytes] = set()
    for name, _ in headers:
        if name in DECIDING_HEADERS:
            if name in seen:
                return name
            seen.add(name)
    return None


def duplicate_detail(name: bytes) -> str:
    """The problem's detail for a repeated header."""
    return (
        f"The header {name.decode('latin-1')!r} was sent more than once; "
        "send each header that decides the answer once."
    )
