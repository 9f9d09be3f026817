"""HTTP clients for upstreams: our User-Agent and the configured timeout on every call."""

from __future__ import annotations

import httpx

from alesco import __version__
from alesco.settings import Settings

USER_AGENT = f"alesco-api/{__version__} (+https://github.com/AlmaLinux/ALESCo)"


def plain_http_client(
    settings: Settings, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """A client for upstreams that need no credentials (Indico, iCalendar, roster URLs)."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        timeout=settings.http_timeout,
        follow_redirects=True,
    )
