"""`ObservedApp.answer_whole` (the bytes `api.edge.fast_protocol` writes) against the ASGI path:
for every variant of a request, the same status, headers and body, kept or not."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import timedelta

import brotli
import httpx
import pytest

from api.app import create_app
from tests.api.conftest import NOW, REPO, store_synced
from tests.conftest import make_settings
from tests.factories import facts, pull, stored

PER_REQUEST = {"x-request-id"}
DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "identity": lambda body: body,
    "gzip": gzip.decompress,
    "br": brotli.decompress,
}
LIST = "/v1/proposals"


def parsed(head: bytes) -> dict[str, str]:
    """Header lines as a dict, the way httpx shows them (names lowercased)."""
    lines = head.decode("latin-1").split("\r\n")
    fields = (line.split(":", 1) for line in lines if line)
    return {name.lower(): value.strip() for name, value in fields}


def variants(etag: str) -> list[tuple[str, str, dict[str, str]]]:
    """Requests alike but for one deciding header, and some headers that decide nothing."""
    return [
        ("GET", "state=all", {}),
        ("GET", "state=all", {"accept-encoding": "gzip"}),
        ("GET", "state=all", {"accept-encoding": "br;q=1, gzip;q=0.5"}),
        ("GET", "state=all", {"accept": "text/csv"}),
        ("GET", "state=all", {"user-agent": "curl/8.5.0"}),
        ("GET", "state=all", {"user-agent": "Mozilla/5.0"}),
        ("GET", "state=all", {"if-none-match": etag}),
        ("GET", "state=all", {"if-none-match": '"other"'}),
        ("GET", "state=all", {"if-modified-since": "Sun, 01 Jan 2090 00:00:00 GMT"}),
        ("GET", "state=all", {"host": "mirror.example"}),
        ("GET", "state=all", {"x-anything": "decides nothing", "cookie": "a=b"}),
        ("HEAD", "state=all", {"accept-encoding": "gzip"}),
        ("GET", "state=open", {}),
    ]


@pytest.fixture
async def api(engine, meetings):
    moments = [NOW]
    app = create_app(make_settings(sync_interval=300), engine, clock=lambda: moments[0])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield app, client, moments


async def wire_and_asgi(app, client, method, query, headers):
    """The same request (httpx's default headers too) asked of the ASGI path, then of
    `answer_whole`."""
    asgi = await client.request(method, f"{LIST}?{query}", headers=headers)
    sent = {name.lower(): value for name, value in asgi.request.headers.raw}
    found = app.answer_whole(method, LIST, query.encode(), sent, "http")
    return asgi, found


async def test_every_variant_gets_what_the_asgi_path_gives(api):
    app, client, _ = api
    etag = (await client.get(f"{LIST}?state=all")).headers["etag"]
    computed = []
    for round_ in ("computed", "kept"):
        for number, (method, query, headers) in enumerate(variants(etag)):
            asgi, found = await wire_and_asgi(app, client, method, query, headers)
            assert found is not None, (round_, method, query, headers)
            answer, request_id = found
            if round_ == "computed":
                computed.append(answer)
            else:
                assert answer is computed[number]
            wire_headers = parsed(answer.head)
            expected = {k: v for k, v in asgi.headers.items() if k not in PER_REQUEST}
            assert (answer.status, wire_headers) == (asgi.status_code, expected), headers
            # httpx decodes what it received; the wire holds the coded bytes it sends.
            decode = DECODERS[wire_headers.get("content-encoding", "identity")]
            assert decode(answer.body) == asgi.content, headers
            assert request_id != asgi.headers["x-request-id"].encode()


async def test_new_data_and_a_new_epoch_change_the_kept_answer(api, engine):
    app, client, moments = api
    await client.get(LIST)  # computed and cached by the ASGI path
    before, _ = app.answer_whole("GET", LIST, b"", {b"host": b"testserver"}, "http")
    again, _ = app.answer_whole("GET", LIST, b"", {b"host": b"testserver"}, "http")
    assert again is before  # kept
    store_synced(engine, stored(REPO, facts(pull(1, "RFC: Renamed", created=1, updated=31))))
    assert await app.app.holder.refresh() is True
    assert app.answer_whole("GET", LIST, b"", {b"host": b"testserver"}, "http") is None
    renamed = await client.get(LIST)
    after, _ = app.answer_whole("GET", LIST, b"", {b"host": b"testserver"}, "http")
    assert after.body == renamed.content != before.body
    moments[0] = NOW + timedelta(hours=2)  # a new epoch: stale now, computed again
    assert app.answer_whole("GET", LIST, b"", {b"host": b"testserver"}, "http") is None
    assert (await client.get(LIST)).json()["meta"]["stale"] is True


async def test_unknown_paths_and_unsure_schemes_are_left_to_asgi(api):
    app, client, _ = api
    await client.get(LIST)
    headers = {b"host": b"testserver"}
    assert app.answer_whole("GET", LIST, b"", headers, "http") is not None
    assert app.answer_whole("GET", "/v1/nowhere", b"", headers, "http") is None
    assert app.answer_whole("GET", LIST, b"", headers, None) is None  # a proxy may change it
    assert app.answer_whole("DELETE", LIST, b"", headers, "http") is None
