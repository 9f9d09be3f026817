"""The ingest loop: run each source's sync, then sleep `ALESCO_SYNC_INTERVAL` seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import Engine

from alesco.settings import Settings
from alesco.sync_runs import Source, SyncReport
from ingest.github_sync import sync_github
from ingest.meetings_sync import sync_meetings
from ingest.minutes_sync import sync_minutes
from ingest.roster_sync import sync_roster

logger = logging.getLogger(__name__)

SyncFunction = Callable[[Settings, Engine], Awaitable[SyncReport]]
SYNCS: dict[Source, SyncFunction] = {
    Source.ROSTER: sync_roster,
    Source.GITHUB: sync_github,
    Source.MEETINGS: sync_meetings,
    Source.MINUTES: sync_minutes,
}


async def run_once(
    settings: Settings, engine: Engine, sources: Sequence[Source] = tuple(Source)
) -> list[SyncReport]:
    """One sync of each source, one after the other; failures are recorded, not raised."""
    return [await SYNCS[source](settings, engine) for source in sources]


async def run_forever(
    settings: Settings, engine: Engine, sources: Sequence[Source] = tuple(Source)
) -> None:
    """Sync every interval until cancelled; a crash in one round never ends the loop."""
    while True:
        try:
            await run_once(settings, engine, sources)
        except Exception:
            logger.exception("ingest.round_failed")
        await asyncio.sleep(settings.sync_interval)
