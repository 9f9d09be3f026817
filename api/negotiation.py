"""Content negotiation shared by the edge cache and the handlers, so both agree on which
representation a request gets: its format (from the path, `?format=` or `Accept`), whether
JSON is indented (curl-like clients, `?pretty=1`), and its content coding."""

from __future__ import annotations

from collections.abc import Mapping

HUMAN_AGENTS = (b"curl/", b"wget/", b"httpie/", b"xh/")
FORMATS = ("json", "csv", "atom", "ics", "html")
COMPRESSIBLE_SIZE = 1024  # smaller bodies are not worth a content coding


def accepted_format(accept: str) -> str | None:
    """The format an `Accept` header asks for, when it names one we serve besides JSON."""
    accept = accept.lower()
    if "text/csv" in accept:
        return "csv"
    if "application/atom+xml" in accept:
        return "atom"
    if "text/calendar" in accept:
        return "ics"
    if "text/html" in accept and "application/json" not in accept:
        return "html"
    return None


def requested_format(query: Mapping[str, str], accept: str, default: str = "json") -> str:
    """`?format=` wins over `Accept`; unknown values are the caller's to reject."""
    explicit = query.get("format")
    if explicit is not None:
        return explicit
    return accepted_format(accept) or default


def is_human_agent(user_agent: bytes) -> bool:
    return user_agent.lower().startswith(HUMAN_AGENTS)


def _codings(accept_encoding: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        if coding:
            weights[coding.strip()] = weight
    return weights


def chosen_encoding(accept_encoding: str, brotli_available: bool = True) -> str | None:
    """`br`, `gzip`, or None (identity), by the client's preferences; q=0 refuses."""
    if not accept_encoding:
        return None
    weights = _codings(accept_encoding)
    wildcard = weights.get("*", 0.0)
    options = [("br", weights.get("br", wildcard)), ("gzip", weights.get("gzip", wildcard))]
    if not brotli_available:
        options = options[1:]
    best = max(options, key=lambda option: option[1])
    return best[0] if best[1] > 0 else None
