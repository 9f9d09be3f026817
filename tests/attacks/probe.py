"""The probe: an ordinary client asking the server in a loop while an attack runs, run as a
process of its own (`python -m tests.attacks.probe PORT BASELINE_JSON`).

Why a process: in the test process it would share the GIL (and the interpreter's time)
with the attackers, and measure them rather than the server; two busy attacker threads
alone put ~35 ms on its p99 against an idle server. Alone, it measures what a client on
another machine would. It prints `ready` after a first round of answers, and its samples
as JSON once told to stop (a line on stdin, or stdin closed), or after MAX_SECONDS.
"""

from __future__ import annotations

import http.client
import sys
import threading
import time
from typing import Any
from urllib.parse import quote

import orjson

INTERVAL = 0.015  # seconds between requests
TIMEOUT = 5.0
MAX_SECONDS = 60.0
MAX_REQUESTS = 5000
# The widget's own query (api/static/widget.js), as it sends it: a cacheable GET.
WIDGET_QUERY = (
    "{ proposals(state: OPEN, first: 100) { edges { node { number title url stage draft "
    "labels { name color } author { login } updatedAt nextVote { startsAt date } } } } }"
)
# What the probe asks in turn: a cache hit, a route never cached, the widget's GraphQL.
PATHS = {
    "cache hit": "/v1/proposals",
    "uncached": "/healthz",
    "graphql": "/graphql?query=" + quote(WIDGET_QUERY),
}
HEADERS = {"Accept": "application/json", "User-Agent": "attack-suite-probe/1"}


def judge(kind: str, status: int, etag: str, body: bytes, baseline: dict[str, str]) -> str | None:
    """What is wrong with an answer to the probe's `kind` of request, if anything."""
    if status != 200:
        return f"{kind}: HTTP {status} {body[:120]!r}"
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"{kind}: not JSON {body[:120]!r}"
    if kind == "uncached":
        return None if document == {"status": "ok"} else f"{kind}: {document!r:.120}"
    if not isinstance(document, dict) or not document.get("data"):
        return f"{kind}: no data {body[:120]!r}"
    if etag != baseline.get(kind):
        return f"{kind}: ETag {etag} (before the attack: {baseline.get(kind)})"
    return None


def get(port: int, path: str, timeout: float = TIMEOUT) -> tuple[int, str, bytes]:
    """One plain GET from 127.0.0.1, on a connection of its own: status, ETag, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.getheader("etag") or "", response.read()
    finally:
        connection.close()


def probe(port: int, baseline: dict[str, str], stop: threading.Event) -> dict[str, Any]:
    """Ask in turn, on one keep-alive connection (a new one after a failure), until `stop`.
    Samples are [kind, milliseconds, status (None: the connection failed), seconds since
    the start, whether the request opened a new connection]."""
    samples: list[list[Any]] = []
    wrong: list[str] = []
    kinds = list(PATHS)
    connection: http.client.HTTPConnection | None = None
    began = time.monotonic()
    stop_at = began + MAX_SECONDS
    number = 0
    while not stop.is_set() and number < MAX_REQUESTS and time.monotonic() < stop_at:
        kind = kinds[number % len(kinds)]
        number += 1
        started = time.perf_counter()
        at = round(time.monotonic() - began, 3)
        # http.client reconnects by itself after an answer that closed the connection.
        fresh = connection is None or connection.sock is None
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            connection.request("GET", PATHS[kind], headers=HEADERS)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            samples.append([kind, (time.perf_counter() - started) * 1000, None, at, fresh])
            wrong.append(f"{kind}: {error!r}")
            if connection is not None:
                connection.close()
            connection = None
        else:
            elapsed = (time.perf_counter() - started) * 1000
            samples.append([kind, elapsed, response.status, at, fresh])
            etag = response.getheader("etag") or ""
            if problem := judge(kind, response.status, etag, body, baseline):
                wrong.append(problem)
        if number == len(kinds):
            print("ready", flush=True)
        stop.wait(INTERVAL)
    if connection is not None:
        connection.close()
    if number < len(kinds):
        print("ready", flush=True)
    return {"samples": samples, "wrong": wrong}


def main() -> None:
    port, baseline = int(sys.argv[1]), orjson.loads(sys.argv[2])
    stop = threading.Event()

    def wait_for_stop() -> None:
        sys.stdin.readline()
        stop.set()

    threading.Thread(target=wait_for_stop, daemon=True).start()
    result = probe(port, baseline, stop)
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
