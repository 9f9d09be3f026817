"""Cache hits answered by `api.edge.fast_protocol` inside uvicorn: the same answers as the ASGI
path, over a real socket, with the order, keep-alive and metrics of HTTP kept."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from sqlalchemy import Engine

from alesco.database.db import create_db_engine
from alesco.database.migrate import upgrade
from alesco.storage.snapshot import install_snapshot
from alesco.timestamps import utc_now
from api.app import create_app
from api.edge.fast_protocol import MAX_HELD, cache_hit_protocol
from tests.conftest import make_settings
from tests.fakes.server import serve_in_thread

OPEN_LIST = "/v1/proposals?state=open"
PER_REQUEST = {"date", "x-request-id"}


@pytest.fixture(scope="module")
def snapshot_engine(tmp_path_factory: Any) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("fast") / "alesco.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    assert install_snapshot(engine, utc_now())
    yield engine
    engine.dispose()


def frozen_app(engine: Engine, moments: list[datetime] | None = None) -> Any:
    """The API with its clock stopped (at `moments[0]`, which a test may move): no
    30-second epoch ends (and empties the cache) while a test counts quick answers."""
    moments = moments or [utc_now()]
    settings = make_settings(database_url=str(engine.url))
    return create_app(settings, engine, clock=lambda: moments[0])


@pytest.fixture
def served(snapshot_engine: Engine) -> Iterator[tuple[Any, str]]:
    """The API under uvicorn with the cache-hit protocol, as `alesco serve` runs it."""
    app = frozen_app(snapshot_engine)
    with serve_in_thread(app, lifespan=True, protocol=cache_hit_protocol(app)) as url:
        yield app, url


def stable(headers: httpx.Headers) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in PER_REQUEST}


def read_answers(connection: socket.socket, answers: int) -> list[bytes]:
    """Read `answers` whole responses (by Content-Length) from `connection`."""
    buffer, responses = b"", []
    while len(responses) < answers:
        while b"\r\n\r\n" not in buffer:
            chunk = connection.recv(65536)
            assert chunk, f"connection closed after {len(responses)} answers"
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(buffer) < length:
            buffer += connection.recv(65536)
        responses.append(head + b"\r\n\r\n" + buffer[:length])
        buffer = buffer[length:]
    assert not buffer, "more bytes than the answers asked for"
    return responses


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def raw_exchange(url: str, request: bytes, answers: int) -> list[bytes]:
    """Send `request` bytes at once on one socket; read `answers` responses."""
    with connect(url) as connection:
        connection.sendall(request)
        return read_answers(connection, answers)


def test_a_hit_gets_the_answer_asgi_gave_the_miss(served):
    app, url = served
    with httpx.Client(base_url=url) as client:
        miss = client.get(OPEN_LIST)
        assert app.early_answers == 0
        hit = client.get(OPEN_LIST)
    assert app.early_answers == 1
    assert (hit.status_code, stable(hit.headers), hit.content) == (
        miss.status_code,
        stable(miss.headers),
        miss.content,
    )
    assert hit.headers["date"]
    assert hit.headers["x-request-id"] != miss.headers["x-request-id"]


def test_head_conditional_and_compressed_hits(served):
    app, url = served
    with httpx.Client(base_url=url) as client:
        full = client.get(OPEN_LIST, headers={"accept-encoding": "identity"})
        head = client.head(OPEN_LIST, headers={"accept-encoding": "identity"})
        not_modified = client.get(
            OPEN_LIST,
            headers={"if-none-match": full.headers["etag"], "accept-encoding": "identity"},
        )
        gzipped = client.get(OPEN_LIST, headers={"accept-encoding": "gzip"})
    assert app.early_answers == 3
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == full.headers["etag"]
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.content == full.content  # httpx decoded it


def hit_request(url: str, request_id: bytes) -> bytes:
    host = urlsplit(url).netloc.encode()  # the Host httpx sent: part of the cache key
    return (
        b"GET " + OPEN_LIST.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"X-Request-ID: " + request_id + b"\r\n\r\n"
    )


def test_pipelined_answers_keep_their_order_and_the_connection_comes_back(served):
    app, url = served
    httpx.get(url + OPEN_LIST)  # cached now
    pipelined = (
        hit_request(url, b"probe-1")
        + b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"  # never cached: an ASGI task
        + hit_request(url, b"probe-3")
    )
    with connect(url) as connection:
        connection.sendall(pipelined)
        first, health, third = read_answers(connection, 3)
        assert app.early_answers == 0  # several requests in one chunk: all uvicorn's
        connection.sendall(hit_request(url, b"probe-4"))
        (fourth,) = read_answers(connection, 1)
    assert app.early_answers == 1  # the connection is idle again: quick answers resume
    assert b'"status"' in health.split(b"\r\n\r\n", 1)[1]
    for answer, request_id in ((first, b"probe-1"), (third, b"probe-3"), (fourth, b"probe-4")):
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"\r\nx-request-id: " + request_id + b"\r\n" in answer
        assert b'"data"' in answer


def send_in_parts(connection: socket.socket, *parts: bytes) -> None:
    """Each part its own segment, read apart by the server."""
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for part in parts:
        connection.sendall(part)
        time.sleep(0.05)


def test_a_request_in_parts_is_answered_once_whole(served):
    app, url = served
    httpx.get(url + OPEN_LIST)
    request = hit_request(url, b"split")
    with connect(url) as connection:
        send_in_parts(connection, request[:5], request[5:30], request[30:])
        (split,) = read_answers(connection, 1)
        assert app.early_answers == 1
        connection.sendall(hit_request(url, b"whole"))
        (whole,) = read_answers(connection, 1)
    assert app.early_answers == 2
    assert split.split(b"\r\n\r\n", 1)[1] == whole.split(b"\r\n\r\n", 1)[1]
    assert b"\r\nx-request-id: split\r\n" in split


def graphql_post(url: str, body: bytes, *extra: bytes) -> bytes:
    host = urlsplit(url).netloc.encode()
    return (
        b"POST /graphql HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n"
        % len(body)
        + b"".join(extra)
        + b"\r\n"
    )


def test_a_graphql_post_whose_body_comes_later_is_answered_whole(served):
    app, url = served
    body = b'{"query": "{ proposals(state: OPEN, first: 3) { totalCount } }"}'
    miss = httpx.post(url + "/graphql", content=body, headers={"content-type": "application/json"})
    with connect(url) as connection:
        send_in_parts(connection, graphql_post(url, body), body)
        (answer,) = read_answers(connection, 1)
    assert app.early_answers == 1
    assert answer.split(b"\r\n\r\n", 1)[1] == miss.content


def test_a_client_awaiting_100_continue_gets_it(served):
    app, url = served
    body = b'{"query": "{ proposals(state: OPEN, first: 3) { totalCount } }"}'
    httpx.post(url + "/graphql", content=body, headers={"content-type": "application/json"})
    with connect(url) as connection:
        connection.sendall(graphql_post(url, body, b"Expect: 100-continue\r\n"))
        interim = connection.recv(65536)  # the body is sent only after this
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(body)
        (answer,) = read_answers(connection, 1)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert app.early_answers == 0  # uvicorn's to answer: it sent the 100


def test_a_request_bigger_than_what_is_held_goes_to_uvicorn(served):
    app, url = served
    httpx.get(url + OPEN_LIST)
    host = urlsplit(url).netloc.encode()
    padding = b"X-Padding: " + b"p" * (MAX_HELD + 1) + b"\r\n"
    head = b"GET " + OPEN_LIST.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + padding
    with connect(url) as connection:
        send_in_parts(connection, head, b"\r\n")
        (answer,) = read_answers(connection, 1)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert app.early_answers == 0


def test_connection_close_and_http_1_0(served):
    app, url = served
    httpx.get(url + OPEN_LIST)
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(
            b"GET "
            + OPEN_LIST.encode()
            + b" HTTP/1.1\r\nHost: "
            + parts.netloc.encode()
            + b"\r\nConnection: close\r\n\r\n"
        )
        received = b""
        while chunk := connection.recv(65536):  # ends when the server closes
            received += chunk
    assert app.early_answers == 1
    assert b"\r\nconnection: close\r\n" in received.lower()
    (old,) = raw_exchange(url, b"GET " + OPEN_LIST.encode() + b" HTTP/1.0\r\n\r\n", 1)
    assert old.startswith(b"HTTP/1.1 200")
    assert app.early_answers == 1  # HTTP/1.0 is left to uvicorn


def test_hits_are_counted_in_metrics(served):
    app, url = served
    with httpx.Client(base_url=url) as client:
        for _ in range(3):
            client.get(OPEN_LIST)
        metrics = client.get("/metrics").text
    assert app.early_answers == 2
    line = 'alesco_http_requests_total{method="GET",route="/v1/proposals",status="200"} 3.0'
    assert line in metrics


def test_hosts_are_kept_apart_and_proxied_schemes_left_to_uvicorn(served):
    app, url = served
    with httpx.Client(base_url=url) as client:
        client.get("/?pretty=0")
        forged = client.get("/?pretty=0", headers={"host": "evil.example"})
        honest = client.get("/?pretty=0")
        assert app.early_answers == 1  # the forged Host missed; the honest one hit
        proxied = client.get("/?pretty=0", headers={"x-forwarded-proto": "https"})
    assert "http://evil.example/" in forged.text
    assert "evil.example" not in honest.text
    assert app.early_answers == 1  # its scheme is uvicorn's proxy middleware's to decide
    assert proxied.status_code == 200


def test_a_request_http_cannot_parse_is_a_problem(served):
    _, url = served
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(b"FOO /v1/proposals HTTP/1.1\r\nHost: t\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):  # the server closes after answering
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"\r\ncontent-type: application/problem+json\r\n" in head
    assert orjson.loads(body)["status"] == 400


def test_graphql_posts_are_answered_whole_from_the_cache(served):
    app, url = served
    query = b'{"query": "{ proposals(state: OPEN, first: 5) { totalCount } }"}'
    with httpx.Client(base_url=url) as client:
        miss = client.post("/graphql", content=query, headers={"content-type": "application/json"})
        hit = client.post("/graphql", content=query, headers={"content-type": "application/json"})
        assert app.early_answers == 1
        refused = client.post("/graphql", content=query, headers={"content-type": "text/plain"})
    assert app.early_answers == 1  # a type the endpoint refuses is never a cached answer
    assert (hit.status_code, stable(hit.headers), hit.content) == (
        miss.status_code,
        stable(miss.headers),
        miss.content,
    )
    assert orjson.loads(hit.content)["data"]["proposals"]["totalCount"] >= 0
    assert refused.status_code == 400


def test_quick_answers_keep_a_busy_connection_open_and_an_idle_one_closes(snapshot_engine):
    app = frozen_app(snapshot_engine)
    protocol = cache_hit_protocol(app)
    with serve_in_thread(app, lifespan=True, protocol=protocol, keep_alive=1) as url:
        httpx.get(url + OPEN_LIST)
        with connect(url) as connection:
            started = time.monotonic()
            for number in range(6):  # 1.5 s of requests, 0.3 s apart: past the timeout
                connection.sendall(hit_request(url, b"busy-%d" % number))
                read_answers(connection, 1)
                time.sleep(0.3)
            assert time.monotonic() - started > 1.5
            assert app.early_answers == 6
            idle_since = time.monotonic()
            assert connection.recv(1) == b""  # closed by the server
            assert 0.5 < time.monotonic() - idle_since < 3


def test_a_request_seen_before_skips_the_parser_but_never_the_cache(snapshot_engine):
    moments = [utc_now()]
    app = frozen_app(snapshot_engine, moments)
    protocol = cache_hit_protocol(app)
    with serve_in_thread(app, lifespan=True, protocol=protocol) as url:
        httpx.get(url + OPEN_LIST)
        again = hit_request(url, b"again")
        with connect(url) as connection:
            connection.sendall(again)
            (first,) = read_answers(connection, 1)
            assert list(protocol.parsed_before) == [again]  # kept as parsed
            connection.sendall(again)
            (second,) = read_answers(connection, 1)
            assert app.early_answers == 2
            send_in_parts(connection, again[:10], again[10:])  # in parts: parsed anew
            (third,) = read_answers(connection, 1)
            assert app.early_answers == 3
            moments[0] += timedelta(minutes=1)  # a new epoch: the cache starts empty
            connection.sendall(again)
            (fourth,) = read_answers(connection, 1)
            assert app.early_answers == 3  # known bytes, but no answer cached: uvicorn's
            connection.sendall(again)
            (fifth,) = read_answers(connection, 1)
            assert app.early_answers == 4
    answers = (first, second, third, fourth, fifth)
    for answer in answers:
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"\r\nx-request-id: again\r\n" in answer
    for same_epoch in (answers[:3], answers[3:]):
        assert len({answer.split(b"\r\n\r\n", 1)[1] for answer in same_epoch}) == 1
