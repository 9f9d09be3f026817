"""Sync runs: one row per attempt to sync one source, success or failure.

`/v1/status` and `meta.stale` are computed from these rows, so a failed sync is visible to
users while the data it failed to replace keeps being served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from alesco.database.data_version import bump_runs_version
from alesco.database.models import SyncRunRow
from alesco.database.notifications import notify_change


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
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the process died mid-sync (found by the next sync)


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
    retry_at: datetime | None = None  # rate-limited: no new attempt before this
    run_id: int | None = None


def _columns(report: SyncReport) -> dict[str, object]:
    return {
        "source": report.source.value,
        "origin": report.origin.value,
        "started_at": report.started_at,
        "finished_at": report.finished_at or report.started_at,
        "outcome": (report.outcome or Outcome.RUNNING).value,
        "reason": report.reason,
        "error": report.error,
        "items": report.items,
        "requests": report.requests,
        "not_modified": report.not_modified,
        "changed": report.changed,
        "warnings": list(report.warnings),
        "rate_limit_remaining": report.rate_limit_remaining,
        "rate_limit_reset_at": report.rate_limit_reset_at,
        "snapshot_built_at": report.snapshot_built_at,
        "retry_at": report.retry_at,
    }


def _changed(session: Session) -> None:
    bump_runs_version(session)
    notify_change(session)


def mark_interrupted(session: Session, source: Source | None = None) -> int:
    """Mark runs still 'running' (of `source`, or of every source) as interrupted: their
    process died. Only call it holding the ingest lock, when no sync can be running."""
    query = select(SyncRunRow).where(SyncRunRow.outcome == Outcome.RUNNING.value)
    if source is not None:
        query = query.where(SyncRunRow.source == source.value)
    dead = list(session.exec(query))
    for row in dead:
        row.outcome = Outcome.INTERRUPTED.value
        row.reason = "interrupted"
        row.error = "the sync stopped before it finished (its process ended)"
        session.add(row)
    if dead:
        _changed(session)
    return len(dead)


def begin_sync_run(session: Session, report: SyncReport) -> None:
    """Record that a sync started (so a process killed mid-sync leaves a trace); runs of the
    same source still marked running died with their process: the caller holds the ingest
    lock, so no other sync can be running."""
    mark_interrupted(session, report.source)
    row = SyncRunRow(**_columns(report))  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    report.run_id = row.id
    _changed(session)


def record_sync_run(session: Session, report: SyncReport) -> None:
    """Record a finished run: update the row `begin_sync_run` made, or add one."""
    if report.finished_at is None or report.outcome is None:
        raise ValueError("a sync run is recorded only once it has finished")
    row = session.get(SyncRunRow, report.run_id) if report.run_id is not None else None
    if row is None:
        session.add(SyncRunRow(**_columns(report)))  # type: ignore[arg-type]
    else:
        for name, value in _columns(report).items():
            setattr(row, name, value)
        session.add(row)
    _changed(session)


def latest_run(
    session: Session, source: Source, outcome: Outcome | None = None
) -> SyncRunRow | None:
    """The newest run of `source` (perhaps still running), or the newest with `outcome`."""
    query = select(SyncRunRow).where(SyncRunRow.source == source.value)
    if outcome is not None:
        query = query.where(SyncRunRow.outcome == outcome.value)
    query = query.order_by(col(SyncRunRow.started_at).desc(), col(SyncRunRow.id).desc()).limit(1)
    return session.exec(query).first()


@dataclass(frozen=True)
class RunTotals:
    """All runs of one source that ended one way, and the upstream requests they made."""

    source: str
    outcome: str
    runs: int
    requests: int
    not_modified: int


def run_totals(session: Session) -> list[RunTotals]:
    """Totals per (source, outcome) over the whole run log: the counters `/metrics` shows,
    the same from every API process because they come from the shared database."""
    query = sa.select(
        col(SyncRunRow.source),
        col(SyncRunRow.outcome),
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(SyncRunRow.requests), 0),
        sa.func.coalesce(sa.func.sum(SyncRunRow.not_modified), 0),
    ).group_by(col(SyncRunRow.source), col(SyncRunRow.outcome))
    rows = session.connection().execute(query).all()
    return [RunTotals(str(s), str(o), int(n), int(r), int(m)) for s, o, n, r, m in rows]
