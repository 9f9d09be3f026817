"""A loopback TCP proxy in front of a fake server, that can reset connections on demand.

Connection resets are a transport fault no HTTP app can produce: the proxy aborts the
client's socket with `SO_LINGER` 0, so the kernel sends an RST, exactly what a crashing
load balancer or a dropped NAT entry looks like to an HTTP client.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from httpx import URL


class ResettingProxy:
    def __init__(self, target: str) -> None:
        parsed = URL(target)
        self.target_host = parsed.host
        self.target_port = parsed.port or 80
        self.resets_left = 0
        self.resets_done = 0
        self._lock = threading.Lock()

    def reset_next(self, times: int = 1) -> None:
        """The next `times` requests (on any connection) are answered with an RST."""
        with self._lock:
            self.resets_left += times

    def _take_reset(self) -> bool:
        with self._lock:
            if self.resets_left <= 0:
                return False
            self.resets_left -= 1
            self.resets_done += 1
            return True

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            self.target_host, self.target_port
        )

        async def client_to_upstream() -> None:
            while data := await reader.read(65536):
                if self._take_reset():
                    raw = writer.get_extra_info("socket")
                    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    return
                upstream_writer.write(data)
                await upstream_writer.drain()

        async def upstream_to_client() -> None:
            while data := await upstream_reader.read(65536):
                writer.write(data)
                await writer.drain()

        tasks = [
            asyncio.ensure_future(client_to_upstream()),
            asyncio.ensure_future(upstream_to_client()),
        ]
        with contextlib.suppress(ConnectionError, OSError):
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        for stream in (writer, upstream_writer):
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                stream.close()


@contextmanager
def resetting_proxy(target: str) -> Iterator[tuple[ResettingProxy, str]]:
    """Run a proxy to `target` (a base URL) in a thread; yield it and its own base URL."""
    proxy = ResettingProxy(target)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.AbstractServer] = {}

    async def start() -> None:
        holder["server"] = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, name="reset-proxy", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the proxy did not start")
    port = holder["server"].sockets[0].getsockname()[1]
    try:
        yield proxy, f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(_shut_down(holder["server"]), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


async def _shut_down(server: asyncio.AbstractServer) -> None:
    """Stop listening and end every proxied connection still open."""
    server.close()
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
