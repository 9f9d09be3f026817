"""The server's limits (`api.edge.connection_guard`), over real sockets against uvicorn with the
protocol `alesco serve` runs: every refusal a problem, given before reading past the limit,
on both the quick path (a whole request on an idle connection) and uvicorn's parser."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from api.app import create_app
from api.edge.connection_guard import DEFAULT_BODY_LIMIT, ServerLimits
from api.edge.fast_protocol import cache_hit_protocol
from tests.api.edge.test_fast_protocol import frozen_app, read_answers, snapshot_engine  # noqa: F401
from tests.conftest import make_settings
from tests.fakes.server import serve_in_thread

LIMITS = ServerLimits(
    max_request_line=1024,
    max_header_bytes=2048,
    header_timeout=0.5,
    body_timeout=0.5,
    max_pipelined=4,
    max_connections=16,
    body_limits={(b"POST", b"/graphql"): 4096},
)
HIT = b"GET /v1/proposals HTTP/1.1\r\nHost: t\r\n\r\n"


@pytest.fixture(scope="module")
def guarded(snapshot_engine: Engine) -> Iterator[tuple[Any, type, str]]:  # noqa: F811
    """The API behind small limits; yields the app, its protocol class and address."""
    app = frozen_app(snapshot_engine)
    protocol = queue_watching(cache_hit_protocol(app, LIMITS))
    with serve_in_thread(app, lifespan=True, protocol=protocol, ws="none") as url:
        host, port = url.removeprefix("http://").split(":")
        yield app, protocol, f"{host}:{port}"


def queue_watching(protocol: type) -> type:
    """`protocol`, noting the most requests that ever waited on one connection."""

    class QueueWatching(protocol):  # type: ignore[valid-type, misc]
        most_queued = 0

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            watched = type(self)
            watched.most_queued = max(watched.most_queued, len(self.pipeline))

    return QueueWatching


def connect(address: str, timeout: float = 5.0) -> socket.socket:
    host, port = address.split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def answer_of(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The next whole answer on `connection`: status, headers, body."""
    (raw,) = read_answers(connection, 1)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def closed(connection: socket.socket) -> bool:
    """The server closed `connection` (and sent nothing more)."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def assert_problem(answer: tuple[int, dict[str, str], bytes], status: int, words: str) -> None:
    got, headers, body = answer
    assert got == status, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["cache-control"] == "no-store"
    problem = orjson.loads(body)
    assert problem["status"] == status
    assert words in problem["detail"]


@pytest.mark.parametrize("split", [False, True], ids=["whole", "in-parts"])
@pytest.mark.parametrize(
    ("request_bytes", "status", "words"),
    [
        pytest.param(
            b"GET /v1/proposals?" + b"q" * 1100 + b" HTTP/1.1\r\nHost: t\r\n\r\n",
            414,
            "over 1024 bytes",
            id="long-request-line",
        ),
        pytest.param(
            b"GET /v1/proposals HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 3000 + b"\r\n\r\n",
            431,
            "over 2048 bytes",
            id="one-huge-header",
        ),
        pytest.param(
            b"GET /v1/proposals HTTP/1.1\r\n" + b"X-A: aaaaaaaaaaaaaaaaaaaa\r\n" * 100 + b"\r\n",
            431,
            "over 2048 bytes",
            id="many-headers",
        ),
        pytest.param(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 3000000\r\n\r\n",
            413,
            "at most 4096 bytes",
            id="declared-body-over-the-route-limit",
        ),
        pytest.param(
            b"GET /v1/proposals HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n"
            % (DEFAULT_BODY_LIMIT + 1),
            413,
            f"at most {DEFAULT_BODY_LIMIT} bytes",
            id="body-on-a-route-that-takes-none",
        ),
        pytest.param(b"BREW / HTTP/1.1\r\n\r\n", 400, "not valid HTTP/1.1", id="unparsable"),
    ],
)
def test_over_a_limit_is_a_problem_and_the_connection_closes(
    guarded: Any, request_bytes: bytes, status: int, words: str, split: bool
) -> None:
    _, _, address = guarded
    with connect(address) as connection:
        connection.sendall(HIT)  # the connection has answered one: it is idle, and quick
        assert answer_of(connection)[0] == 200
        if split:
            connection.sendall(request_bytes[:30])
            time.sleep(0.05)
        # The server answers without reading what it would refuse: it may close before
        # all is sent (a reset then is fine, the answer is what counts).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request_bytes[30:] if split else request_bytes)
        assert_problem(answer_of(connection), status, words)
        assert closed(connection)


def test_a_refused_body_is_refused_before_it_is_sent(guarded: Any) -> None:
    """A 413 arrives while the client still waits to send its body (`Expect` or not)."""
    _, _, address = guarded
    with connect(address, timeout=2) as connection:
        connection.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5000\r\n\r\n"
        )
        started = time.monotonic()
        assert_problem(answer_of(connection), 413, "at most 4096")
        assert time.monotonic() - started < 0.3


def test_a_chunked_body_past_the_limit_is_refused(guarded: Any) -> None:
    _, _, address = guarded
    with connect(address) as connection:
        connection.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (1000, b" " * 1000)
        try:
            for _ in range(6):
                connection.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert_problem(answer_of(connection), 413, "at most 4096")


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        pytest.param(b"GET /v1/proposals HTTP/1.1\r\nHost: t\r\n", "head", id="head-unfinished"),
        pytest.param(b"G", "head", id="one-byte"),
        pytest.param(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{",
            "",
            id="body-unfinished",
        ),
        pytest.param(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
            "body",
            id="chunked-body-unfinished",
        ),
    ],
)
def test_a_request_that_never_finishes_gets_a_408(guarded: Any, sent: bytes, words: str) -> None:
    _, _, address = guarded
    with connect(address) as connection:
        connection.sendall(sent)
        started = time.monotonic()
        assert_problem(answer_of(connection), 408, words)
        waited = time.monotonic() - started
        assert LIMITS.header_timeout * 0.9 <= waited < LIMITS.header_timeout + 1
        assert closed(connection)


def test_a_drip_does_not_extend_the_head_timeout(guarded: Any) -> None:
    """Slowloris: a byte every 0.1 s never finishes the head; 0.5 s after it began, 408."""
    _, _, address = guarded
    with connect(address) as connection:
        started = time.monotonic()
        connection.settimeout(0.1)
        answer = b""
        for byte in b"GET /v1/proposals HTTP/1.1\r\nX-Slow: " + b"s" * 100:
            try:
                connection.sendall(bytes([byte]))
                answer += connection.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if answer:
                break
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < LIMITS.header_timeout + 1


def test_a_connection_that_sends_nothing_is_closed_quietly(guarded: Any) -> None:
    _, _, address = guarded
    with connect(address) as connection:
        started = time.monotonic()
        assert closed(connection)
        assert LIMITS.header_timeout * 0.9 <= time.monotonic() - started < LIMITS.header_timeout + 1


def test_pipelined_requests_are_read_no_faster_than_answered(guarded: Any) -> None:
    """Thousands of requests in one write: all answered in order, yet at most
    `max_pipelined` (plus one parse slice) ever wait on the connection."""
    _, protocol, address = guarded
    count = 3000
    with connect(address, timeout=10) as connection:
        connection.sendall(HIT * count)
        answers = read_answers(connection, count)
    assert all(answer.startswith(b"HTTP/1.1 200 ") for answer in answers)
    assert len({answer.partition(b"\r\n\r\n")[2] for answer in answers}) == 1
    assert protocol.most_queued <= LIMITS.max_pipelined + 2048 // len(HIT) + 1


def test_a_client_not_reading_its_answers_holds_only_its_own_connection(guarded: Any) -> None:
    _, _, address = guarded
    with connect(address) as greedy:
        greedy.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                sent += greedy.send(HIT * 200)
            except BlockingIOError:
                time.sleep(0.01)
        with connect(address) as other:
            started = time.monotonic()
            other.sendall(HIT)
            assert answer_of(other)[0] == 200
            assert time.monotonic() - started < 0.5
    # The server stopped reading: far less was accepted than a second of sending offers.
    assert sent < 20_000_000


def test_past_max_connections_the_slowest_makes_room(guarded: Any) -> None:
    _, _, address = guarded
    slow = [connect(address) for _ in range(LIMITS.max_connections)]
    try:
        for connection in slow:
            connection.sendall(b"GET /v1/proposals HTTP/1.1\r\n")  # never finished
        time.sleep(0.05)
        with connect(address) as newcomer:
            newcomer.sendall(HIT)
            assert answer_of(newcomer)[0] == 200
        # The one waiting longest went first: the oldest slow connection is closed.
        assert closed(slow[0])
    finally:
        for connection in slow:
            connection.close()


def test_an_upgrade_is_answered_as_plain_http_then_closed(guarded: Any) -> None:
    _, _, address = guarded
    with connect(address) as connection:
        connection.sendall(
            b"GET /v1/proposals HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\n"
            b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        status, headers, body = answer_of(connection)
        assert status == 200
        assert headers["content-type"] == "application/json"
        assert orjson.loads(body)["data"]
        assert closed(connection)


@pytest.fixture(scope="module")
def one_at_a_time(snapshot_engine: Engine) -> Iterator[str]:  # noqa: F811
    """The API computing one request at a time."""
    settings = make_settings(database_url=str(snapshot_engine.url), max_concurrent_requests=1)
    app = create_app(settings, snapshot_engine)
    protocol = cache_hit_protocol(app, LIMITS)
    with serve_in_thread(app, lifespan=True, protocol=protocol, ws="none") as url:
        yield url.removeprefix("http://")


def test_past_max_concurrent_requests_a_503_and_probes_still_answer(one_at_a_time: str) -> None:
    with connect(one_at_a_time) as holder:
        # A GraphQL POST whose chunked body never ends is computing (awaiting its body).
        holder.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n"
        )
        time.sleep(0.1)
        with connect(one_at_a_time) as other:
            other.sendall(b"GET /v1/proposals?state=closed HTTP/1.1\r\nHost: t\r\n\r\n")
            status, headers, _ = answer_of(other)
            assert status == 503
            assert headers["retry-after"] == "1"
            assert headers["content-type"] == "application/problem+json"
            other.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            assert answer_of(other)[0] == 200
        assert_problem(answer_of(holder), 408, "body")
    with connect(one_at_a_time) as after:
        after.sendall(b"GET /v1/proposals?state=closed HTTP/1.1\r\nHost: t\r\n\r\n")
        assert answer_of(after)[0] == 200


def test_a_client_that_does_not_read_is_not_computing(one_at_a_time: str) -> None:
    """Answers waiting for slow readers hold no place among the requests computed: with
    room for one, many unread answers leave the next request its place."""
    readers = []
    host, port = one_at_a_time.split(":")
    try:
        for _ in range(4):
            reader = socket.socket()
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader.connect((host, int(port)))
            readers.append(reader)
            reader.sendall(
                b"GET /openapi.json HTTP/1.1\r\nHost: t\r\nAccept-Encoding: identity\r\n\r\n" * 200
            )
        time.sleep(0.3)
        with connect(one_at_a_time) as other:
            other.sendall(b"GET /v1/proposals?state=all HTTP/1.1\r\nHost: t\r\n\r\n")
            assert answer_of(other)[0] == 200
    finally:
        for reader in readers:
            reader.close()
