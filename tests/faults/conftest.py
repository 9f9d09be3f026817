"""A small deployment to break: fake GitHub (behind a proxy that can reset connections) and
fake Indico on loopback, a database with a good first sync of every source, and the API
answering over real HTTP from its own thread and event loop.

Each fault test switches one failure on, runs a sync, and checks the four promises: the
API keeps answering, the stored data is byte-for-byte what it was, `/v1/status` shows the
failure, and the next healthy sync completes and lands what changed upstream meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from alesco.settings import Settings
from alesco.storage.sync_runs import Outcome, Source
from api.app import create_app
from ingest.worker import run_once
from tests.conftest import make_settings
from tests.fakes.github import FakeGitHub
from tests.fakes.indico import FakeIndico
from tests.fakes.server import serve_in_thread
from tests.fakes.tcp_proxy import ResettingProxy, resetting_proxy
from tests.processes import base_env

REPO = "AlmaLinux/ALESCo"
WIKI = "AlmaLinux/wiki"
FOLDER = "docs/alesco/meeting-minutes"
MINUTES = Path(__file__).parent.parent / "data" / "minutes"
T = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
DISCUSSION, FCP = "accepted for discussion", "vote at next meeting"
# What the served data is compared on: the `data` of each of these, byte for byte.
SERVED_PATHS = (
    "/v1/proposals?state=all&kind=all&limit=100",
    "/v1/proposals/1",
    "/v1/meetings?limit=100",
    "/v1/members",
)
# Tables holding synced data (the run log and the delivery queue are meant to move).
DATA_TABLES = ("proposal", "proposal_event", "http_cache", "calendar_event", "minutes", "member")


@dataclass
class Deployment:
    github: FakeGitHub
    proxy: ResettingProxy
    indico: FakeIndico
    settings: Settings
    env: dict[str, str]
    engine: Engine
    api: str
    cwd: Path
    extra: dict[str, Any] = field(default_factory=dict)

    async def sync(self, *sources: Source, **options: Any) -> list[Any]:
        results = await run_once(self.settings, self.engine, sources or tuple(Source), **options)
        assert results is not None, "the ingest lock was busy"
        return results

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.api, timeout=5) as client:
            return await client.get(path)

    async def status(self) -> dict[str, Any]:
        sources: dict[str, Any] = (await self.get("/v1/status")).json()["data"]["sources"]
        return sources

    async def wait_for_status(self, source: str, predicate: Any, within: float = 5.0) -> dict:
        """The API reloads within a second or so of a sync; wait for it to show."""
        deadline = time.monotonic() + within
        while True:
            status: dict[str, Any] = (await self.status())[source]
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"/v1/status never matched; last: {status}")
            await asyncio.sleep(0.05)

    async def served(self) -> dict[str, bytes]:
        """The `data` of every compared route, canonical bytes."""
        served = {}
        for path in SERVED_PATHS:
            response = await self.get(path)
            assert response.status_code == 200, (path, response.text)
            served[path] = orjson.dumps(response.json()["data"], option=orjson.OPT_SORT_KEYS)
        return served

    def stored(self, names: tuple[str, ...] = DATA_TABLES) -> bytes:
        """Every row of `names` (by default all synced data) and the data version, as
        canonical bytes."""
        tables = {table.name: table for table in SQLModel.metadata.sorted_tables}
        dump: dict[str, Any] = {}
        with self.engine.connect() as connection:
            for name in names:
                table = tables[name]
                rows = connection.execute(select(table)).mappings().all()
                dump[name] = sorted(
                    (orjson.dumps(dict(row), option=orjson.OPT_SORT_KEYS, default=str))
                    for row in rows
                )
            dump["version"] = connection.execute(
                select(tables["data_version"].c.version)
            ).scalar_one()
        return orjson.dumps(dump, default=lambda b: b.decode())


def build_upstreams(github: FakeGitHub, indico: FakeIndico) -> None:
    """Five proposals in several stages (three pages of two), two minutes, two meetings."""
    repo = github.add_repository({"repo": REPO})
    for number in range(1, 6):
        repo.add_pull(
            number, f"RFC: Case {number}", "author", created_at=T + timedelta(hours=number)
        )
    repo.add_label(2, DISCUSSION, actor="chair", at=T + timedelta(days=1))
    repo.merge(3, actor="chair", at=T + timedelta(days=2))
    repo.close(4, actor="author", at=T + timedelta(days=2))
    contents = {
        f"{FOLDER}/{path.name}": path.read_text() for path in sorted(MINUTES.glob("*.md"))[:2]
    }
    github.add_repository({"repo": WIKI, "contents": contents})
    indico.add_event(101, "ALESCo Meeting", T, T + timedelta(hours=1))
    indico.add_event(102, "ALESCo Meeting", T + timedelta(days=14), T + timedelta(days=14, hours=1))


@contextmanager
def hammering(base: str, paths: tuple[str, ...] = SERVED_PATHS) -> Iterator[dict[str, Any]]:
    """Keep asking the API, from another thread, while the block runs: it has answered
    before the block starts and answers a full round after it ends. Yields counters."""
    stop = threading.Event()
    rounds = threading.Semaphore(0)
    result: dict[str, Any] = {"requests": 0, "failures": []}

    def ask() -> None:
        with httpx.Client(base_url=base, timeout=5) as client:
            while not stop.is_set():
                for path in paths:
                    try:
                        status = client.get(path).status_code
                    except httpx.HTTPError as error:
                        result["failures"].append(f"{path}: {error!r}")
                        continue
                    result["requests"] += 1
                    if status != 200:
                        result["failures"].append(f"{path}: HTTP {status}")
                rounds.release()

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    if not rounds.acquire(timeout=10):
        raise AssertionError("the API did not answer a first round of requests")
    try:
        yield result
    finally:
        while rounds.acquire(blocking=False):  # drain rounds finished during the block
            pass
        finished = rounds.acquire(timeout=10)
        stop.set()
        thread.join(timeout=10)
        if not finished:
            result["failures"].append("no full round of requests finished after the block")


@pytest.fixture
async def deployment(engine, database_url, tmp_path) -> Any:
    github, indico = FakeGitHub(max_per_page=2), FakeIndico()
    build_upstreams(github, indico)
    with (
        serve_in_thread(github.app) as github_url,
        resetting_proxy(github_url) as (proxy, proxy_url),
        serve_in_thread(indico.app) as indico_url,
    ):
        overrides = {
            "DATABASE_URL": database_url,
            "ALESCO_GITHUB_API_URL": proxy_url,
            "ALESCO_GITHUB_REPOS": REPO,
            "ALESCO_INDICO_URL": indico_url,
            "ALESCO_HTTP_TIMEOUT": "1",
            "ALESCO_SYNC_INTERVAL": "300",
        }
        settings = make_settings(
            database_url=database_url,
            github_api_url=proxy_url,
            github_repos=REPO,
            indico_url=indico_url,
            http_timeout=1.0,
        )
        results = await run_once(settings, engine)
        assert results is not None
        failed = [r for r in results if r.report is None or r.report.outcome != Outcome.SUCCESS]
        assert not failed, [r.report.error for r in failed if r.report]
        env = base_env(**overrides)
        # The API on its own thread and event loop, over loopback HTTP: a sync in the test's
        # loop and requests to the API run side by side, as they would in two processes.
        with serve_in_thread(create_app(settings, engine), lifespan=True) as api:
            yield Deployment(github, proxy, indico, settings, env, engine, api, tmp_path)
