"""UTC timestamps: parsing what upstreams send and formatting what we serve (RFC 3339, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 timestamp with an offset (GitHub sends `...Z`) into aware UTC.

    Raises ValueError for naive or malformed values: an upstream time without an offset is
    ambiguous and is rejected rather than guessed.
    """
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no UTC offset")
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime | None) -> str | None:
    """Format an aware datetime as RFC 3339 UTC with a `Z` and whole seconds."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    """The wall clock, for edges only: derivations take `now` as an argument instead."""
    return datetime.now(UTC)
