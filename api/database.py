"""Database reads from async handlers: each runs in the thread pool with its own session,
so a slow query never blocks the event loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from alesco.committee import Committee
from alesco.committee_store import load_committee
from alesco.settings import Settings
from alesco.status import ServiceStatus, read_status

T = TypeVar("T")


def engine_of(connection: HTTPConnection) -> Engine:
    engine: Engine = connection.app.state.engine
    return engine


def settings_of(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


def now_of(connection: HTTPConnection) -> datetime:
    clock: Callable[[], datetime] = connection.app.state.clock
    return clock()


async def read(connection: HTTPConnection, work: Callable[[Session], T]) -> T:
    engine = engine_of(connection)

    def run() -> T:
        with Session(engine) as session:
            return work(session)

    return await run_in_threadpool(run)


@dataclass(frozen=True)
class Context:
    """What every response needs beside its own data: the joined committee (for links
    between proposals and meetings), each source's freshness, and the time of the request."""

    committee: Committee
    status: ServiceStatus
    now: datetime


async def read_in_context(
    connection: HTTPConnection, work: Callable[[Session], T]
) -> tuple[T, Context]:
    """`work` and the request's Context, read in one session."""
    settings, now = settings_of(connection), now_of(connection)

    def everything(session: Session) -> tuple[T, Context]:
        committee = load_committee(session, settings.github_repos, now.date())
        status = read_status(session, now, settings.sync_interval)
        return work(session), Context(committee, status, now)

    return await read(connection, everything)
