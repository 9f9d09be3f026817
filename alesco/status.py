"""How fresh the served data is, per source: read from the sync-run log.

A source is stale when its data came from the bundled snapshot, when its latest attempt
failed (we keep serving the last good data), or when its last success is older than
three sync intervals (no worker is running, or it is stuck).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from alesco.data_version import read_data_version
from alesco.models import SyncRunRow
from alesco.sync_runs import Origin, Outcome, Source, latest_run

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class SourceStatus:
    """One source's freshness: its latest attempt and the success whose data we serve."""

    source: Source
    origin: Origin | None
    stale: bool
    stale_since: datetime | None
    synced_at: datetime | None
    snapshot_built_at: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    outcome: Outcome | None
    error_reason: str | None
    error: str | None
    items: int
    requests: int
    not_modified: int
    warnings: tuple[str, ...]
    rate_limit_remaining: int | None
    rate_limit_reset_at: datetime | None


@dataclass(frozen=True)
class ServiceStatus:
    sources: tuple[SourceStatus, ...]
    data_version: int
    data_changed_at: datetime

    def source(self, source: Source) -> SourceStatus:
        return next(status for status in self.sources if status.source == source)


def _staleness(
    attempt: SyncRunRow | None, success: SyncRunRow | None, now: datetime, interval: float
) -> tuple[bool, datetime | None]:
    if success is None:
        return True, None
    if success.origin == Origin.SNAPSHOT:
        return True, success.snapshot_built_at
    if attempt is not None and attempt.outcome == Outcome.FAILED:
        return True, success.finished_at
    deadline = success.finished_at + timedelta(seconds=interval * STALE_AFTER_INTERVALS)
    return (True, success.finished_at) if now > deadline else (False, None)


def _source_status(
    session: Session, source: Source, now: datetime, interval: float
) -> SourceStatus:
    attempt = latest_run(session, source)
    success = latest_run(session, source, Outcome.SUCCESS)
    stale, stale_since = _staleness(attempt, success, now, interval)
    origin = Origin(success.origin) if success else None
    synced_at = None
    if success is not None:
        synced_at = success.finished_at
        if origin == Origin.SNAPSHOT and success.snapshot_built_at is not None:
            synced_at = success.snapshot_built_at
    return SourceStatus(
        source=source,
        origin=origin,
        stale=stale,
        stale_since=stale_since,
        synced_at=synced_at,
        snapshot_built_at=success.snapshot_built_at if success else None,
        last_attempt_at=attempt.started_at if attempt else None,
        last_success_at=success.finished_at if success else None,
        outcome=Outcome(attempt.outcome) if attempt else None,
        error_reason=attempt.reason if attempt else None,
        error=attempt.error if attempt else None,
        items=success.items if success else 0,
        requests=attempt.requests if attempt else 0,
        not_modified=attempt.not_modified if attempt else 0,
        warnings=tuple(attempt.warnings) if attempt else (),
        rate_limit_remaining=attempt.rate_limit_remaining if attempt else None,
        rate_limit_reset_at=attempt.rate_limit_reset_at if attempt else None,
    )


def read_status(session: Session, now: datetime, sync_interval: float) -> ServiceStatus:
    version = read_data_version(session)
    return ServiceStatus(
        sources=tuple(_source_status(session, source, now, sync_interval) for source in Source),
        data_version=version.version,
        data_changed_at=version.changed_at,
    )
