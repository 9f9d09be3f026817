"""Database tables (SQLModel). The schema itself is created by the Alembic migrations.

Tables hold two kinds of columns: facts as upstream stated them (kept so a sync can
re-derive an unchanged PR without asking upstream again) and derived values (stage,
outcome, history) stored so reads never derive anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _time(nullable: bool = True, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JSON, nullable=nullable))


class ProposalRow(SQLModel, table=True):
    """One pull request of a configured repository, with its derived lifecycle."""

    __tablename__ = "proposal"
    __table_args__ = (
        UniqueConstraint("repo", "number", name="uq_proposal_repo_number"),
        Index("ix_proposal_updated", "updated_at", "repo", "number"),
        Index("ix_proposal_created", "created_at", "repo", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    repo: str = Field(max_length=200, index=True)
    number: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, max_length=500)
    state: str = Field(max_length=10)
    draft: bool
    author_login: str | None = Field(default=None, max_length=100)
    author_avatar_url: str | None = Field(default=None, max_length=500)
    labels: list[dict[str, Any]] = _json()
    created_at: datetime = _time(nullable=False)
    updated_at: datetime = _time(nullable=False)
    closed_at: datetime | None = _time()
    merged_at: datetime | None = _time()
    closed_by: str | None = Field(default=None, max_length=100)
    added_paths: list[str] = _json()
    rfc_path: str | None = Field(default=None, max_length=500)
    rfc_title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rfc_number: str | None = Field(default=None, max_length=10)
    rfc_authors: list[str] = _json()
    rfc_status: str | None = Field(default=None, max_length=100)
    rfc_created_at: datetime | None = _time()
    rfc_updated_at: datetime | None = _time()
    abstract: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    kind: str = Field(max_length=10, index=True)
    stage: str | None = Field(default=None, max_length=20, index=True)
    outcome: str | None = Field(default=None, max_length=20)
    stage_since: datetime | None = _time()
    stage_history: list[dict[str, Any]] = _json()
    stage_reason: dict[str, Any] | None = _json(nullable=True)
    supersedes: list[int] = _json()
    superseded_by: int | None = None
    origin: str = Field(max_length=20)


class ProposalEventRow(SQLModel, table=True):
    """An issue event of a pull request, as GitHub listed it."""

    __tablename__ = "proposal_event"
    __table_args__ = (Index("ix_proposal_event_pr", "repo", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    repo: str = Field(max_length=200)
    number: int
    position: int
    event_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    event: str = Field(max_length=50)
    actor: str | None = Field(default=None, max_length=100)
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = _time(nullable=False)


class HttpCacheRow(SQLModel, table=True):
    """The last 200 response per upstream URL, so a 304 can be answered from it."""

    __tablename__ = "http_cache"

    url: str = Field(primary_key=True, max_length=2000)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    next_url: str | None = Field(default=None, max_length=2000)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stored_at: datetime = _time(nullable=False)


class SyncRunRow(SQLModel, table=True):
    """One attempt to sync one source: what it did, and how it ended."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_source_started", "source", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=20)
    origin: str = Field(max_length=20)
    started_at: datetime = _time(nullable=False)
    finished_at: datetime = _time(nullable=False)
    outcome: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=50)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    items: int = 0
    requests: int = 0
    not_modified: int = 0
    changed: bool = False
    warnings: list[str] = _json()
    rate_limit_remaining: int | None = None
    rate_limit_reset_at: datetime | None = _time()
    snapshot_built_at: datetime | None = _time()
    retry_at: datetime | None = _time()


class DataVersionRow(SQLModel, table=True):
    """A single row bumped whenever served data changes: the key of every cache."""

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = _time(nullable=False)
    runs_version: int = 0  # bumped whenever the sync-run log changes (start, end)


class CalendarEventRow(SQLModel, table=True):
    """A scheduled meeting from Indico or an iCalendar feed; kept when it vanishes upstream."""

    __tablename__ = "calendar_event"

    uid: str = Field(primary_key=True, max_length=500)
    title: str = Field(sa_column=Column(Text, nullable=False))
    starts_at: datetime = _time(nullable=False, index=True)
    ends_at: datetime | None = _time()
    timezone: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=500)
    location: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cancelled: bool = False
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    removed_upstream: bool = False
    origin: str = Field(max_length=20)
    all_day: bool = False  # a date only: `starts_at` is its midnight in UTC


class MinutesRow(SQLModel, table=True):
    """One minutes file: its text (to re-parse without refetching) and what it says."""

    __tablename__ = "minutes"

    path: str = Field(primary_key=True, max_length=500)
    sha: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))
    date: str | None = Field(default=None, max_length=10, index=True)
    title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorder: str | None = Field(default=None, max_length=200)
    editors: list[str] = _json()
    member_attendees: list[dict[str, Any]] = _json()
    absentees: list[dict[str, Any]] = _json()
    board_attendees: list[dict[str, Any]] = _json()
    community_attendees: list[dict[str, Any]] = _json()
    other_attendees: list[dict[str, Any]] = _json()
    decisions: list[str] = _json()
    pull_links: list[dict[str, Any]] = _json()
    warnings: list[str] = _json()
    # Decisions as data (`WrittenDecision` as JSON); NULL when stored before they were read.
    written_decisions: list[dict[str, Any]] | None = _json(nullable=True)
    pull_mentions: list[list[Any]] | None = _json(nullable=True)  # [repo, number, line, text]
    origin: str = Field(max_length=20)


class MemberRow(SQLModel, table=True):
    """One roster entry, in roster order."""

    __tablename__ = "member"

    position: int = Field(primary_key=True)
    name: str = Field(max_length=200)
    github: str | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=200)
    affiliation: str | None = Field(default=None, max_length=200)
    avatar: str | None = Field(default=None, max_length=500)
    joined: str | None = Field(default=None, max_length=10)
    left: str | None = Field(default=None, max_length=10)
    aliases: list[str] = _json()
    chair_terms: list[dict[str, Any]] = _json()
    origin: str = Field(max_length=20)


class WebhookDeliveryRow(SQLModel, table=True):
    """A verified GitHub delivery: its id dedupes redeliveries; the worker resyncs its PR."""

    __tablename__ = "webhook_delivery"

    delivery_id: str = Field(primary_key=True, max_length=100)
    event: str = Field(max_length=50)
    action: str | None = Field(default=None, max_length=50)
    repo: str | None = Field(default=None, max_length=200)
    number: int | None = None
    received_at: datetime = _time(nullable=False)
    processed_at: datetime | None = _time(index=True)
