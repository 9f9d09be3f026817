"""Raw HTTP/1.1 over loopback sockets, byte for byte as written.

HTTP libraries normalize away what these attacks are made of (a header twice, a request in
two writes, pipelining, a body that never comes), so attackers write requests themselves
and read answers with the small parser here. Attackers connect from loopback addresses
other than 127.0.0.1 (`stranger`): to the server they are other hosts, and never the
trusted proxy address (uvicorn trusts X-Forwarded-* from 127.0.0.1 only).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

LOOPBACK = "127.0.0.1"
Header = tuple[str | bytes, str | bytes]


class Closed(ConnectionError):
    """The server closed the connection before a whole answer came."""


def stranger(number: int) -> str:
    """A loopback source address other than the probe's: 127.0.0.2 … 127.0.0.251."""
    return f"127.0.0.{2 + number % 250}"


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def request(
    method: str | bytes,
    target: str | bytes,
    headers: Sequence[Header] = (),
    body: bytes = b"",
    *,
    host: str | None = LOOPBACK,
    version: bytes = b"HTTP/1.1",
) -> bytes:
    """One request's bytes, headers in the order given (`host=None`: no Host of its own)."""
    lines = [_bytes(method) + b" " + _bytes(target) + b" " + version]
    if host is not None:
        lines.append(b"Host: " + host.encode())
    lines.extend(_bytes(name) + b": " + _bytes(value) for name, value in headers)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]  # names lower-cased, in the order received
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def is_problem(self) -> bool:
        return self.content_type == "application/problem+json"

    def json(self) -> Any:
        return orjson.loads(self.body)

    def describe(self) -> str:
        """Status, type and the start of the body: enough to say what went wrong."""
        return f"{self.status} {self.content_type or '-'} {self.body[:120]!r}"


def _dechunk(data: bytes) -> tuple[bytes, bytes] | None:
    body, position = b"", 0
    while True:
        end = data.find(b"\r\n", position)
        if end < 0:
            return None
        size = int(data[position:end].split(b";")[0], 16)
        position = end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", position - 2)
            return (body, data[trailer_end + 4 :]) if trailer_end >= 0 else None
        if len(data) < position + size + 2:
            return None
        body += data[position : position + size]
        position += size + 2


def parse_answer(
    data: bytes, *, head_only: bool = False, at_eof: bool = False
) -> tuple[Answer, bytes] | None:
    """The first whole answer in `data` and what follows it, or None while incomplete.
    Interim 1xx answers (100 Continue) are skipped."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip().lower().decode("latin-1"), value.strip().decode("latin-1")))
    rest = data[end + 4 :]
    if 100 <= status < 200 and status != 101:
        return parse_answer(rest, head_only=head_only, at_eof=at_eof)
    answer = Answer(status, headers, b"")
    if head_only or status in (101, 204, 304):
        return answer, rest
    if (answer.header("transfer-encoding") or "").lower() == "chunked":
        dechunked = _dechunk(rest)
        if dechunked is None:
            return None
        answer.body, rest = dechunked
        return answer, rest
    length = answer.header("content-length")
    if length is not None:
        if len(rest) < int(length):
            return None
        answer.body = rest[: int(length)]
        return answer, rest[int(length) :]
    if not at_eof:
        return None
    answer.body = rest
    return answer, b""


class Raw:
    """One blocking connection from a stranger's address; answers read in order."""

    def __init__(self, port: int, source: str = "127.0.0.2", timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(
            (LOOPBACK, port), timeout=timeout, source_address=(source, 0)
        )
        # Each write its own segment: a request split in two writes arrives in two parts.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_in_parts(self, data: bytes, cut: int, pause: float = 0.003) -> None:
        """`data` in two writes, `pause` apart: the server first holds half a request."""
        self.sock.sendall(data[:cut])
        time.sleep(pause)
        self.sock.sendall(data[cut:])

    def answer(self, *, head_only: bool = False) -> Answer:
        while True:
            parsed = parse_answer(self.buffer, head_only=head_only)
            if parsed is not None:
                answer, self.buffer = parsed
                return answer
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                parsed = parse_answer(self.buffer, head_only=head_only, at_eof=True)
                if parsed is not None:
                    answer, self.buffer = parsed
                    return answer
                raise Closed(f"closed after {len(self.buffer)} bytes of an answer")
            self.buffer += chunk

    def exchange(self, data: bytes, *, head_only: bool = False) -> Answer:
        self.send(data)
        return self.answer(head_only=head_only)


def ask_raw(port: int, data: bytes, *, source: str = "127.0.0.2", timeout: float = 5.0) -> Answer:
    """`data` on a connection of its own; its first answer."""
    with Raw(port, source, timeout) as connection:
        return connection.exchange(data)


async def open_async(port: int, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(LOOPBACK, port, local_addr=(source, 0))


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """The first whole answer on `reader` (raises `Closed` if the server closes first)."""
    buffer = b""
    while True:
        parsed = parse_answer(buffer)
        if parsed is not None:
            return parsed[0]
        try:
            chunk = await reader.read(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            parsed = parse_answer(buffer, at_eof=True)
            if parsed is not None:
                return parsed[0]
            raise Closed(f"closed after {len(buffer)} bytes of an answer")
        buffer += chunk


async def close_quietly(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
