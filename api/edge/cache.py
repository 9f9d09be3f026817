"""The edge: an ASGI layer in front of the API that serves like a CDN.

Every GET/HEAD answer is a cached representation, keyed by the read model's version, a
30-second epoch (time-dependent fields such as `meta.stale` and `next_vote`), the path and
query, and the negotiated variant (format by `Accept`, indentation for curl-like clients,
content coding). A hit costs a dict lookup: the router, the handler and serialization run
once per version and representation. On top of every cacheable answer:

- a strong `ETag` (hash of the identity body; `-gz` / `-br` for coded variants) and
  `304 Not Modified` on `If-None-Match` (or `If-Modified-Since`);
- `Last-Modified` from the last successful sync of any source;
- `Cache-Control: public, max-age=60, stale-while-revalidate=600, stale-if-error=86400`
  and `Vary: Accept, Accept-Encoding`;
- gzip or brotli (the client's preference) for bodies over 1 KB, compressed once;
- CORS for everyone (`Access-Control-Allow-Origin: *`, public data, no credentials), and
  preflight answered here.
`POST /graphql` bodies with the same query, variables and operation are answered from the
same cache. Health probes are never cached.
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from api.edge.asgi_bodies import (
    Answer,
    collect_answer,
    read_body,
    replay_body,
    send_answer,
    send_body,
)
from api.edge.cache_entries import (
    CORS,
    VARY,
    VARY_BY_AGENT,
    Entry,
    Generation,
    not_modified_since,
    tag_matches,
)
from api.edge.refusals import send_problem
from api.formats.negotiation import (
    accepted_format,
    chosen_encoding,
    is_human_agent,
)
from api.model_holder import ModelHolder

PREFLIGHT = [*CORS, (b"access-control-max-age", b"86400")]
METHOD_ORDER = ("GET", "HEAD", "POST", "OPTIONS")
ALLOWED_REQUEST_HEADERS = b"Accept, Content-Type, If-None-Match, If-Modified-Since"
NEVER_CACHED = frozenset({"/healthz", "/readyz", "/metrics"})
EPOCH_SECONDS = 30
MAX_CACHED_BODY = 4 * 1024 * 1024


def _request_headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


class Edge:
    def __init__(self, app: ASGIApp, holder: ModelHolder) -> None:
        self.app = app
        self.holder = holder
        self._generation: tuple[Any, ...] | None = None
        self._model: object = None  # the model and epoch `_generation` was last checked for
        self._epoch = -1
        self._entries = Generation()
        self._last_modified: bytes | None = None
        # Links built from the request's Host (no public URL configured) make the answer
        # depend on the origin asked for: then it is part of the key (`api.links`).
        self._by_origin = holder.settings.public_url is None
        self.max_graphql_body = holder.settings.max_graphql_body
        self.hits = 0  # answers served from the cache
        self.misses = 0  # answers the API had to compute

    @property
    def counts(self) -> tuple[int, int]:
        """(hits, misses) so far."""
        return self.hits, self.misses

    def current(self) -> Generation:
        """The cache of the current model version and epoch; older ones are dropped. A new
        dict whenever the cache was emptied, so its identity names a generation."""
        model = self.holder.model
        epoch = int(self.holder.clock().timestamp()) // EPOCH_SECONDS
        # The same model object in the same epoch is the common case, told apart without
        # comparing versions (a dataclass comparison costs microseconds).
        if model is not self._model or epoch != self._epoch:
            self._model, self._epoch = model, epoch
            generation = (model.version, model.today, epoch)
            if generation != self._generation:
                self._generation = generation
                self._entries = Generation()
                successes = [
                    success.finished_at for _, success in model.runs.latest.values() if success
                ]
                self._last_modified = (
                    email.utils.format_datetime(max(successes), usegmt=True).encode()
                    if successes
                    else None
                )
        return self._entries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method in ("GET", "HEAD") and scope["path"] not in NEVER_CACHED:
            await self._cached(scope, receive, send)
        elif method == "OPTIONS":
            await self._preflight(scope, receive, send)
        elif method == "POST" and scope["path"] == "/graphql":
            await self._graphql_post(scope, receive, send)
        else:
            await self._passthrough(scope, receive, send)

    def _answer(
        self, method: str, entry: Entry, headers: Mapping[bytes, bytes], conditional: bool = True
    ) -> Answer:
        """The status, headers and body that `entry` gives this request."""
        wanted = chosen_encoding(headers.get(b"accept-encoding", b"").decode("latin-1"))
        coding, variant_headers, body = entry.variant(wanted, self._last_modified)
        if conditional and self._fresh(headers, entry):
            return 304, entry.not_modified[coding], b""
        return entry.status, variant_headers, b"" if method == "HEAD" else body

    def cached_answer(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: Mapping[bytes, bytes],
        scheme: str | None,
        body: bytes = b"",
        max_body: int | None = None,
    ) -> Answer | None:
        """The answer to a GET, a HEAD or a whole `POST /graphql` when the cache holds it,
        else None: a dict lookup, with no I/O, so that `api.edge.fast_protocol` can call it
        before any ASGI machinery. `scheme` is the one the request's links would use; None
        when not known yet. `max_body`: None too for a larger body."""
        if scheme is None and self._by_origin:
            return None
        if method == "POST":
            key = self._graphql_key(path, query_string, headers, scheme, body)
        elif method in ("GET", "HEAD") and path not in NEVER_CACHED:
            key = self._key(False, path, query_string, headers, scheme)
        else:
            return None
        entry = None if key is None else self.current().get(key)
        if entry is None or (max_body is not None and len(entry.body) > max_body):
            return None
        self.hits += 1
        return self._answer(method, entry, headers, conditional=method != "POST")

    async def _respond(
        self,
        scope: Scope,
        send: Send,
        entry: Entry,
        headers: Mapping[bytes, bytes],
        conditional: bool = True,
    ) -> None:
        await send_answer(send, self._answer(scope["method"], entry, headers, conditional))

    def _fresh(self, headers: Mapping[bytes, bytes], entry: Entry) -> bool:
        """Does the client already hold this representation? `If-None-Match` decides when
        sent (RFC 9110 §13.2.2); else `If-Modified-Since`."""
        if_none_match = headers.get(b"if-none-match")
        if if_none_match is not None:
            return tag_matches(if_none_match, entry.tag)
        since = headers.get(b"if-modified-since")
        return since is not None and not_modified_since(since, self._last_modified)

    def _key(
        self,
        post: bool,
        path: str,
        query_string: bytes,
        headers: Mapping[bytes, bytes],
        scheme: str | None,
    ) -> tuple[Any, ...]:
        accept = headers.get(b"accept", b"").decode("latin-1")
        # The Host as sent, not lower-cased: links repeat it as sent (`api.links`).
        origin = (headers.get(b"host", b""), scheme) if self._by_origin else None
        return (
            post,
            path,
            query_string,
            accepted_format(accept),
            is_human_agent(headers.get(b"user-agent", b"")),
            origin,
        )

    async def _cached(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _request_headers(scope)
        method, path, query_string = scope["method"], scope["path"], scope["query_string"]
        answer = self.cached_answer(method, path, query_string, headers, scope["scheme"])
        if answer is not None:
            await send_answer(send, answer)
            return
        self.misses += 1
        entries = self.current()  # the generation the answer is computed in, kept with it
        status, response_headers, body = await collect_answer(
            self.app, {**scope, "method": "GET"}, receive
        )
        key = self._key(False, path, query_string, headers, scope["scheme"])
        entry = self._store(entries, key, status, response_headers, body, headers)
        if entry is None:
            await self._forward(scope, send, status, response_headers, body)
            return
        await self._respond(scope, send, entry, headers)

    def _store(
        self,
        entries: Generation,
        key: tuple[Any, ...],
        status: int,
        headers: list[Any],
        body: bytes,
        request_headers: Mapping[bytes, bytes],
    ) -> Entry | None:
        if status != 200 or len(body) > MAX_CACHED_BODY:
            return None
        kept = [(name, value) for name, value in headers if name.lower() != b"content-length"]
        content_type = next((value for name, value in kept if name.lower() == b"content-type"), b"")
        indented = content_type.startswith(b"application/json") and is_human_agent(
            request_headers.get(b"user-agent", b"")
        )
        tag = hashlib.blake2b(body, digest_size=12).hexdigest()
        entry = Entry(status, kept, body, tag, VARY_BY_AGENT if indented else VARY)
        entries.keep(key, entry)
        return entry

    async def _forward(
        self, scope: Scope, send: Send, status: int, headers: list[Any], body: bytes
    ) -> None:
        """An answer we do not cache (an error, a probe): CORS, and no caching downstream."""
        names = {name.lower() for name, _ in headers}
        extra = list(CORS)
        if b"cache-control" not in names:
            extra.append((b"cache-control", b"no-store"))
        await send({"type": "http.response.start", "status": status, "headers": headers + extra})
        await send_body(send, b"" if scope["method"] == "HEAD" else body)

    async def _passthrough(self, scope: Scope, receive: Receive, send: Send) -> None:
        status, headers, body = await collect_answer(self.app, scope, receive)
        await self._forward(scope, send, status, headers, body)

    async def _preflight(self, scope: Scope, receive: Receive, send: Send) -> None:
        """`OPTIONS` names the methods of the route asked about; an unknown route is the
        API's 404 problem."""
        methods = self._route_methods(scope)
        if methods is None:
            await self._passthrough(scope, receive, send)
            return
        listed = ", ".join(m for m in METHOD_ORDER if m in methods or m == "OPTIONS").encode()
        headers = _request_headers(scope)
        allowed = headers.get(b"access-control-request-headers", ALLOWED_REQUEST_HEADERS)
        response = [
            *PREFLIGHT,
            (b"access-control-allow-methods", listed),
            (b"allow", listed),
            (b"access-control-allow-headers", allowed),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": response})
        await send({"type": "http.response.body", "body": b""})

    def _route_methods(self, scope: Scope) -> set[str] | None:
        """The methods the route matching this path accepts; None when no route does."""
        for route in getattr(self.app, "routes", ()):
            match, _ = route.matches({**scope, "method": "GET"})
            if match != Match.NONE:
                return set(getattr(route, "methods", None) or ())
        return None

    async def _graphql_post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive, self.max_graphql_body)
        headers = _request_headers(scope)
        if body is None:
            detail = f"GraphQL request bodies are limited to {self.max_graphql_body} bytes."
            await send_problem(send, 413, detail, scope["path"])
            return
        replay = replay_body(body)
        path, query_string, scheme = scope["path"], scope["query_string"], scope["scheme"]
        key = self._graphql_key(path, query_string, headers, scheme, body)
        if key is None:
            await self._passthrough(scope, replay, send)
            return
        entries = self.current()
        entry = entries.get(key)
        if entry is None:
            self.misses += 1
            status, response_headers, answer = await collect_answer(self.app, scope, replay)
            entry = self._store(entries, key, status, response_headers, answer, headers)
            if entry is None:
                await self._forward(scope, send, status, response_headers, answer)
                return
        else:
            self.hits += 1
        await self._respond(scope, send, entry, headers, conditional=False)

    def _graphql_key(
        self,
        path: str,
        query_string: bytes,
        headers: Mapping[bytes, bytes],
        scheme: str | None,
        body: bytes,
    ) -> tuple[Any, ...] | None:
        """The cache key of a GraphQL POST; None when its answer is never shared. Only JSON
        bodies share answers: the endpoint refuses other content types, and a refusal must
        not turn into a cached answer because the same body came as JSON."""
        if path != "/graphql" or len(body) > self.max_graphql_body:
            return None
        if not headers.get(b"content-type", b"").lower().startswith(b"application/json"):
            return None
        try:
            canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONDecodeError, orjson.JSONEncodeError):
            # Not JSON, or JSON orjson reads (1,024 levels deep) but cannot write back
            # (254 levels): the endpoint answers it, uncached.
            return None
        return (*self._key(True, path, query_string, headers, scheme), canonical)
