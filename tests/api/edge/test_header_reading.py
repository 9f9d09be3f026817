"""One reading of every deciding header (`api.edge.header_reading`): a repeated one is a 400
problem on every route, on the quick path and the ASGI path alike, on both databases, and
no answer another client gets changes (the cache poisoning this rule closes)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from alesco.settings import Settings
from api.app import create_app
from api.edge.fast_protocol import cache_hit_protocol
from api.edge.header_reading import DECIDING_HEADERS, duplicated_header
from api.edge.wire_answers import KEY_HEADERS
from tests.api.edge.test_connection_guard import answer_of
from tests.api.edge.test_fast_protocol import read_answers
from tests.conftest import make_settings
from tests.fakes.server import serve_in_thread

ROUTES = (
    "/",
    "/v1/proposals",
    "/v1/proposals?state=all&format=csv",
    "/v1/proposals/1",
    "/v1/proposals.atom",
    "/v1/meetings",
    "/v1/meetings/next",
    "/v1/meetings/2026-10-01",
    "/v1/meetings.ics",
    "/v1/members",
    "/v1/status",
    "/openapi.json",
    "/docs",
    "/widget.js",
    "/widget",
    "/graphql?query=%7Bstatus%7BdataVersion%7D%7D",
    "/healthz",
    "/readyz",
    "/metrics",
    "/no/such/route",
)
# Each repeated header as an attacker would send it: the value a normal client sends
# second (the one `dict()` keeps), another first (the one Starlette reads).
REPEATS = {
    b"accept": (b"text/csv", b"application/json"),
    b"user-agent": (b"curl/8.0", b"Mozilla/5.0"),
    b"host": (b"evil.example", b"api.test"),
    b"accept-encoding": (b"gzip", b"identity"),
    b"if-none-match": (b"*", b'"nothing"'),
    b"if-modified-since": (b"Thu, 01 Jan 2099 00:00:00 GMT", b"Thu, 01 Jan 1970 00:00:00 GMT"),
    b"origin": (b"https://evil.example", b"https://api.test"),
    b"x-request-id": (b"forged", b"mine"),
    b"x-forwarded-proto": (b"javascript", b"http"),
    b"content-type": (b"text/plain", b"application/json"),
}


def request_bytes(path: str, headers: list[tuple[bytes, bytes]], method: bytes = b"GET") -> bytes:
    lines = [b"%s %s HTTP/1.1" % (method, path.encode())]
    lines += [b"%s: %s" % header for header in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


NORMAL = [(b"host", b"api.test"), (b"accept", b"application/json"), (b"user-agent", b"Mozilla/5.0")]


@pytest.fixture
def served(engine: Any, meetings: Any) -> Iterator[str]:
    settings: Settings = make_settings(database_url=str(engine.url))
    app = create_app(settings, engine)
    with serve_in_thread(app, lifespan=True, protocol=cache_hit_protocol(app), ws="none") as url:
        yield url.removeprefix("http://")


def connect(address: str) -> socket.socket:
    host, port = address.split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def normal_answers(address: str) -> dict[str, tuple[int, str, bytes]]:
    """What an ordinary client gets from every route: status, type, body."""
    answers = {}
    with connect(address) as connection:
        for path in ROUTES:
            connection.sendall(request_bytes(path, NORMAL))
            status, headers, body = answer_of(connection)
            answers[path] = (status, headers.get("content-type", ""), body)
    return answers


def comparable(answers: dict[str, tuple[int, str, bytes]]) -> dict[str, Any]:
    """Answers without what differs per request (metrics count requests; ids vary)."""
    return {path: answer for path, answer in answers.items() if path != "/metrics"}


def test_every_deciding_header_repeated_is_refused_on_every_route_and_path(served: str) -> None:
    before = normal_answers(served)  # warm: the quick path now holds these answers
    for path in ROUTES:
        for name, (first, second) in REPEATS.items():
            others = [(key, value) for key, value in NORMAL if key != name]
            attack = request_bytes(path, [*others, (name, first), (name, second)])
            with connect(served) as idle:  # a whole request on an idle connection: quick
                idle.sendall(attack)
                assert_refused(answer_of(idle), name, path)
            with connect(served) as busy:  # behind another in one write: uvicorn and ASGI
                busy.sendall(request_bytes("/v1/proposals", NORMAL) + attack)
                first_answer, second_answer = read_answers(busy, 2)
                assert first_answer.startswith(b"HTTP/1.1 200 ")
                assert second_answer.startswith(b"HTTP/1.1 400 "), (path, name)
    assert comparable(normal_answers(served)) == comparable(before)


def assert_refused(answer: tuple[int, dict[str, str], bytes], name: bytes, path: str) -> None:
    status, headers, body = answer
    assert status == 400, (path, name, body[:200])
    assert headers["content-type"] == "application/problem+json"
    assert headers["cache-control"] == "no-store"
    assert repr(name.decode()) in orjson.loads(body)["detail"]


def test_a_repeated_header_on_a_graphql_post_and_a_preflight_is_refused(served: str) -> None:
    body = b'{"query": "{ status { dataVersion } }"}'
    post = request_bytes(
        "/graphql",
        [
            *NORMAL,
            (b"content-type", b"application/json"),
            (b"content-type", b"text/plain"),
            (b"content-length", b"%d" % len(body)),
        ],
        b"POST",
    )
    preflight = request_bytes(
        "/v1/proposals",
        [
            *NORMAL,
            (b"access-control-request-headers", b"x-a"),
            (b"access-control-request-headers", b"x-b"),
        ],
        b"OPTIONS",
    )
    for attack, name in ((post[:-4] + b"\r\n\r\n" + body, b"content-type"), (preflight, None)):
        with connect(served) as connection:
            connection.sendall(attack)
            assert_refused(answer_of(connection), name or b"access-control-request-headers", "")


def test_the_key_of_an_answer_is_made_of_deciding_headers_only() -> None:
    """A header the cache keys by, if repeated, would be read two ways: it must be one
    the rule refuses to see twice."""
    assert set(KEY_HEADERS) <= DECIDING_HEADERS


@pytest.mark.parametrize(
    ("headers", "found"),
    [
        pytest.param([(b"accept", b"a"), (b"host", b"h")], None, id="each-once"),
        pytest.param([(b"accept", b"a"), (b"accept", b"a")], b"accept", id="same-twice"),
        pytest.param([(b"cookie", b"a"), (b"cookie", b"b")], None, id="undeciding-twice"),
        pytest.param([(b"x-forwarded-for", b"a"), (b"x-forwarded-for", b"b")], None, id="xff"),
        pytest.param([(b"host", b"a"), (b"accept", b""), (b"host", b"")], b"host", id="empty"),
    ],
)
def test_duplicated_header(headers: list[tuple[bytes, bytes]], found: bytes | None) -> None:
    assert duplicated_header(headers) == found
