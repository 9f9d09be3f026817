"""Keeps each API process's read model current without a query per request.

A background task asks the database for the model version every `refresh_interval`
seconds (one primary-key lookup) and reloads the model when it moved or the date changed.
On PostgreSQL it also LISTENs on the `alesco_changed` channel, which every sync NOTIFYs on
commit, so replicas pick up new data at once rather than within a poll interval. While the
model shows a sync running, each tick also checks that its process is alive
(`alesco.storage.run_reaper`), so a killed ingest shows as interrupted within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from datetime import datetime

import psycopg
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from alesco.database.notifications import CHANNEL, listen_url
from alesco.read.read_model import ReadModel, load_read_model, read_model_version
from alesco.settings import Settings
from alesco.storage.run_reaper import reap_dead_runs
from alesco.storage.sync_runs import Outcome

logger = logging.getLogger(__name__)


class ModelHolder:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Callable[[], datetime],
        refresh_interval: float = 1.0,
        freeze_gc: bool = False,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.refresh_interval = refresh_interval
        self.freeze_gc = freeze_gc
        self._model: ReadModel | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()

    @property
    def model(self) -> ReadModel:
        if self._model is None:
            self._model = self._load()
            self._frozen()
        return self._model

    def _load(self) -> ReadModel:
        with Session(self.engine) as session:
            return load_read_model(session, self.settings.github_repos, self.clock().date())

    def _frozen(self) -> None:
        """With `freeze_gc` (a serving process), keep everything but what requests make out
        of the collector's full passes: they walked the whole read model, holding the GIL
        (and so every other client) for 30-100 ms whenever a busy GraphQL worker allocated
        enough. Each reload unfreezes first, so that the previous model's cycles are freed:
        one full pass per data change instead of one per burst of work."""
        if self.freeze_gc:
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def _is_current(self) -> bool:
        if self._model is None or self._model.today != self.clock().date():
            return False
        with Session(self.engine) as session:
            return read_model_version(session) == self._model.version

    def _shows_a_running_sync(self) -> bool:
        if self._model is None:
            return False
        return any(
            attempt is not None and attempt.outcome == Outcome.RUNNING.value
            for attempt, _ in self._model.runs.latest.values()
        )

    async def refresh(self) -> bool:
        """Reload the model if the data, the sync log or the date moved; True if it did."""
        if await run_in_threadpool(self._is_current):
            return False
        self._model = await run_in_threadpool(self._load)
        self._frozen()
        logger.info("model.reloaded", extra={"version": self._model.version.data_version})
        return True

    async def start(self) -> None:
        await self.refresh()
        self._tasks.append(asyncio.create_task(self._poll()))
        url = listen_url(self.engine)
        if url is not None:
            self._tasks.append(asyncio.create_task(self._listen(url)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.refresh_interval)
            self._wake.clear()
            try:
                await self.refresh()
                if self._shows_a_running_sync():
                    reaped = await run_in_threadpool(reap_dead_runs, self.engine)
                    if reaped:
                        logger.warning("sync.interrupted", extra={"runs": reaped})
                        await self.refresh()
            except Exception:  # the database may be briefly away: keep serving, retry later
                logger.exception("model.refresh_failed")

    async def _listen(self, url: str) -> None:
        """Wake the poller on every NOTIFY; reconnect with a pause if the link drops."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    async for _ in conn.notifies():
                        self._wake.set()
            except (psycopg.Error, OSError):
                logger.warning("model.listen_lost", exc_info=True)
                await asyncio.sleep(self.refresh_interval * 5)
