"""One sync of one source, whatever the source: load, fetch, store, record.

1. Record the run as started (a process killed mid-sync leaves a trace the next sync marks
   "interrupted"), then read what we know (stored facts and the HTTP cache).
2. Fetch and parse with conditional requests; nothing is written meanwhile.
3. Store the source's data, the new cache entries and the sync-run row in ONE transaction.
Any failure before that commit changes nothing; it is recorded in a transaction of its
own, with its stable `reason`, so `/v1/status` shows it while the last good data is served.
Database work runs in a worker thread: an API on the same event loop keeps answering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from alesco.database.data_version import lock_data_version
from alesco.errors import AlescoError, RateLimited
from alesco.storage.http_cache import CachedResponse, load_http_cache, save_http_cache
from alesco.storage.sync_runs import (
    Origin,
    Outcome,
    Source,
    SyncReport,
    begin_sync_run,
    record_sync_run,
)
from alesco.timestamps import utc_now
from ingest.clients.conditional import ConditionalFetcher, RequestPolicy

logger = logging.getLogger(__name__)

Known = TypeVar("Known")
Collected = TypeVar("Collected")


@dataclass(frozen=True)
class SyncSpec(Generic[Known, Collected]):
    """How one source is synced; `store` returns whether the data changed."""

    source: Source
    load_known: Callable[[Session], Known]
    open_client: Callable[[], httpx.AsyncClient]
    collect: Callable[[ConditionalFetcher, Known, SyncReport], Awaitable[Collected]]
    store: Callable[[Session, Collected, SyncReport, datetime], bool]
    policy: RequestPolicy


def _begin(
    engine: Engine, spec: SyncSpec[Known, Collected], report: SyncReport
) -> tuple[dict[str, CachedResponse], Known]:
    """Record the run as started, then read what we know (cache, stored facts)."""
    with Session(engine) as session, session.begin():
        begin_sync_run(session, report)
    with Session(engine) as session:
        return load_http_cache(session), spec.load_known(session)


def _store(
    engine: Engine,
    spec: SyncSpec[Known, Collected],
    collected: Collected,
    fetcher: ConditionalFetcher,
    report: SyncReport,
    clock: Callable[[], datetime],
) -> None:
    with Session(engine) as session, session.begin():
        lock_data_version(session)
        report.changed = spec.store(session, collected, report, clock())
        save_http_cache(session, fetcher.updated.values())
        report.outcome = Outcome.SUCCESS
        report.finished_at = clock()
        record_sync_run(session, report)


def _record_failure(engine: Engine, report: SyncReport, error: Exception, now: datetime) -> None:
    report.finished_at = now
    report.outcome = Outcome.FAILED
    report.reason = error.reason if isinstance(error, AlescoError) else "internal_error"
    report.error = str(error) if isinstance(error, AlescoError) else "internal error"
    if isinstance(error, RateLimited):
        report.retry_at = error.retry_at
    with Session(engine) as session, session.begin():
        record_sync_run(session, report)


def _copy_stats(report: SyncReport, fetcher: ConditionalFetcher) -> None:
    report.requests = fetcher.stats.requests
    report.not_modified = fetcher.stats.not_modified
    report.rate_limit_remaining = fetcher.stats.rate_limit_remaining
    report.rate_limit_reset_at = fetcher.stats.rate_limit_reset_at


async def run_sync(
    spec: SyncSpec[Known, Collected],
    engine: Engine,
    clock: Callable[[], datetime] = utc_now,
) -> SyncReport:
    """Sync one source; never raises for upstream or input errors (they are recorded)."""
    report = SyncReport(spec.source, Origin.UPSTREAM, started_at=clock())
    cache, known = await asyncio.to_thread(_begin, engine, spec, report)
    async with spec.open_client() as client:
        fetcher = ConditionalFetcher(client, cache, clock, spec.policy)
        try:
            collected = await spec.collect(fetcher, known, report)
            _copy_stats(report, fetcher)
            await asyncio.to_thread(_store, engine, spec, collected, fetcher, report, clock)
        except Exception as error:
            _copy_stats(report, fetcher)
            if not isinstance(error, AlescoError):
                logger.exception("sync.crashed", extra={"source": spec.source.value})
            await asyncio.to_thread(_record_failure, engine, report, error, clock())
            logger.warning(
                "sync.failed",
                extra={"source": spec.source.value, "reason": report.reason, "error": report.error},
            )
            return report
    logger.info(
        "sync.finished",
        extra={
            "source": spec.source.value,
            "items": report.items,
            "changed": report.changed,
            "requests": report.requests,
            "not_modified": report.not_modified,
            "warnings": len(report.warnings),
        },
    )
    return report
