"""How fresh the served data is, per source: read from the sync-run log.

A source is stale when its data came from the bundled snapshot, when its latest attempt
failed (we keep serving the last good data), or when its last success is older than
three sync intervals (no worker is running, or it is stuck).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from alesco.database.data_version import DataVersion, read_data_version
from alesco.database.models import SyncRunRow
from alesco.storage.sync_runs import Origin, Outcome, Source, latest_run

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
    retry_at: datetime | None


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
    if attempt is not None and attempt.outcome in (Outcome.FAILED, Outcome.INTERRUPTED):
        return True, success.finished_at
    deadline = success.finished_at + timedelta(seconds=interval * STALE_AFTER_INTERVALS)
    return (True, success.finished_at) if now > deadline else (False, None)


@dataclass(frozen=True)
class RunLog:
    """Per source, its latest attempt and latest success: all status is computed from it."""

    latest: dict[Source, tuple[SyncRunRow | None, SyncRunRow | None]]


def load_run_log(session: Session) -> RunLog:
    return RunLog(
        {
            source: (latest_run(session, source), latest_run(session, source, Outcome.SUCCESS))
            for source in Source
        }
    )


def _source_status(
    source: Source,
    attempt: SyncRunRow | None,
    success: SyncRunRow | None,
    now: datetime,
    interval: float,
) -> SourceStatus:
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
        retry_at=attempt.retry_at if attempt else None,
    )


def compute_status(
    runs: RunLog, version: DataVersion, now: datetime, sync_interval: float
) -> ServiceStatus:
    """Every source's freshness at `now` (pure: staleness grows with time)."""
    return ServiceStatus(
        sources=tuple(
            _source_status(source, *runs.latest.get(source, (None, None)), now, sync_interval)
            for source in Source
        ),
        data_version=version.version,
        data_changed_at=version.changed_at,
    )


def read_status(session: Session, now: datetime, sync_interval: float) -> ServiceStatus:
    return compute_status(load_run_log(session), read_data_version(session), now, sync_interval)
