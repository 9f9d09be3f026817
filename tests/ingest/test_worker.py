"""The ingest worker: one ingest at a time, rate limits honoured, webhook PRs resynced."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from alesco.database.ingest_lock import IngestLock
from alesco.database.models import SyncRunRow, WebhookDeliveryRow
from alesco.domain.lifecycle import Stage
from alesco.storage.sync_runs import Origin, Outcome, Source, SyncReport, begin_sync_run, latest_run
from alesco.storage.webhooks import record_delivery
from alesco.upstream.github_webhooks import Delivery
from ingest.syncs.github_sync import sync_github
from ingest.worker import resync_webhook_pulls, run_forever, run_once
from tests.conftest import make_settings
from tests.ingest.test_github_sync import stage_of

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DISCUSSION, FCP = "accepted for discussion", "vote at next meeting"


def queue(engine, delivery_id: str, repo: str, number: int, action: str = "labeled") -> bool:
    """Record a verified delivery, as the API route does."""
    delivery = Delivery(delivery_id, "pull_request", action, repo, number, T, wants_resync=True)
    with Session(engine) as session, session.begin():
        return record_delivery(session, delivery)


def pending(engine) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(WebhookDeliveryRow).where(col(WebhookDeliveryRow.processed_at).is_(None))
        )
        return sorted(row.delivery_id for row in rows)


def run_rows(engine, source: Source = Source.GITHUB) -> list[tuple[str, str | None]]:
    with Session(engine) as session:
        rows = session.exec(
            select(SyncRunRow).where(SyncRunRow.source == source.value).order_by(SyncRunRow.id)
        )
        return [(row.outcome, row.reason) for row in rows]


def outcome_of(result) -> str | None:
    """A round result's outcome, or None when the source was not synced."""
    return result.report.outcome if result.report is not None else None


# --- one ingest at a time -----------------------------------------------------------------


def test_the_ingest_lock_is_exclusive_and_released(engine):
    first, second = IngestLock(engine), IngestLock(engine)
    assert first.acquire(wait=False)
    try:
        assert not second.acquire(wait=False)
    finally:
        first.release()
    assert second.acquire(wait=False)
    second.release()


async def test_a_round_is_skipped_while_another_process_syncs(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url)
    holder = IngestLock(engine)
    assert holder.acquire(wait=False)
    try:
        assert await run_once(settings, engine, [Source.GITHUB], wait=False) is None
        assert github.fake.requests == []
    finally:
        holder.release()
    [result] = await run_once(settings, engine, [Source.GITHUB], wait=False) or []
    assert outcome_of(result) == Outcome.SUCCESS


async def test_a_waiting_round_runs_once_the_lock_is_free(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    holder = IngestLock(engine)
    assert holder.acquire(wait=False)
    waiting = asyncio.create_task(run_once(github.settings(database_url), engine, [Source.GITHUB]))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    holder.release()
    results = await asyncio.wait_for(waiting, timeout=10)
    assert results is not None
    assert outcome_of(results[0]) == Outcome.SUCCESS


async def test_a_round_cancelled_while_waiting_never_leaves_the_lock_held(engine, database_url):
    """The waiting thread outlives its cancelled task; what it takes, it must give back."""
    holder = IngestLock(engine)
    assert holder.acquire(wait=False)
    waiting = asyncio.create_task(run_once(make_settings(database_url=database_url), engine))
    await asyncio.sleep(0.3)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    holder.release()
    probe = IngestLock(engine)
    deadline = time.monotonic() + 5
    while not probe.acquire(wait=False):
        assert time.monotonic() < deadline, "the cancelled round's thread kept the lock"
        await asyncio.sleep(0.05)
    probe.release()


# --- runs that never finished ---------------------------------------------------------------


def test_a_run_left_running_is_marked_interrupted_by_the_next(engine):
    with Session(engine) as session, session.begin():
        begin_sync_run(session, SyncReport(Source.GITHUB, Origin.UPSTREAM, started_at=T))
    assert run_rows(engine) == [("running", None)]
    with Session(engine) as session, session.begin():
        begin_sync_run(session, SyncReport(Source.MEETINGS, Origin.UPSTREAM, started_at=T))
    assert run_rows(engine) == [("running", None)], "another source's run is left alone"
    with Session(engine) as session, session.begin():
        begin_sync_run(session, SyncReport(Source.GITHUB, Origin.UPSTREAM, started_at=T))
    assert run_rows(engine) == [("interrupted", "interrupted"), ("running", None)]


# --- rate limits ------------------------------------------------------------------------------


async def test_a_rate_limited_source_is_not_asked_again_before_its_reset(
    github, engine, database_url
):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url)
    bucket = github.fake.rate_limit()
    bucket.used = bucket.limit
    [limited] = await run_once(settings, engine, [Source.GITHUB]) or []
    assert limited.report is not None
    assert limited.report.reason == "rate_limited"
    reset = datetime.fromtimestamp(bucket.reset_at, UTC)
    assert limited.report.retry_at == reset
    with Session(engine) as session:
        assert latest_run(session, Source.GITHUB).retry_at == reset

    github.fake.reset_log()
    now = datetime.now(UTC)
    [deferred] = await run_once(settings, engine, [Source.GITHUB], clock=lambda: now) or []
    assert (deferred.report, deferred.deferred_until) == (None, reset)
    assert github.fake.requests == [], "a deferred source is not asked at all"

    bucket.used = 0  # the window reset upstream
    after = reset + timedelta(seconds=1)
    [retried] = await run_once(settings, engine, [Source.GITHUB], clock=lambda: after) or []
    assert outcome_of(retried) == Outcome.SUCCESS


@pytest.mark.parametrize(
    ("status", "headers", "message", "expected_wait"),
    [
        pytest.param(429, {"retry-after": "120"}, None, timedelta(seconds=120), id="429-seconds"),
        pytest.param(429, {}, None, timedelta(minutes=1), id="429-bare-waits-a-minute"),
        pytest.param(
            403,
            {"retry-after": "30"},
            "You have exceeded a secondary rate limit.",
            timedelta(seconds=30),
            id="403-secondary-retry-after",
        ),
        pytest.param(
            403,
            {},
            "You have exceeded a secondary rate limit. Please wait a few minutes.",
            timedelta(minutes=1),
            id="403-secondary-without-time",
        ),
        pytest.param(
            429, {"retry-after": "999999"}, None, timedelta(hours=1), id="absurd-wait-capped"
        ),
        pytest.param(
            429, {"retry-after": "9" * 5000}, None, timedelta(hours=1), id="thousand-digit-wait"
        ),
        pytest.param(
            429, {"retry-after": "\u00b2"}, None, timedelta(minutes=1), id="not-ascii-digits"
        ),
    ],
)
async def test_rate_limit_answers_schedule_the_next_attempt(
    github, engine, database_url, status, headers, message, expected_wait
):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    body = None if message is None else f'{{"message": "{message}"}}'.encode()
    github.fake.fail_next("/pulls", status, body=body, headers=headers)
    before = datetime.now(UTC)
    report = await sync_github(github.settings(database_url), engine)
    after = datetime.now(UTC)
    assert (report.outcome, report.reason) == (Outcome.FAILED, "rate_limited")
    assert report.retry_at is not None
    assert report.retry_at.microsecond == 0, "whole seconds, as /v1/status shows them"
    assert before + expected_wait <= report.retry_at <= after + expected_wait + timedelta(seconds=1)
    assert [r.status for r in github.fake.requests] == [status], "rate limits are not retried"


async def test_retry_after_as_an_http_date_is_understood(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    when = (datetime.now(UTC) + timedelta(minutes=5)).replace(microsecond=0)
    github.fake.fail_next(
        "/pulls", 429, headers={"retry-after": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}
    )
    report = await sync_github(github.settings(database_url), engine)
    assert report.retry_at == when


async def test_a_403_without_limit_signals_is_a_refusal_not_a_limit(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    body = b'{"message": "Resource not accessible by integration"}'
    github.fake.fail_next("/pulls", 403, body=body)
    report = await sync_github(github.settings(database_url), engine)
    assert (report.reason, report.retry_at) == ("upstream_rejected", None)


# --- webhook resyncs ---------------------------------------------------------------------------


async def test_a_forced_pull_is_fetched_again_even_if_its_listing_did_not_move(
    github, engine, database_url
):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    repo.add_pull(2, "RFC: Two", "bo", created_at=T)
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    github.fake.reset_log()
    await sync_github(settings, engine)
    assert not any("/events" in path for path in github.paths())
    github.fake.reset_log()
    await sync_github(settings, engine, force=frozenset({("o/r", 2)}))
    fetched = {path for path in github.paths() if "/issues/" in path}
    assert fetched
    assert all("/issues/2" in path for path in fetched)


async def test_queued_deliveries_resync_their_pulls_once(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    repo.add_label(1, DISCUSSION, actor="chair", at=T + timedelta(days=1))
    assert queue(engine, "d-1", "o/r", 1)
    assert not queue(engine, "d-1", "o/r", 1), "a redelivery is not queued twice"
    report = await resync_webhook_pulls(settings, engine)
    assert report is not None
    assert report.outcome == Outcome.SUCCESS
    assert stage_of(engine, 1, "o/r") == ("rfc", Stage.DISCUSSION, None)
    assert pending(engine) == []
    github.fake.reset_log()
    assert await resync_webhook_pulls(settings, engine) is None
    assert github.fake.requests == [], "nothing queued: nothing asked"


async def test_queued_deliveries_wait_while_github_is_rate_limited(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url)
    github.fake.fail_next("/pulls", 429, headers={"retry-after": "600"})
    await sync_github(settings, engine)
    queue(engine, "d-2", "o/r", 1)
    github.fake.reset_log()
    assert await resync_webhook_pulls(settings, engine) is None
    assert github.fake.requests == []
    assert pending(engine) == ["d-2"]


async def test_the_running_worker_resyncs_a_webhook_pull_within_seconds(
    github, engine, database_url
):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url, sync_interval=3600)
    worker = asyncio.create_task(run_forever(settings, engine, [Source.GITHUB]))
    try:
        deadline = time.monotonic() + 10
        while stage_of_or_none(engine) is None:
            assert time.monotonic() < deadline, "the first round never stored the pull"
            await asyncio.sleep(0.05)
        repo.add_label(1, FCP, actor="chair", at=T + timedelta(days=2))
        queued_at = time.monotonic()
        queue(engine, "d-3", "o/r", 1)
        while stage_of_or_none(engine) != Stage.FCP:
            assert time.monotonic() - queued_at < 5, "the webhook's pull was not resynced"
            await asyncio.sleep(0.05)
        # The delivery is marked processed just after the sync commits.
        while pending(engine):
            assert time.monotonic() - queued_at < 5, "the delivery was never marked processed"
            await asyncio.sleep(0.05)
    finally:
        worker.cancel()
        with pytest.raises(asyncio.CancelledError):
            await worker


def stage_of_or_none(engine) -> Stage | None:
    try:
        return stage_of(engine, 1, "o/r")[1]
    except ValueError:
        return None
