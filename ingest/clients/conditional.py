"""Conditional GETs with a stored cache, `Link` pagination, and upstream errors mapped.

Every GET sends the stored validators (`If-None-Match`, `If-Modified-Since`); a `304` is
answered from the stored body and next-page link, so an unchanged upstream costs one empty
response per page. Pages are followed through `Link: <...>; rel="next"` verbatim: the page
size is whatever the server chose, and GitHub rewrites page URLs to `/repositories/{id}/`.
New or changed responses collect in `updated`; the sync stores them with its data.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import stamina

from alesco.errors import MalformedUpstream, RateLimited, UpstreamRejected, UpstreamUnavailable
from alesco.settings import Settings
from alesco.storage.http_cache import CachedResponse

# A `Link` header: each `<target>` with its parameters (quoted strings may hold commas), and
# the `rel` parameter among them, quoted or not.
_LINK = re.compile(r'<(?P<target>[^>]*)>(?P<params>(?:[^<",]|"[^"]*")*)')
_REL = re.compile(r';\s*rel\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s;,"]+))', re.IGNORECASE)
MAX_PAGES = 1000  # a loop guard: no upstream list we read comes near this
RETRY_BUDGET_SECONDS = 30.0  # all retries of one request give up after this
MIN_RATE_LIMIT_WAIT = timedelta(minutes=1)  # GitHub: a limit without a time, wait >= 1 min
MAX_RATE_LIMIT_WAIT = timedelta(hours=1)  # GitHub's windows are an hour; never trust more


@dataclass
class RequestStats:
    """What a sync cost upstream: shown in `/v1/status`."""

    requests: int = 0
    not_modified: int = 0
    rate_limit_remaining: int | None = None
    rate_limit_reset_at: datetime | None = None


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    next_url: str | None
    from_cache: bool

    def text(self) -> str:
        """The body as text (UTF-8; undecodable bytes replaced, never an error)."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as error:
            raise MalformedUpstream(f"{self.url}: body is not JSON ({error})") from error


@dataclass(frozen=True)
class RequestPolicy:
    """How hard one upstream request tries: `attempts` in all (the first included) on 5xx,
    timeouts and broken connections, each within `timeout` seconds from connecting to the
    last body byte (httpx's own timeouts are per phase: a server dripping bytes would never
    trip them)."""

    attempts: int = 3
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestPolicy:
        return cls(settings.retry_attempts, settings.http_timeout)


@dataclass
class ConditionalFetcher:
    client: httpx.AsyncClient
    cache: Mapping[str, CachedResponse]
    clock: Callable[[], datetime]
    policy: RequestPolicy = field(default_factory=RequestPolicy)
    stats: RequestStats = field(default_factory=RequestStats)
    updated: dict[str, CachedResponse] = field(default_factory=dict)

    async def get(self, url: str) -> Page:
        """GET `url` conditionally."""
        page = await self._fetch(url, missing_ok=False)
        if page is None:
            raise UpstreamRejected(f"{url}: HTTP 404", 404)
        return page

    async def get_optional(self, url: str) -> Page | None:
        """GET `url` conditionally; None when upstream says it is gone (404, 410)."""
        return await self._fetch(url, missing_ok=True)

    async def _fetch(self, url: str, *, missing_ok: bool, revalidate: bool = True) -> Page | None:
        cached = (self.updated.get(url) or self.cache.get(url)) if revalidate else None
        headers = {}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        response = await self._send_with_retries(url, headers)
        if response.status_code == 304:
            if cached is None:
                raise MalformedUpstream(f"{url}: 304 Not Modified to an unconditional request")
            self.stats.not_modified += 1
            return Page(url, cached.body, cached.next_url, from_cache=True)
        if response.status_code in (404, 410) and missing_ok:
            return None
        self._raise_for_status(url, response)
        next_link = _next_link(response)
        etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
        # Without a validator a stored body could never be reused; a list read afresh is
        # read afresh again.
        if revalidate and (etag or last_modified):
            self.updated[url] = CachedResponse(
                url=url,
                etag=etag,
                last_modified=last_modified,
                next_url=next_link,
                body=response.content,
                stored_at=self.clock(),
            )
        return Page(url, response.content, next_link, from_cache=False)

    async def get_all_pages(self, url: str) -> list[Any]:
        """Every item of a paginated JSON array, following `rel="next"` links."""
        items = await self.get_all_pages_optional(url)
        if items is None:
            raise UpstreamRejected(f"{url}: HTTP 404", 404)
        return items

    async def get_all_pages_optional(
        self, url: str, *, revalidate: bool = True
    ) -> list[Any] | None:
        """Like `get_all_pages`, but None when the first page is gone (404, 410).

        `revalidate=False` reads every page afresh. For a list that grows at its end (a PR's
        events) a `304` on its last page says nothing about a page added after it, so a
        list known to have changed is read whole."""
        items: list[Any] = []
        next_url: str | None = url
        seen: set[str] = set()
        while next_url is not None:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise MalformedUpstream(f"{url}: pagination loops at {next_url}")
            seen.add(next_url)
            page = await self._fetch(next_url, missing_ok=next_url == url, revalidate=revalidate)
            if page is None:
                if next_url == url:
                    return None
                raise UpstreamRejected(f"{next_url}: HTTP 404", 404)
            body = page.json()
            if not isinstance(body, list):
                raise MalformedUpstream(f"{next_url}: expected a JSON array")
            items.extend(body)
            next_url = page.next_url
        return items

    async def _send_with_retries(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """Timeouts, broken connections and 5xx are retried with jittered exponential
        backoff, a few times and for a bounded time; everything else is answered at once."""
        async for attempt in stamina.retry_context(
            on=UpstreamUnavailable,
            attempts=self.policy.attempts,
            timeout=RETRY_BUDGET_SECONDS,
            wait_initial=0.5,
            wait_max=8.0,
        ):
            with attempt:
                response = await self._send(url, headers)
                if response.status_code >= 500:
                    raise UpstreamUnavailable(f"{url}: HTTP {response.status_code}")
        return response

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        self.stats.requests += 1
        try:
            async with asyncio.timeout(self.policy.timeout):
                response = await self.client.get(url, headers=headers)
        except (httpx.TimeoutException, TimeoutError) as error:
            raise UpstreamUnavailable(f"{_origin(url)}: timed out") from error
        except httpx.HTTPError as error:
            raise UpstreamUnavailable(f"{_origin(url)}: {type(error).__name__}") from error
        self._note_rate_limit(response)
        return response

    def _note_rate_limit(self, response: httpx.Response) -> None:
        remaining = _int_header(response, "x-ratelimit-remaining")
        if remaining is not None:
            self.stats.rate_limit_remaining = remaining
        reset = _int_header(response, "x-ratelimit-reset")
        if reset is not None:
            self.stats.rate_limit_reset_at = datetime.fromtimestamp(reset, UTC)

    def _raise_for_status(self, url: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300:
            return
        message = _error_message(response)
        retry_at = rate_limit_retry_at(response, message, self.clock(), self.stats)
        if retry_at is not None:
            raise RateLimited(f"{_origin(url)}: rate limited ({message})", retry_at)
        raise UpstreamRejected(f"{url}: HTTP {status}: {message}", status)


def _next_link(response: httpx.Response) -> str | None:
    """The `rel="next"` target of a `Link` header, resolved against the request URL.

    RFC 8288: relation types compare case-insensitively and one `rel` may hold several,
    space-separated (`rel="next last"`); httpx's `links` matches only the exact string."""
    header = response.headers.get("link")
    if not header:
        return None
    for link in _LINK.finditer(header):
        rel = _REL.search(link.group("params"))
        relations = (rel.group("quoted") or rel.group("bare") or "").lower().split() if rel else []
        if "next" in relations:
            return str(response.url.join(link.group("target").strip()))
    return None


def rate_limit_retry_at(
    response: httpx.Response, message: str, now: datetime, stats: RequestStats
) -> datetime | None:
    """When to ask again if `response` is a rate limit, else None (GitHub's documented order:
    `Retry-After`, then `x-ratelimit-reset` when `remaining` is 0, else at least a minute).
    A 429 is always a limit; a 403 only with limit signals (else it is a permission error).
    Never more than `MAX_RATE_LIMIT_WAIT` ahead, whatever the upstream says."""
    status = response.status_code
    if status not in (403, 429):
        return None
    retry_after = _retry_after(response, now)
    spent = _int_header(response, "x-ratelimit-remaining") == 0
    secondary = "rate limit" in message.lower()
    if status == 403 and retry_after is None and not spent and not secondary:
        return None
    if retry_after is not None:
        retry_at = retry_after
    elif spent and stats.rate_limit_reset_at is not None:
        retry_at = stats.rate_limit_reset_at
    else:
        retry_at = now + MIN_RATE_LIMIT_WAIT
    bounded = min(max(retry_at, now), now + MAX_RATE_LIMIT_WAIT)
    # Whole seconds, rounded up: what /v1/status shows is never earlier than the truth.
    return bounded.replace(microsecond=0) + timedelta(seconds=1 if bounded.microsecond else 0)


def _retry_after(response: httpx.Response, now: datetime) -> datetime | None:
    """`Retry-After` as delay-seconds or as an HTTP-date (RFC 9110 §10.2.3)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # not '²', which int() refuses
        # Any wait this long is capped later; int() of a thousand digits would raise.
        return now + timedelta(seconds=int(value) if len(value) < 10 else 10**9)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _error_message(response: httpx.Response) -> str:
    """GitHub's `{"message": ...}` if present, else the reason phrase; never the raw body."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])[:200]
    return response.reason_phrase


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.netloc.decode()}"
