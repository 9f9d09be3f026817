"""Database reads from async handlers: each runs in the thread pool with its own session,
so a slow query never blocks the event loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from alesco.settings import Settings

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
