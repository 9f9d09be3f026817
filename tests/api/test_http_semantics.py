"""The edge: ETag/304, Last-Modified, cache headers, compression, HEAD, CORS, and that a
cached answer changes when the data or the time-dependent fields do."""

from __future__ import annotations

import email.utils
import gzip
from datetime import timedelta

import brotli
import httpx
import orjson
import pytest
from sqlalchemy import event

from api.app import create_app
from tests.api.conftest import NOW, REPO, store_synced
from tests.conftest import make_settings
from tests.factories import facts, pull, stored

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
CACHED_ROUTES = [
    "/",
    "/v1/proposals",
    "/v1/proposals?state=all&format=csv",
    "/v1/proposals/3",
    "/v1/proposals.atom",
    "/v1/meetings",
    "/v1/meetings/next",
    "/v1/meetings/2025-02-10",
    "/v1/meetings.ics",
    "/v1/members",
    "/v1/status",
    "/openapi.json",
    "/docs",
    "/graphql?query=%7Bproposals%7BtotalCount%7D%7D",
]


@pytest.mark.parametrize("path", CACHED_ROUTES)
async def test_every_cached_route_has_the_edge_headers(client, meetings, path):
    response = await client.get(path)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert response.headers["cache-control"] == CACHE_CONTROL
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["last-modified"].endswith(" GMT")
    again = await client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    head = await client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]
    assert head.headers["etag"] == etag


async def test_conditional_requests(client, meetings):
    first = await client.get("/v1/proposals")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for header in (
        {"if-none-match": f"W/{etag}"},
        {"if-none-match": f'"other", {etag}'},
        {"if-none-match": "*"},
        {"if-modified-since": modified},
    ):
        assert (await client.get("/v1/proposals", headers=header)).status_code == 304, header
    for header in (
        {"if-none-match": '"stale"'},
        {"if-modified-since": "Mon, 01 Jan 2024 00:00:00 GMT"},
        {"if-none-match": '"stale"', "if-modified-since": modified},
    ):
        assert (await client.get("/v1/proposals", headers=header)).status_code == 200, header


async def raw(client, path, **headers):
    """The response with its body as sent (httpx would decode a content coding)."""
    async with client.stream("GET", path, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


async def test_compression_by_the_clients_preference(client, meetings):
    path = "/v1/proposals?state=all"
    plain, identity = await raw(client, path, **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(identity) > 1024
    zipped, body = await raw(client, path, **{"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gz"'
    assert gzip.decompress(body) == identity
    best, body = await raw(client, path, **{"accept-encoding": "gzip;q=0.5, br"})
    assert best.headers["content-encoding"] == "br"
    assert brotli.decompress(body) == identity
    refused, body = await raw(client, path, **{"accept-encoding": "gzip;q=0, br;q=0"})
    assert "content-encoding" not in refused.headers
    assert body == identity
    small, _ = await raw(client, "/v1/meetings/next", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers
    revalidated = await client.get(
        path, headers={"accept-encoding": "gzip", "if-none-match": plain.headers["etag"]}
    )
    assert revalidated.status_code == 304


async def test_preflight_is_answered_for_any_origin(client, meetings):
    response = await client.options(
        "/graphql",
        headers={
            "origin": "https://almalinux.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type"
    assert int(response.headers["access-control-max-age"]) >= 600


async def test_errors_are_not_cached_but_carry_cors(client, meetings):
    response = await client.get("/v1/proposals/999")
    assert response.status_code == 404
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    probe = await client.get("/healthz")
    assert probe.headers["cache-control"] == "no-store"


async def test_hits_run_no_code_and_no_sql(client, meetings):
    edge = client._transport.app.app  # the ASGI app under test is the Edge, observed
    await client.get("/v1/proposals?state=all")
    statements: list[str] = []
    event.listen(meetings, "before_cursor_execute", lambda *args: statements.append(args[2]))
    misses = edge.misses
    for _ in range(5):
        assert (await client.get("/v1/proposals?state=all")).status_code == 200
    assert edge.misses == misses
    assert statements == []


async def test_graphql_posts_are_answered_from_the_cache(client, meetings):
    edge = client._transport.app.app
    query = {"query": "{ proposals(state: ALL) { totalCount } }"}
    first = await client.post("/graphql", json=query)
    misses = edge.misses
    second = await client.post(
        "/graphql",
        content=b'{ "query" : "{ proposals(state: ALL) { totalCount } }" }',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert second.content == first.content
    assert edge.misses == misses
    assert second.headers["access-control-allow-origin"] == "*"
    refused = await client.post(
        "/graphql", content=orjson.dumps(query), headers={"content-type": "text/plain"}
    )
    assert refused.status_code == 400  # the same body, in a type the endpoint refuses
    assert refused.headers["content-type"] == "application/problem+json"


async def test_new_data_and_time_change_what_is_served(engine, committee):
    moments = [NOW]
    app = create_app(make_settings(sync_interval=300), engine, clock=lambda: moments[0])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        before = await client.get("/v1/proposals")
        assert before.json()["meta"]["stale"] is False
        store_synced(engine, stored(REPO, facts(pull(1, "RFC: Renamed", created=1, updated=31))))
        assert await app.app.holder.refresh() is True  # the edge's holder
        after = await client.get("/v1/proposals")
        assert after.headers["etag"] != before.headers["etag"]
        assert [p["title"] for p in after.json()["data"]] == ["RFC: Renamed"]
        assert (
            await client.get("/v1/proposals", headers={"if-none-match": before.headers["etag"]})
        ).status_code == 200
        moments[0] = NOW + timedelta(hours=2)  # three sync intervals without a sync
        later = await client.get("/v1/proposals")
        assert later.json()["meta"]["stale"] is True


async def test_oversized_graphql_bodies_are_refused(client, meetings):
    response = await client.post(
        "/graphql",
        content=b"{" + b" " * 300_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


LINKED = ["/?pretty=0", "/v1/proposals?state=all&limit=2", "/v1/proposals.atom?limit=2"]


def links_of(response: httpx.Response) -> str:
    return response.headers.get("link", "") + response.text


@pytest.mark.parametrize("path", LINKED)
async def test_a_forged_host_never_reaches_another_client(engine, committee, path):
    """Answers with absolute links are cached per host: a request naming another Host
    gets links to it, and nobody else does (cache poisoning)."""
    app = create_app(make_settings(), engine, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        forged = await client.get(path, headers={"host": "evil.example"})
        honest = await client.get(path)
    assert "http://evil.example/" in links_of(forged)
    assert "evil.example" not in links_of(honest)
    assert "http://api.test/" in links_of(honest)


@pytest.mark.parametrize("path", LINKED)
async def test_links_use_the_public_url_when_set(engine, committee, path):
    settings = make_settings(public_url="https://alesco.example.org/")
    app = create_app(settings, engine, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        forged = await client.get(path, headers={"host": "evil.example"})
        honest = await client.get(path)
    assert forged.content == honest.content
    assert forged.headers.get("link") == honest.headers.get("link")
    assert "https://alesco.example.org/" in links_of(honest)
    assert "evil.example" not in links_of(forged)
    assert "api.test" not in links_of(honest)


async def test_indented_json_varies_by_agent_and_compact_json_does_not(client, meetings):
    curl = await client.get("/v1/proposals", headers={"user-agent": "curl/8.5.0"})
    browser = await client.get("/v1/proposals", headers={"user-agent": "Mozilla/5.0"})
    assert curl.text.startswith("{\n")
    assert curl.headers["vary"] == "Accept, Accept-Encoding, User-Agent"
    assert not browser.text.startswith("{\n")
    assert browser.headers["vary"] == "Accept, Accept-Encoding"


@pytest.mark.parametrize(
    ("path", "methods"),
    [("/v1/status", {"GET", "HEAD", "OPTIONS"}), ("/graphql", {"GET", "HEAD", "POST", "OPTIONS"})],
)
async def test_preflight_names_the_routes_own_methods(client, meetings, path, methods):
    response = await client.options(
        path, headers={"origin": "https://x.example", "access-control-request-method": "GET"}
    )
    assert response.status_code == 204
    assert set(response.headers["access-control-allow-methods"].split(", ")) == methods
    assert set(response.headers["allow"].split(", ")) == methods


async def test_preflight_of_an_unknown_route_is_a_404_problem(client, meetings):
    response = await client.options("/nowhere", headers={"access-control-request-method": "GET"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_if_modified_since_in_every_http_date_format(client, meetings):
    """RFC 9110 §5.6.7: IMF-fixdate, RFC 850 and asctime dates are all to be understood."""
    first = await client.get("/v1/proposals")
    modified = email.utils.parsedate_to_datetime(first.headers["last-modified"])
    later = modified + timedelta(seconds=5)
    for since in (
        email.utils.format_datetime(later, usegmt=True),
        later.strftime("%A, %d-%b-%y %H:%M:%S GMT"),
        f"{later:%a %b} {later.day:2d} {later:%H:%M:%S %Y}",  # asctime
    ):
        response = await client.get("/v1/proposals", headers={"if-modified-since": since})
        assert response.status_code == 304, since
