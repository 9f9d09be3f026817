"""Limits on what one stranger may make the server hold: bytes of a request head, time to
send it or its body, requests queued unread, declared bodies, connections.

Each attack is bounded in count and time on our side; what is asserted is the server's
side: it answers (414, 431, 408, 413 problems) or closes, soon, without reading all it is
sent, and keeps answering everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import time
from typing import Any

from tests.attacks.conftest import BODY_TIMEOUT, HEADER_TIMEOUT
from tests.attacks.harness import Attack, Server
from tests.attacks.probe import get
from tests.attacks.wire import (
    LOOPBACK,
    Answer,
    Closed,
    Raw,
    close_quietly,
    open_async,
    parse_answer,
    read_answer,
    request,
    stranger,
)

SLACK = 1.5  # seconds past a timeout within which the server must have acted
MAX_LINE = 8 * 1024
STALLED = 0.7  # seconds without a byte taken: a connection the server no longer reads


def check(run: Attack, answer: Answer | None, status: int, where: str) -> None:
    """`answer` is a `status` problem."""
    if answer is None:
        run.wrong.append(f"{where}: closed without an answer (want {status})")
        return
    run.answered(answer.status)
    run.expect(
        answer.status == status and answer.is_problem,
        f"{where}: {answer.describe()} (want a {status} problem)",
    )


def test_long_request_line_is_414(server: Server, attack: Any) -> None:
    targets = {
        "query": "/v1/proposals?q=" + "a" * 9000,
        "path": "/" + "b" * 9000,
        "graphql": "/graphql?query=" + "%7B" * 4000,
        "64 KiB": "/v1/proposals?q=" + "c" * 65536,
    }
    with attack("request line > 8 KiB") as run:
        for number in range(5):
            for name, target in targets.items():
                data = request("GET", target)
                try:
                    with Raw(server.port, stranger(number), timeout=3) as connection:
                        if number == 1:  # after a request, on the same connection
                            connection.exchange(request("GET", "/v1/proposals"))
                        if number == 2:  # in two writes
                            connection.send_in_parts(data, len(data) // 2)
                        else:
                            connection.send(data)
                        answer: Answer | None = connection.answer()
                except (Closed, OSError):
                    answer = None
                check(run, answer, 414, f"{name} ({len(target)} bytes, try {number})")
        # Just under the limit is no 414: whatever the route says of it, never a 5xx.
        target = "/v1/proposals?q=" + "d" * (MAX_LINE - 200)
        with Raw(server.port, stranger(9)) as connection:
            answer = connection.exchange(request("GET", target))
        run.answered(answer.status)
        run.expect(answer.status != 414, f"a {len(target)}-byte target refused: 414")
    run.assert_harmless()


def stream_head(
    port: int, source: str, head: bytes, filler: int, tail: bytes, seconds: float
) -> tuple[Answer | None, int, float]:
    """Send `head`, `filler` bytes of one endless header value, then `tail`; stop sending
    as soon as the server answers or closes. Returns its answer (None if it closed without
    one, or said nothing within `seconds`), the bytes sent by then, and how long it took."""
    total = len(head) + filler + len(tail)
    chunk = b"a" * 65536
    sock = socket.create_connection((LOOPBACK, port), timeout=5, source_address=(source, 0))
    sock.setblocking(False)
    sent, received, can_write, closed = 0, b"", True, False
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            writing = [sock] if can_write and sent < total else []
            readable, writable, _ = select.select([sock], writing, [], 0.05)
            if readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    closed = True
                    break
                received += data
                if parse_answer(received) is not None:
                    break
            if writable:
                if sent < len(head):
                    piece = head[sent:]
                elif sent < len(head) + filler:
                    piece = chunk[: len(head) + filler - sent]
                else:
                    piece = tail[sent - len(head) - filler :]
                try:
                    sent += sock.send(piece)
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    can_write = False
        parsed = parse_answer(received, at_eof=closed)
        return (parsed[0] if parsed else None), sent, time.monotonic() - started
    finally:
        sock.close()


def test_oversized_headers_are_431(server: Server, attack: Any) -> None:
    head = request("GET", "/v1/proposals")[:-2]  # the blank line comes later
    many = [(f"X-Pad-{i}", "p" * 1000) for i in range(40)]
    with attack("headers > 32 KiB (to a 100 MB stream)") as run:
        for number in range(3):
            for name, data in {
                "40 headers of 1 KB": request("GET", "/v1/proposals", many),
                "one 40 KB header": request("GET", "/v1/proposals", [("X-Big", "q" * 40_000)]),
                "a 40 KB cookie": request("GET", "/", [("Cookie", "a=" + "r" * 40_000)]),
            }.items():
                try:
                    with Raw(server.port, stranger(number), timeout=3) as connection:
                        answer: Answer | None = connection.exchange(data)
                except (Closed, OSError):
                    answer = None
                check(run, answer, 431, name)
        for name, size in {"a 2 MB header": 2_000_000, "a 100 MB header": 100_000_000}.items():
            answer, sent, seconds = stream_head(
                server.port, stranger(7), head + b"X-Endless: ", size, b"\r\n\r\n", seconds=3
            )
            run.notes[f"{name}: MB sent before the answer"] = round(sent / 1e6, 2)
            where = f"{name} ({sent:,} bytes sent in {seconds:.1f} s)"
            if answer is None and seconds >= 3:
                run.wrong.append(f"{where}: no answer, connection still open")
            else:
                check(run, answer, 431, where)
            if size > 10_000_000:
                run.expect(sent < 32_000_000, f"{name}: the server read {sent:,} bytes of it")
    run.assert_harmless()


async def hold_until_cut(
    port: int, source: str, drip: bytes | None, interval: float, give_up: float
) -> tuple[float, Answer | None]:
    """A connection that sends `drip` a byte every `interval` (None: sends nothing) until
    the server answers or closes; returns when it did (seconds after the connection opened;
    `give_up` if it held on) and its answer."""
    reader, writer = await open_async(port, source)
    opened = time.monotonic()
    reading = asyncio.ensure_future(read_answer(reader))
    answer: Answer | None = None
    try:
        position = 0
        while time.monotonic() - opened < give_up:
            if drip is not None and not writer.is_closing():
                writer.write(drip[position % len(drip) : position % len(drip) + 1])
                position += 1
            done, _ = await asyncio.wait({reading}, timeout=interval)
            if done:
                with contextlib.suppress(Closed, OSError):
                    answer = reading.result()
                return time.monotonic() - opened, answer
        return give_up, None
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Closed, OSError):
            await reading
        await close_quietly(writer)


async def test_slow_and_silent_connections_are_cut_off(server: Server, attack: Any) -> None:
    # A head that never ends: the request line, then one header a byte at a time, forever.
    slow = request("GET", "/v1/proposals")[:-2] + b"X-Slow: " + b"s" * 10_000
    limit, give_up = HEADER_TIMEOUT + SLACK, HEADER_TIMEOUT + 2.5
    with attack("slowloris 300 + 100 silent connections") as run:
        outcomes = await asyncio.gather(
            *(hold_until_cut(server.port, stranger(i), slow, 0.2, give_up) for i in range(300)),
            *(hold_until_cut(server.port, stranger(i), None, 0.2, give_up) for i in range(100)),
        )
        for number, (seconds, answer) in enumerate(outcomes):
            kind = "dripping" if number < 300 else "silent"
            run.sent += 1
            if seconds >= give_up:
                run.wrong.append(f"{kind} connection {number}: still open after {give_up} s")
                continue
            run.expect(seconds < limit, f"{kind} connection {number}: cut after {seconds:.1f} s")
            if answer is not None:
                check(run, answer, 408, f"{kind} connection {number}")
        cut = sorted(seconds for seconds, _ in outcomes)
        run.notes["cut after s (min, median, max)"] = [
            round(cut[0], 2),
            round(cut[len(cut) // 2], 2),
            round(cut[-1], 2),
        ]
    run.assert_harmless()


def test_pipelining_without_reading_is_not_queued(server: Server, attack: Any) -> None:
    """One connection writes requests without ever reading an answer: the server must stop
    reading it (its writes then stall) rather than queue them all."""
    one = request("GET", "/v1/proposals")
    batch = one * 1000
    most = 32_000_000  # bytes: far beyond what kernel buffers hold for a stalled reader
    with attack("pipelining without reading") as run, socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # answers pile up soon
        sock.bind((stranger(3), 0))
        sock.connect((LOOPBACK, server.port))
        sock.setblocking(False)
        sent, position, closed = 0, 0, False
        started = last_progress = time.monotonic()
        while sent < most and time.monotonic() - started < 6:
            if time.monotonic() - last_progress > STALLED:
                break  # the server reads no more
            _, writable, _ = select.select([], [sock], [], 0.05)
            if not writable:
                continue
            try:
                written = sock.send(batch[position:])
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True  # as good as reading no more
                break
            sent += written
            position = (position + written) % len(batch)
            last_progress = time.monotonic()
        stalled = closed or time.monotonic() - last_progress > STALLED
        run.notes["closed by the server"] = closed
        # What came back meanwhile (whole answers only), read briefly.
        received = b""
        stop_reading = time.monotonic() + 0.5
        while time.monotonic() < stop_reading:
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable:
                try:
                    data = sock.recv(1 << 20)
                except ConnectionResetError:
                    data = b""
                if not data:
                    break
                received += data
        while (parsed := parse_answer(received)) is not None:
            answer, received = parsed
            run.answered(answer.status)
        run.notes["requests written"] = sent // len(one)
        run.notes["answers read"] = run.sent
        run.expect(stalled, f"the server kept reading: {sent:,} bytes ({sent // len(one)} reqs)")
        run.expect(set(run.statuses) <= {200}, f"answers: {dict(run.statuses)}")
    run.assert_harmless()


async def test_dripped_bodies_get_408(server: Server, attack: Any) -> None:
    def head(path: str) -> bytes:
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", "1000"),
            ("X-GitHub-Event", "pull_request"),
            ("X-Hub-Signature-256", "sha256=" + "0" * 64),
        ]
        return request("POST", path, headers)

    async def drip_body(number: int, path: str) -> tuple[str, float, Answer | None]:
        reader, writer = await open_async(server.port, stranger(number))
        writer.write(head(path))
        sent_head = time.monotonic()
        reading = asyncio.ensure_future(read_answer(reader))
        try:
            while time.monotonic() - sent_head < BODY_TIMEOUT + 3:
                if not writer.is_closing():
                    writer.write(b"{" if number % 2 else b" ")
                done, _ = await asyncio.wait({reading}, timeout=1.0)
                if done:
                    answer = None
                    with contextlib.suppress(Closed, OSError):
                        answer = reading.result()
                    return path, time.monotonic() - sent_head, answer
            return path, BODY_TIMEOUT + 3, None
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Closed, OSError):
                await reading
            await close_quietly(writer)

    with attack("body drip, a byte a second (25 conns)") as run:
        paths = ["/graphql"] * 20 + ["/webhooks/github"] * 5
        outcomes = await asyncio.gather(*(drip_body(n, p) for n, p in enumerate(paths)))
        for path, seconds, answer in outcomes:
            if answer is None and seconds >= BODY_TIMEOUT + 3:
                run.sent += 1
                run.wrong.append(f"{path}: still reading a dripped body after {seconds:.0f} s")
                continue
            run.expect(seconds < BODY_TIMEOUT + SLACK, f"{path}: cut after {seconds:.1f} s")
            check(run, answer, 408, f"{path} after {seconds:.1f} s")
    run.assert_harmless()


async def test_declared_huge_bodies_are_refused_at_once(server: Server, attack: Any) -> None:
    """Content-Length: 3,000,000 and not a byte of body: the 413 must come before any."""

    async def declare(number: int, path: str) -> tuple[str, float, Answer | str]:
        reader, writer = await open_async(server.port, stranger(number))
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", "3000000"),
            ("X-GitHub-Event", "pull_request"),
            ("X-Hub-Signature-256", "sha256=" + "0" * 64),
        ]
        writer.write(request("POST", path, headers))
        started = time.monotonic()
        try:
            answer: Answer | str = await asyncio.wait_for(read_answer(reader), timeout=2)
        except TimeoutError:
            answer = "no answer within 2 s, waiting for the body"
        except (Closed, OSError) as error:
            answer = f"closed without an answer ({error!r})"
        finally:
            await close_quietly(writer)
        return path, time.monotonic() - started, answer

    with attack("Content-Length 3 MB, no body") as run:
        paths = ["/graphql", "/webhooks/github"] * 10
        for path, seconds, answer in await asyncio.gather(
            *(declare(n, p) for n, p in enumerate(paths))
        ):
            if isinstance(answer, str):
                run.sent += 1
                run.wrong.append(f"{path}: {answer}")
            else:
                check(run, answer, 413, f"{path} ({seconds:.1f} s)")
    run.assert_harmless()


async def test_connection_flood_leaves_room_for_newcomers(server: Server, attack: Any) -> None:
    """More idle connections than the server's maximum (1024), kept up for a few seconds
    (reopened as the server closes them): a newcomer still gets an answer."""
    flood, seconds, most_opens = 1100, 2.5, 4000
    stats = {"opened": 0, "open": 0, "most open": 0, "closed by server": 0, "failed opens": 0}
    stop, flooded = asyncio.Event(), asyncio.Event()

    async def hold(index: int) -> None:
        while not stop.is_set() and stats["opened"] < most_opens:
            try:
                reader, writer = await open_async(server.port, stranger(index))
            except OSError:
                stats["failed opens"] += 1
                await asyncio.sleep(0.1)
                continue
            stats["opened"] += 1
            stats["open"] += 1
            stats["most open"] = max(stats["most open"], stats["open"])
            if stats["open"] >= 1024:
                flooded.set()
            try:
                closing = asyncio.ensure_future(reader.read(1))
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait({closing, stopping}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if closing.done():
                    stats["closed by server"] += 1
                else:
                    closing.cancel()
                with contextlib.suppress(asyncio.CancelledError, OSError):
                    await closing
            finally:
                stats["open"] -= 1
                await close_quietly(writer)

    async def newcomer() -> str | None:
        """A fresh connection's GET; what went wrong, if anything."""
        started = time.monotonic()
        try:
            reader, writer = await open_async(server.port, "127.0.0.1")
        except OSError as error:
            return f"could not connect: {error!r}"
        try:
            writer.write(request("GET", "/v1/proposals", [("Accept", "application/json")]))
            answer = await asyncio.wait_for(read_answer(reader), timeout=2)
        except (TimeoutError, Closed, OSError) as error:
            return f"no answer after {time.monotonic() - started:.1f} s: {error!r}"
        finally:
            await close_quietly(writer)
        return None if answer.status == 200 else answer.describe()

    with attack(f"connection flood ({flood} idle)") as run:
        holders = [asyncio.ensure_future(hold(i)) for i in range(flood)]
        try:
            stop_at = time.monotonic() + seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(flooded.wait(), timeout=seconds)
            newcomers = 0
            while time.monotonic() < stop_at:
                newcomers += 1
                if problem := await newcomer():
                    run.wrong.append(f"newcomer {newcomers} with {stats['open']} open: {problem}")
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*holders, return_exceptions=True), 10)
        run.sent = stats["opened"]
        run.notes.update(stats)
        run.notes["newcomers"] = newcomers
    # The server still answers normally once the flood is gone (checked by the harness);
    # and a plain client from elsewhere is served too.
    assert get(server.port, "/healthz")[0] == 200
    run.assert_harmless()
