"""Each API process notices new data: by polling within two seconds, and on PostgreSQL at
once through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import time

from api.model_holder import ModelHolder
from tests.api.conftest import NOW, record_run
from tests.conftest import make_settings


async def wait_for(condition, seconds: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_refresh_follows_data_and_sync_log(engine, committee):
    holder = ModelHolder(engine, make_settings(), lambda: NOW)
    first = holder.model.version
    assert await holder.refresh() is False
    record_run(engine, NOW)  # a sync that changed nothing still moves /v1/status
    assert await holder.refresh() is True
    assert holder.model.version.runs_version > first.runs_version
    assert holder.model.version.data_version == first.data_version


async def test_polling_notices_within_two_seconds(engine, committee):
    holder = ModelHolder(engine, make_settings(), lambda: NOW, refresh_interval=1.0)
    await holder.start()
    try:
        before = holder.model.version
        record_run(engine, NOW)
        elapsed = await wait_for(lambda: holder.model.version != before, 2.0)
    finally:
        await holder.stop()
    assert elapsed < 2.0


async def test_postgres_notifies_at_once(engine, committee):
    """With a 60 s poll, only NOTIFY can bring the change within a second (PostgreSQL);
    SQLite has no channel, and the holder says so."""
    holder = ModelHolder(engine, make_settings(), lambda: NOW, refresh_interval=60.0)
    await holder.start()
    try:
        if engine.dialect.name != "postgresql":
            assert len(holder._tasks) == 1  # the poller only
            return
        assert len(holder._tasks) == 2
        await asyncio.sleep(0.3)  # let LISTEN register
        before = holder.model.version
        record_run(engine, NOW)
        elapsed = await wait_for(lambda: holder.model.version != before, 1.0)
    finally:
        await holder.stop()
    assert elapsed < 1.0
