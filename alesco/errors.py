"""The one exception hierarchy of alesco-api.

    AlescoError                      base; carries a stable `reason` code
    ├── UpstreamError                an upstream (GitHub, Indico, ...) let us down
    │   ├── RateLimited              limits spent; `retry_at` says when to come back
    │   ├── UpstreamUnavailable      5xx, timeouts, refused or reset connections
    │   ├── UpstreamRejected         a 4xx that is not a rate limit (auth, missing repo)
    │   └── MalformedUpstream        a body we cannot read as the documented format
    └── ParseError                   a document (RFC file, minutes) we cannot read

Logs, metrics and `/v1/status` reuse `reason`, so it never changes once published.
"""

from __future__ import annotations

from datetime import datetime


class AlescoError(Exception):
    """Base of every error this project raises on purpose."""

    reason = "error"


class UpstreamError(AlescoError):
    """An upstream request failed; the sync that made it changes nothing."""

    reason = "upstream_error"


class RateLimited(UpstreamError):
    """The upstream's rate limit is spent until `retry_at` (UTC), when known."""

    reason = "rate_limited"

    def __init__(self, message: str, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class UpstreamUnavailable(UpstreamError):
    """The upstream did not answer usefully: 5xx, timeout or a broken connection."""

    reason = "upstream_unavailable"


class UpstreamRejected(UpstreamError):
    """The upstream refused the request (4xx other than rate limits)."""

    reason = "upstream_rejected"

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class MalformedUpstream(UpstreamError):
    """The upstream answered, but not in the documented wire format."""

    reason = "malformed_upstream"


class ParseError(AlescoError):
    """A document could not be read at all."""

    reason = "parse_error"
