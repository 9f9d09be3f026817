"""Sync runs: one row per attempt to sync one source, success or failure.

`/v1/status` and `meta.stale` are computed from these rows, so a failed sync is visible to
users while the data it failed to replace keeps being served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from alesco.models import SyncRunRow
from alesco.notifications import notify_change


class Source(StrEnum):
    GITHUB = "github"
    MEETINGS = "meetings"
    MINUTES = "minutes"
    ROSTER = "roster"


class Origin(StrEnum):
    """Where a source's data came from: the live upstream, or the bundled snapshot."""

    UPSTREAM = "upstream"
    SNAPSHOT = "snapshot"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"


@dataclass
class SyncReport:
    """What one sync did; filled in while it runs, stored when it ends."""

    source: Source
    origin: Origin
    started_at: datetime
    finished_at: datetime | None = None
    outcome: Outcome | None = None
    reason: str | None = None
    error: str | None = None
    items: int = 0
    requests: int = 0
    not_modified: int = 0
    changed: bool = False
    warnings: list[str] = field(default_factory=list)
    rate_limit_remaining: int | None = None
    rate_limit_reset_at: datetime | None = None
    snapshot_built_at: datetime | None = None


def record_sync_run(session: Session, report: SyncReport) -> None:
    if report.finished_at is None or report.outcome is None:
        raise ValueError("a sync run is recorded only once it has finished")
    session.add(
        SyncRunRow(
            source=report.source.value,
            origin=report.origin.value,
            started_at=report.started_at,
            finished_at=report.finished_at,
            outcome=report.outcome.value,
            reason=report.reason,
            error=report.error,
            items=report.items,
            requests=report.requests,
            not_modified=report.not_modified,
            changed=report.changed,
            warnings=list(report.warnings),
            rate_limit_remaining=report.rate_limit_remaining,
            rate_limit_reset_at=report.rate_limit_reset_at,
            snapshot_built_at=report.snapshot_built_at,
        )
    )
    notify_change(session)


def latest_run(
    session: Session, source: Source, outcome: Outcome | None = None
) -> SyncRunRow | None:
    """The newest run of `source`, optionally only among those with `outcome`."""
    query = select(SyncRunRow).where(SyncRunRow.source == source.value)
    if outcome is not None:
        query = query.where(SyncRunRow.outcome == outcome.value)
    query = query.order_by(col(SyncRunRow.started_at).desc(), col(SyncRunRow.id).desc()).limit(1)
    return session.exec(query).first()
