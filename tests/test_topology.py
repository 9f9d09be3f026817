"""The production topology, without Docker: PostgreSQL, two `serve --no-ingest` processes
and one `ingest` worker process, all started at once against fake upstreams. A webhook
sent to one replica makes the worker resync the PR, and both replicas serve the new data
within 2 s of its commit (PostgreSQL NOTIFY)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from alesco.database.db import create_db_engine
from tests.conftest import _postgres_schema_url
from tests.fakes.github import FakeGitHub
from tests.fakes.github_webhooks import delivery_headers, encode, pull_request_payload
from tests.fakes.indico import FakeIndico
from tests.fakes.server import serve_in_thread
from tests.faults.conftest import FCP, REPO, T, build_upstreams
from tests.processes import base_env, serving

SECRET = "topology-secret"
PROPAGATION_SECONDS = 2.0


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema: the processes migrate it as they start."""
    fresh = _postgres_schema_url()
    yield next(fresh)
    fresh.close()


def wait_until(predicate, within: float, what: str) -> float:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s")
        time.sleep(0.02)
    return time.monotonic()


def stage_of(base: str, number: int) -> str | None:
    response = httpx.get(f"{base}/v1/proposals/{number}", timeout=2)
    return response.json()["data"]["stage"] if response.status_code == 200 else None


def test_two_replicas_and_a_worker_serve_a_webhook_change_within_two_seconds(
    postgres_url: str, tmp_path: Path
) -> None:
    github, indico = FakeGitHub(), FakeIndico()
    github.anonymous_limit = 100_000
    build_upstreams(github, indico)
    with ExitStack() as stack:
        github_url = stack.enter_context(serve_in_thread(github.app))
        indico_url = stack.enter_context(serve_in_thread(indico.app))
        env = base_env(
            DATABASE_URL=postgres_url,
            ALESCO_GITHUB_API_URL=github_url,
            ALESCO_GITHUB_REPOS=REPO,
            ALESCO_INDICO_URL=indico_url,
            ALESCO_WEBHOOK_SECRET=SECRET,
            ALESCO_SYNC_INTERVAL="300",  # no poll during the test: the webhook must do it
        )
        worker_log = (tmp_path / "ingest.log").open("w")
        stack.enter_context(worker_log)
        worker = subprocess.Popen(
            [sys.executable, "-m", "alesco.cli", "ingest"],
            env=env,
            cwd=tmp_path,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(worker.wait, 10)
        stack.callback(worker.terminate)
        first = stack.enter_context(serving("--no-ingest", env=env, cwd=tmp_path))
        second = stack.enter_context(serving("--no-ingest", env=env, cwd=tmp_path))
        replicas = (first, second)

        # The worker's first round lands upstream data; both replicas serve it.
        wait_until(
            lambda: all(stage_of(base, 1) == "submitted" for base in replicas),
            within=60,
            what="both replicas serving the first sync",
        )
        assert worker.poll() is None, (tmp_path / "ingest.log").read_text()

        engine = create_db_engine(postgres_url)
        stack.callback(engine.dispose)

        def data_version() -> int:
            with engine.connect() as connection:
                return int(connection.execute(text("SELECT version FROM data_version")).scalar())

        before = data_version()
        repository = github.repository(REPO)
        repository.add_label(1, FCP, actor="chair", at=T + timedelta(days=5))
        body = encode(pull_request_payload(repository, 1, "labeled", label=FCP))
        sent = time.monotonic()
        answer = httpx.post(
            f"{first}/webhooks/github",
            content=body,
            headers=delivery_headers(SECRET, "pull_request", body),
        )
        assert answer.status_code == 202, answer.text

        committed = wait_until(
            lambda: data_version() > before, within=10, what="the worker committing the resync"
        )
        served = wait_until(
            lambda: all(stage_of(base, 1) == "fcp" for base in replicas),
            within=10,
            what="both replicas serving the webhook's change",
        )
        assert served - committed < PROPAGATION_SECONDS
        statuses = [httpx.get(f"{base}/v1/status").json()["data"] for base in replicas]
        assert statuses[0]["data_version"] == statuses[1]["data_version"] > before
        print(
            f"topology: webhook to commit {committed - sent:.2f} s, "
            f"commit to both replicas serving {served - committed:.2f} s"
        )
