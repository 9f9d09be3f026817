"""A fake GitHub REST API (version 2022-11-28) that speaks the real wire format over HTTP.

Contract emulated (research/github_ingest.md §1.2, §1.3, §1.5, §2.1, §2.2, §2.4, §5):
- `GET /repos/{o}/{r}/pulls` with `state`, `sort`, `direction` and their documented defaults;
  `pulls/{n}/files`, `issues/{n}`, `issues/{n}/events` (chronological), `contents/{path}`.
  Every route is also served under `/repositories/{id}/`, where GitHub's `Link` URLs point.
- Pagination: `per_page` (default 30, capped at `max_per_page`) and `page`; a `Link` header
  only when there is more than one page, with absolute URLs rewritten to
  `/repositories/{id}/...` that keep the request's other query parameters.
- A strong `ETag` (the quoted SHA-256 of the body) on every 200; `If-None-Match` → 304.
  The issue route also sends `Last-Modified` and honours `If-Modified-Since`.
- Rate limits per bucket (a token, or the client address when anonymous), with
  `x-ratelimit-*` headers on every answer. 200s and 4xxs cost one; a 304 costs one only
  when anonymous, as GitHub's docs now say. An empty bucket answers 403, remaining 0.
- 403 without `User-Agent`; 401 `Bad credentials` for a token other than the configured one.
- Body URLs at `https://api.github.com` are served as the fake's own origin, as a GitHub
  Enterprise host would send them, so clients that follow `url` fields reach the fake.

Fault switches: `fail_next` (any status, body and headers), `malformed` (a cut-off body),
`stall_next` (answer only after a pause, or drip the body a byte at a time); `stalled` is
set when a stalled request arrives, so a test can act while a client waits.

Requests are handled on the server's event loop; tests mutate between them.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.github_records import (
    API_ORIGIN,
    make_content_record,
    make_directory_entry,
    make_pull_record,
)
from tests.fakes.github_repository import FakeRepository

__all__ = ["FakeGitHub", "FakeRepository", "RateLimitBucket", "RecordedRequest", "make_pull_record"]

DOCUMENTATION_URL = "https://docs.github.com/rest"
RATE_LIMIT_DOCUMENTATION_URL = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
USER_AGENT_MESSAGE = (
    "Request forbidden by administrative rules. Please make sure your request has a User-Agent "
    "header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required)."
    " Check https://developer.github.com for other possible causes."
)
MALFORMED_BODY = b'[{"url": "https://api.github.com/repos/'  # a body cut off mid-string
RATE_LIMIT_WINDOW_SECONDS = 3600
GITHUB_PAGE_SIZE_LIMIT = 100
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass(frozen=True)
class RecordedRequest:
    """What a client sent, and the status the fake answered."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int


@dataclass
class RateLimitBucket:
    """One primary rate-limit window; tests may set `used` to drain it."""

    limit: int
    used: int = 0
    reset_at: int = 0  # epoch seconds, as `x-ratelimit-reset`

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass
class Failure:
    """A switched-on fault: the next `times` requests whose path contains `path_substring`."""

    path_substring: str
    status: int
    times: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Stall:
    """A switched-on slow answer for the next `times` requests matching `path_substring`."""

    path_substring: str
    seconds: float
    times: int
    drip: bool  # True: headers at once, then the body a byte every `DRIP_INTERVAL`


DRIP_INTERVAL = 0.1


@dataclass(frozen=True)
class Answer:
    """What a route resolved to, before the HTTP rules (ETag, 304, rate limit) apply."""

    status: int
    payload: Any
    link: str | None = None
    last_modified: datetime | None = None


Resource = Callable[[Request, FakeRepository], Answer]


class FakeGitHub:
    """Repositories served over GitHub's REST wire format, with switches for failures."""

    def __init__(
        self,
        *,
        token: str | None = None,
        max_per_page: int = GITHUB_PAGE_SIZE_LIMIT,
        anonymous_limit: int = 60,
        authenticated_limit: int = 5000,
    ) -> None:
        self.token = token
        self.max_per_page = max_per_page
        self.anonymous_limit = anonymous_limit
        self.authenticated_limit = authenticated_limit
        self.repositories: dict[str, FakeRepository] = {}
        self.requests: list[RecordedRequest] = []
        self.failures: list[Failure] = []
        self.buckets: dict[str, RateLimitBucket] = {}
        self.stalls: list[Stall] = []
        self.stalled = threading.Event()
        self._app = Starlette(routes=self._routes())

    @property
    def app(self) -> Starlette:
        return self._app

    def add_repository(self, dump: Mapping[str, Any]) -> FakeRepository:
        """Serve a repository dump; ids count up from 100000 in the order added."""
        key = dump["repo"].lower()
        if key in self.repositories:
            raise ValueError(f"repository {dump['repo']} is already served")
        repository = FakeRepository(dump, repository_id=100_000 + len(self.repositories))
        self.repositories[key] = repository
        return repository

    def repository(self, full_name: str) -> FakeRepository:
        return self.repositories[full_name.lower()]

    def reset_log(self) -> None:
        self.requests.clear()

    def rate_limit(self, token: str | None = None, address: str = "127.0.0.1") -> RateLimitBucket:
        """The bucket a token (or, without one, a client address) draws from."""
        key = f"token:{token}" if token is not None else f"address:{address}"
        limit = self.authenticated_limit if token is not None else self.anonymous_limit
        bucket = self.buckets.setdefault(key, RateLimitBucket(limit))
        bucket.limit = limit  # so a test may lower the limit after the first request
        now = int(time.time())
        if now >= bucket.reset_at:
            bucket.used, bucket.reset_at = 0, now + RATE_LIMIT_WINDOW_SECONDS
        return bucket

    def fail_next(
        self,
        path_substring: str,
        status: int = 500,
        *,
        times: int = 1,
        body: bytes | None = None,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `times` matching requests with `status` (not counted as used)."""
        extra = {"content-type": "application/json; charset=utf-8", **(headers or {})}
        if retry_after is not None:
            extra["retry-after"] = str(retry_after)
        if body is None:
            body = _json(
                {"message": f"Fake failure {status}", "documentation_url": DOCUMENTATION_URL}
            )
        self.failures.append(Failure(path_substring, status, times, body, extra))

    def stall_next(
        self, path_substring: str, seconds: float, *, times: int = 1, drip: bool = False
    ) -> None:
        """Hold the next `times` matching requests for `seconds` before answering; with
        `drip`, send the headers at once and then whitespace a byte at a time for `seconds`
        before the real body (valid JSON, but never a pause long enough for a read timeout)."""
        self.stalls.append(Stall(path_substring, seconds, times, drip))

    def malformed(self, path_substring: str, *, times: int = 1) -> None:
        """Answer the next `times` matching requests 200 with a body that is not JSON."""
        self.fail_next(path_substring, 200, times=times, body=MALFORMED_BODY)

    def _routes(self) -> list[Route]:
        resources: dict[str, Resource] = {
            "/pulls": self._list_pulls,
            "/pulls/{number:int}/files": self._list_files,
            "/issues/{number:int}": self._show_issue,
            "/issues/{number:int}/events": self._list_events,
            "/contents/{path:path}": self._show_contents,
        }
        routes = [
            Route(prefix + suffix, self._endpoint(resource), methods=["GET"])
            for prefix in ("/repos/{owner}/{name}", "/repositories/{repository_id:int}")
            for suffix, resource in resources.items()
        ]
        # Anything else, whatever the method, is GitHub's JSON 404 (Starlette's is plain text).
        routes.append(Route("/{path:path}", self._endpoint(None), methods=ALL_METHODS))
        return routes

    def _endpoint(self, resource: Resource | None) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            headers = {name.lower(): value for name, value in request.headers.items()}
            stall = self._take_stall(request.url.path)
            if stall is not None:
                self.stalled.set()
                if not stall.drip:
                    await asyncio.sleep(stall.seconds)
            response = self._respond(request, headers, resource)
            if stall is not None and stall.drip:
                response = _dripping(response, stall.seconds)
            self.requests.append(
                RecordedRequest(
                    request.method,
                    request.url.path,
                    request.url.query,
                    headers,
                    response.status_code,
                )
            )
            return response

        return endpoint

    def _respond(
        self, request: Request, headers: dict[str, str], resource: Resource | None
    ) -> Response:
        address = request.client.host if request.client else "unknown"
        if "user-agent" not in headers:
            return _error(403, USER_AGENT_MESSAGE, self.rate_limit(address=address))
        token, readable = _token(headers.get("authorization"))
        if not readable or (token is not None and self.token not in (None, token)):
            bucket = self.rate_limit(address=address)
            bucket.used += 1
            return _error(401, "Bad credentials", bucket)
        bucket = self.rate_limit(token, address)
        failure = self._take_failure(request.url.path)
        if failure is not None:
            return Response(
                failure.body, failure.status, {**_rate_headers(bucket), **failure.headers}
            )
        if bucket.remaining == 0:
            return _rate_limited(bucket, token, address)
        repository = self._find_repository(request)
        if resource is None or repository is None:
            answer = _not_found()
        else:
            answer = resource(request, repository)
        response = _render(answer, request, headers, token is not None)
        if not (response.status_code == 304 and token is not None):
            bucket.used += 1
        response.headers.update(_rate_headers(bucket))
        return response

    def _take_stall(self, path: str) -> Stall | None:
        for stall in self.stalls:
            if stall.path_substring in path and stall.times > 0:
                stall.times -= 1
                return stall
        return None

    def _take_failure(self, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.path_substring in path and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _find_repository(self, request: Request) -> FakeRepository | None:
        params = request.path_params
        if "repository_id" in params:
            by_id = {
                repository.repository_id: repository for repository in self.repositories.values()
            }
            return by_id.get(params["repository_id"])
        if "owner" in params:
            return self.repositories.get(f"{params['owner']}/{params['name']}".lower())
        return None

    def _list_pulls(self, request: Request, repository: FakeRepository) -> Answer:
        query = request.query_params
        state = query.get("state", "open")
        sort = query.get("sort", "created")
        direction = query.get("direction", "desc" if sort == "created" else "asc")
        for name, value, allowed in (
            ("state", state, ("open", "closed", "all")),
            # `popularity` and `long-running` are accepted but ordered as `created`.
            ("sort", sort, ("created", "updated", "popularity", "long-running")),
            ("direction", direction, ("asc", "desc")),
        ):
            if value not in allowed:
                return _invalid("PullRequest", name, value)
        key = "updated_at" if sort == "updated" else "created_at"
        pulls = [pull for pull in repository.pulls.values() if state in ("all", pull["state"])]
        pulls.sort(key=lambda pull: (pull[key], pull["number"]), reverse=direction == "desc")
        return self._paginate(request, repository, pulls)

    def _list_files(self, request: Request, repository: FakeRepository) -> Answer:
        number = request.path_params["number"]
        if number not in repository.pulls:
            return _not_found()
        return self._paginate(request, repository, repository.files.get(number, []))

    def _list_events(self, request: Request, repository: FakeRepository) -> Answer:
        number = request.path_params["number"]
        if number not in repository.pulls:
            return _not_found()
        events = sorted(repository.events.get(number, []), key=lambda event: event["created_at"])
        return self._paginate(request, repository, events)

    def _show_issue(self, request: Request, repository: FakeRepository) -> Answer:
        number = request.path_params["number"]
        if number not in repository.pulls:
            return _not_found()
        issue = repository.issue(number)
        updated_at = datetime.fromisoformat(issue["updated_at"].replace("Z", "+00:00"))
        return Answer(200, issue, last_modified=updated_at)

    def _show_contents(self, request: Request, repository: FakeRepository) -> Answer:
        """A file's content, or a folder's listing (files and sub-folders, sorted)."""
        path = request.path_params["path"].strip("/")
        ref = request.query_params.get("ref")
        text = repository.contents.get(path)
        if text is not None:
            return Answer(200, make_content_record(repository.full_name, path, text, ref))
        prefix = f"{path}/" if path else ""
        children: dict[str, str | None] = {}
        for stored, content in repository.contents.items():
            if stored.startswith(prefix):
                name, _, rest = stored[len(prefix) :].partition("/")
                children[name] = None if rest else content
        if not children:
            return _not_found()
        listing = [
            make_directory_entry(repository.full_name, f"{prefix}{name}", content, ref)
            for name, content in sorted(children.items())
        ]
        return Answer(200, listing)

    def _paginate(self, request: Request, repository: FakeRepository, items: list[Any]) -> Answer:
        query = request.query_params
        per_page = min(_positive_int(query.get("per_page"), 30), self.max_per_page)
        page = _positive_int(query.get("page"), 1)
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        if last == 1 and page == 1:
            return Answer(200, chunk)
        # GitHub points page links at `/repositories/{id}/...`, whatever URL was requested.
        route = request.url.path.split("/", 4 if request.url.path.startswith("/repos/") else 3)[-1]
        base = f"{_origin(request)}/repositories/{repository.repository_id}/{route}"
        kept = [(name, value) for name, value in query.multi_items() if name != "page"]
        relations = []
        if page > 1:
            relations.append(("prev", page - 1))
        if page < last:
            relations += [("next", page + 1), ("last", last)]
        if page > 1:
            relations.append(("first", 1))
        link = ", ".join(
            f'<{base}?{urlencode([*kept, ("page", str(number))])}>; rel="{relation}"'
            for relation, number in relations
        )
        return Answer(200, chunk, link=link)


def _dripping(response: Response, seconds: float) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(math.ceil(seconds / DRIP_INTERVAL)):
            yield b" "
            await asyncio.sleep(DRIP_INTERVAL)
        yield bytes(response.body)

    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return StreamingResponse(body(), response.status_code, headers)


def _render(
    answer: Answer, request: Request, headers: dict[str, str], authenticated: bool
) -> Response:
    body = _json(_rewrite_origin(answer.payload, _origin(request)))
    response_headers = {"content-type": "application/json; charset=utf-8"}
    if answer.status != 200:
        return Response(body, answer.status, response_headers)
    etag = f'"{hashlib.sha256(body).hexdigest()}"'
    scope = "private" if authenticated else "public"
    response_headers |= {
        "etag": etag,
        "cache-control": f"{scope}, max-age=60, s-maxage=60",
        "vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
        "x-github-media-type": "github.v3; format=json",
    }
    if answer.link:
        response_headers["link"] = answer.link
    if answer.last_modified:
        response_headers["last-modified"] = email.utils.format_datetime(answer.last_modified, True)
    if _not_modified(headers, etag, answer.last_modified):
        del response_headers["content-type"]
        return Response(b"", 304, response_headers)
    return Response(body, 200, response_headers)


def _not_modified(headers: dict[str, str], etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 §13.2.2: `If-None-Match` (weak comparison) wins over `If-Modified-Since`."""
    if "if-none-match" in headers:
        candidates = [tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")]
        return "*" in candidates or etag in candidates
    if "if-modified-since" in headers and last_modified is not None:
        try:
            since = email.utils.parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and last_modified <= since
    return False


def _rewrite_origin(value: Any, origin: str, key: str = "") -> Any:
    """Point API URLs (in `*url`, `href` and `_links` fields only) at the fake's origin."""
    if isinstance(value, dict):
        return {name: _rewrite_origin(item, origin, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_rewrite_origin(item, origin, key) for item in value]
    url_field = key.endswith("url") or key in ("href", "self", "git")
    if url_field and isinstance(value, str) and value.startswith(f"{API_ORIGIN}/"):
        return origin + value.removeprefix(API_ORIGIN)
    return value


def _token(authorization: str | None) -> tuple[str | None, bool]:
    """The token of `Bearer X` or `token X`, and whether the header was readable at all."""
    if authorization is None:
        return None, True
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return None, False
    return token.strip(), True


def _rate_headers(bucket: RateLimitBucket) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(bucket.limit),
        "x-ratelimit-remaining": str(bucket.remaining),
        "x-ratelimit-used": str(bucket.used),
        "x-ratelimit-reset": str(bucket.reset_at),
        "x-ratelimit-resource": "core",
    }


def _rate_limited(bucket: RateLimitBucket, token: str | None, address: str) -> Response:
    # Message texts as GitHub sends them (research/github_ingest.md §2.4).
    if token is None:
        message = (
            f"API rate limit exceeded for {address}. (But here's the good news: Authenticated "
            "requests get a higher rate limit. Check out the documentation for more details.)"
        )
    else:
        message = "API rate limit exceeded for user ID 1."
    return _error(403, message, bucket, RATE_LIMIT_DOCUMENTATION_URL)


def _error(
    status: int, message: str, bucket: RateLimitBucket, documentation_url: str = DOCUMENTATION_URL
) -> Response:
    body = _json({"message": message, "documentation_url": documentation_url})
    headers = {"content-type": "application/json; charset=utf-8", **_rate_headers(bucket)}
    return Response(body, status, headers)


def _not_found() -> Answer:
    return Answer(404, {"message": "Not Found", "documentation_url": DOCUMENTATION_URL})


def _invalid(resource: str, name: str, value: str) -> Answer:
    error = {"resource": resource, "field": name, "value": value, "code": "invalid"}
    return Answer(
        422,
        {"message": "Validation Failed", "errors": [error], "documentation_url": DOCUMENTATION_URL},
    )


def _positive_int(value: str | None, default: int) -> int:
    """A page or page size; like GitHub, nonsense falls back to the default."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number > 0 else default


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
