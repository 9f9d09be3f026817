"""Content negotiation shared by the edge cache and the handlers, so both agree on which
representation a request gets: its format (from the path, `?format=` or `Accept`), whether
JSON is indented (curl-like clients, `?pretty=1`), and its content coding."""

from __future__ import annotations

from collections.abc import Mapping

HUMAN_AGENTS = (b"curl/", b"wget/", b"httpie/", b"xh/")
FORMATS = ("json", "csv", "atom", "ics", "html")
COMPRESSIBLE_SIZE = 1024  # smaller bodies are not worth a content coding
# The words a yes/no parameter takes; `?pretty` alone means yes, as in `?pretty=1`.
BOOLEAN_WORDS = {
    **dict.fromkeys(("", "1", "true", "yes"), True),
    **dict.fromkeys(("0", "false", "no"), False),
}


MEDIA_TYPES = {
    "text/csv": "csv",
    "application/atom+xml": "atom",
    "text/calendar": "ics",
    "text/html": "html",
    "application/json": None,  # the default representation
    "application/problem+json": None,
}


def accepted_format(accept: str) -> str | None:
    """The format an `Accept` header prefers, when it is one we serve besides JSON.

    Media ranges are weighed by their `q` (RFC 9110 §12.5.1); JSON wins ties, and a client
    that will take nothing we serve gets JSON too (a 406 would help no one reading it)."""
    best: tuple[float, int, str | None] = (0.0, 0, None)
    for part in accept.lower().split(","):
        media_type, _, parameters = part.partition(";")
        media_type = media_type.strip()
        if media_type not in MEDIA_TYPES:
            continue
        weight = _weight(parameters)
        preference = (weight, 1 if MEDIA_TYPES[media_type] is None else 0)
        if weight > 0 and preference > best[:2]:
            best = (*preference, MEDIA_TYPES[media_type])
    return best[2]


def _weight(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


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
