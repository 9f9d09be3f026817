"""Serve an ASGI app over real loopback HTTP, so clients under test use their own transport.

Each fake gets an ephemeral port (port 0), never a fixed one, so test runs cannot collide.
The server runs in a daemon thread with its own event loop; uvicorn installs no signal
handlers outside the main thread. Fakes run with `lifespan="off"` (their state is plain
attributes); the API under test runs with it on, as in production.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT_SECONDS = 10.0


@contextmanager
def serve_in_thread(
    app: ASGIApp,
    *,
    lifespan: bool = False,
    protocol: type[asyncio.Protocol] | None = None,
    keep_alive: int = 5,
    ws: str = "auto",
) -> Iterator[str]:
    """Run `app` on 127.0.0.1 at a free port and yield its base URL until the block ends
    (`lifespan` for apps with startup work, like the API's read-model poller; `protocol`
    for an HTTP protocol class other than uvicorn's default, as `alesco serve` uses;
    `keep_alive`, the seconds an idle connection is kept open; `ws="none"` as `alesco
    serve` runs, answering an Upgrade as plain HTTP)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        http=protocol or "auto",
        log_level="warning",
        lifespan="on" if lifespan else "off",
        timeout_graceful_shutdown=1,  # a stalled fake request must not hold the test up
        timeout_keep_alive=keep_alive,
        ws=ws,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-server", daemon=True)
    thread.start()
    try:
        _wait_until_started(server, thread)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("fake server stopped before it started listening")
        if time.monotonic() > deadline:
            raise RuntimeError(f"fake server did not start within {STARTUP_TIMEOUT_SECONDS} s")
        time.sleep(0.005)
