"""Load while the data changes: 10,000 requests over 32 connections to a served API
process while syncs keep landing new data (one every ~0.7 s), on SQLite and PostgreSQL.

Two promises: no request fails, and no response mixes two data versions. Each strong
ETag must name exactly one body; and a GraphQL query that reads the data version next to
the proposals must find, for each version, always the same proposals.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from alesco.storage.sync_runs import Outcome, Source
from tests.faults.conftest import DISCUSSION, REPO, Deployment, T
from tests.processes import serving

REQUESTS = 10_000
CONNECTIONS = 32
SYNC_PAUSE = 0.3  # seconds between syncs; still dozens of data versions under the load
VERSIONED_QUERY = (
    "{ status { dataVersion } "
    "proposals(state: ALL, kind: ALL, first: 100) { edges { node { number stage } } } }"
)
PATHS = (
    "/v1/proposals?state=all&kind=all&limit=100",
    "/v1/proposals/5",
    "/v1/status",
    f"/graphql?query={quote(VERSIONED_QUERY)}",
)


def keep_syncing(deployment: Deployment, stop: threading.Event, landed: list[int]) -> None:
    """Flip a label on PR #5 upstream and sync GitHub, again and again, until told to stop."""
    repo = deployment.github.repository(REPO)
    deployment.github.anonymous_limit = 1_000_000  # as with a token: never the bottleneck

    async def rounds() -> None:
        flip = 0
        while not stop.is_set():
            flip += 1
            at = T + timedelta(days=10, minutes=flip)
            if flip % 2:
                repo.add_label(5, DISCUSSION, actor="chair", at=at)
            else:
                repo.remove_label(5, DISCUSSION, actor="chair", at=at)
            [result] = await deployment.sync(Source.GITHUB)
            assert result.report is not None
            assert result.report.outcome == Outcome.SUCCESS, result.report.error
            landed.append(flip)
            # A breath between syncs: this process also runs the load, and syncs back to
            # back left it a third of the CPU (two minutes for 10,000 requests).
            await asyncio.sleep(SYNC_PAUSE)

    asyncio.run(rounds())


async def load(base: str) -> dict[str, Any]:
    """REQUESTS requests from CONNECTIONS workers; bodies by (path, ETag), failures."""
    bodies: dict[tuple[str, str], set[bytes]] = defaultdict(set)
    by_version: dict[int, set[bytes]] = defaultdict(set)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    issued = iter(range(REQUESTS))
    # A client (one keep-alive connection) per worker: httpcore scans its whole pool on
    # each request, and one pool of 32 connections cost the load ~3 ms a request.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    tls = ssl.create_default_context()  # unused over http://, but costly to build 32 times

    async def worker() -> None:
        async with httpx.AsyncClient(
            base_url=base, limits=limits, timeout=10, verify=tls
        ) as client:
            for number in issued:
                path = PATHS[number % len(PATHS)]
                try:
                    response = await client.get(path)
                except httpx.HTTPError as error:
                    failures.append(f"{path}: {error!r}")
                    continue
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    failures.append(f"{path}: HTTP {response.status_code}")
                    continue
                digest = hashlib.sha256(response.content).digest()
                bodies[(path, response.headers["etag"])].add(digest)
                if path.startswith("/graphql"):
                    data = orjson.loads(response.content)["data"]
                    proposals = orjson.dumps(data["proposals"], option=orjson.OPT_SORT_KEYS)
                    by_version[data["status"]["dataVersion"]].add(proposals)

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return {"bodies": bodies, "by_version": by_version, "failures": failures, "statuses": statuses}


async def test_ten_thousand_requests_while_syncs_land(deployment: Deployment) -> None:
    stop, landed = threading.Event(), []
    quiet = {"env": deployment.env, "cwd": deployment.cwd, "log_level": "warning"}
    with serving("--no-ingest", **quiet) as base:
        writer = threading.Thread(target=keep_syncing, args=(deployment, stop, landed))
        writer.start()
        try:
            started = time.monotonic()
            result = await load(base)
            elapsed = time.monotonic() - started
        finally:
            stop.set()
            writer.join(timeout=60)
    assert not writer.is_alive(), "the sync loop did not stop"

    assert result["failures"] == [], result["failures"][:10]
    assert result["statuses"] == {200: REQUESTS}
    mixed = {key: len(found) for key, found in result["bodies"].items() if len(found) > 1}
    assert mixed == {}, "one ETag named several bodies"
    versions = result["by_version"]
    assert {v: len(found) for v, found in versions.items() if len(found) > 1} == {}, (
        "one data version answered with different proposals"
    )
    # The test proves nothing unless the data really changed under the load.
    assert len(landed) >= 3, f"only {len(landed)} syncs landed during the load"
    assert len(versions) >= 3, f"the API served only versions {sorted(versions)}"
    etags = Counter(path for path, _ in result["bodies"])
    print(
        f"load during writes: {REQUESTS} requests in {elapsed:.1f} s over {CONNECTIONS} "
        "connections, "
        f"{len(landed)} syncs landed, {len(versions)} data versions served, "
        f"distinct ETags per route {dict(etags)}"
    )
