"""The ingest loop: every `ALESCO_SYNC_INTERVAL` seconds a round of every source, and in
between, within a second or so, a GitHub resync of the pull requests that webhooks named.

Every round holds the ingest lock (`alesco.database.ingest_lock`), so any number of processes may
run a worker: one syncs, the others skip the round. A source whose last attempt was rate
limited is not asked again before the time upstream gave (`retry_at`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.database.ingest_lock import IngestLock, LockAttempt
from alesco.settings import Settings
from alesco.storage.sync_runs import Outcome, Source, SyncReport, latest_run
from alesco.storage.webhooks import mark_processed, pending_resyncs
from alesco.timestamps import utc_now
from ingest.syncs.github_sync import sync_github
from ingest.syncs.meetings_sync import sync_meetings
from ingest.syncs.minutes_sync import sync_minutes
from ingest.syncs.roster_sync import sync_roster

logger = logging.getLogger(__name__)

SyncFunction = Callable[[Settings, Engine], Awaitable[SyncReport]]
SYNCS: dict[Source, SyncFunction] = {
    Source.ROSTER: sync_roster,
    Source.GITHUB: sync_github,
    Source.MEETINGS: sync_meetings,
    Source.MINUTES: sync_minutes,
}
WEBHOOK_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class RoundResult:
    """One source's part of a round: its report, or why it was not synced."""

    source: Source
    report: SyncReport | None
    deferred_until: datetime | None = None


def _retry_at(engine: Engine, source: Source, now: datetime) -> datetime | None:
    """When a rate-limited source may be asked again, if that is still ahead."""
    with Session(engine) as session:
        last = latest_run(session, source)
    if last is None or last.outcome != Outcome.FAILED or last.retry_at is None:
        return None
    return last.retry_at if last.retry_at > now else None


@contextlib.asynccontextmanager
async def _locked(engine: Engine, wait: bool):  # type: ignore[no-untyped-def]
    lock = IngestLock(engine)
    attempt = LockAttempt(lock)
    try:
        acquired = await asyncio.to_thread(attempt.take, wait)
    except asyncio.CancelledError:
        attempt.abandon()
        raise
    try:
        yield acquired
    finally:
        if acquired:
            await _release(lock)


async def _release(lock: IngestLock) -> None:
    """Release on a worker thread, and finish releasing even when cancelled meanwhile: a
    cancelled task must not end while its lock is still held (the next round, or a test's
    check, would find it taken)."""
    release = asyncio.ensure_future(asyncio.to_thread(lock.release))
    try:
        await asyncio.shield(release)
    except asyncio.CancelledError:
        await release
        raise


async def run_once(
    settings: Settings,
    engine: Engine,
    sources: Sequence[Source] = tuple(Source),
    *,
    wait: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> list[RoundResult] | None:
    """One sync of each source, in turn, under the ingest lock; None if another process
    holds it and `wait` is False. Failures are recorded in each report, not raised."""
    async with _locked(engine, wait) as acquired:
        if not acquired:
            logger.info("ingest.busy", extra={"hint": "another process is syncing"})
            return None
        results = []
        for source in sources:
            deferred = await asyncio.to_thread(_retry_at, engine, source, clock())
            if deferred is not None:
                logger.info(
                    "sync.deferred", extra={"source": source.value, "until": deferred.isoformat()}
                )
                results.append(RoundResult(source, None, deferred))
                continue
            results.append(RoundResult(source, await SYNCS[source](settings, engine)))
        return results


def _pending(engine: Engine) -> tuple[list[str], frozenset[tuple[str, int]]]:
    with Session(engine) as session:
        rows = pending_resyncs(session)
    keys = frozenset((row.repo.lower(), row.number) for row in rows if row.repo and row.number)
    return [row.delivery_id for row in rows], keys


def _mark(engine: Engine, delivery_ids: list[str], now: datetime) -> None:
    with Session(engine) as session, session.begin():
        mark_processed(session, delivery_ids, now)


async def resync_webhook_pulls(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utc_now
) -> SyncReport | None:
    """A GitHub sync that refetches the PRs queued webhooks named; None if none queued or
    another process holds the ingest lock (the deliveries wait for the next try)."""
    delivery_ids, keys = await asyncio.to_thread(_pending, engine)
    if not delivery_ids:
        return None
    async with _locked(engine, wait=False) as acquired:
        if not acquired:
            return None
        if await asyncio.to_thread(_retry_at, engine, Source.GITHUB, clock()) is not None:
            return None  # rate limited: the deliveries wait for the limit to reset
        report = await sync_github(settings, engine, clock, force=keys)
        # Processed even when the sync failed: the regular poll is the backstop, and a
        # failing upstream must not be asked again every second.
        await asyncio.to_thread(_mark, engine, delivery_ids, clock())
        return report


async def run_forever(
    settings: Settings, engine: Engine, sources: Sequence[Source] = tuple(Source)
) -> None:
    """Sync every interval, and resync webhook PRs in between, until cancelled; a crash in
    one round never ends the loop."""
    loop = asyncio.get_running_loop()
    next_round = loop.time()
    while True:
        try:
            if loop.time() >= next_round:
                await run_once(settings, engine, sources, wait=False)
                next_round = loop.time() + settings.sync_interval
            elif Source.GITHUB in sources:
                await resync_webhook_pulls(settings, engine)
        except Exception:
            logger.exception("ingest.round_failed")
        await asyncio.sleep(min(WEBHOOK_POLL_SECONDS, max(0.0, next_round - loop.time())))
