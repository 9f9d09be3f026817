"""The roster sync: the bundled `roster.yaml`, or `ALESCO_ROSTER` (a path or an URL).

An invalid roster fails the sync with every problem at file and line, and the last valid
roster keeps being served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.errors import UpstreamRejected
from alesco.settings import Settings
from alesco.storage.committee_store import replace_roster
from alesco.storage.sync_runs import Origin, Source, SyncReport
from alesco.timestamps import utc_now
from alesco.upstream.roster import BUNDLED_ROSTER, RosterMember, bundled_roster_text, parse_roster
from ingest.clients.conditional import ConditionalFetcher, RequestPolicy
from ingest.clients.http_clients import plain_http_client
from ingest.syncs.sync_runner import SyncSpec, run_sync


async def read_roster_text(settings: Settings, fetcher: ConditionalFetcher) -> tuple[str, str]:
    """The roster's text and the name its errors are reported under."""
    location = settings.roster
    if location is None:
        return bundled_roster_text(), BUNDLED_ROSTER
    if location.startswith(("http://", "https://")):
        page = await fetcher.get(location)
        return page.text(), location
    path = Path(location)
    try:
        return await asyncio.to_thread(path.read_text, encoding="utf-8"), str(path)
    except OSError as error:
        raise UpstreamRejected(f"{path}: cannot read the roster ({error.strerror})", 0) from error


def roster_sync_spec(settings: Settings) -> SyncSpec[None, tuple[RosterMember, ...]]:
    async def collect(
        fetcher: ConditionalFetcher, _: None, report: SyncReport
    ) -> tuple[RosterMember, ...]:
        text, source = await read_roster_text(settings, fetcher)
        return parse_roster(text, source)

    def store(
        session: Session, members: tuple[RosterMember, ...], report: SyncReport, now: datetime
    ) -> bool:
        report.items = len(members)
        return replace_roster(session, members, Origin.UPSTREAM, now)

    return SyncSpec(
        source=Source.ROSTER,
        load_known=lambda session: None,
        open_client=lambda: plain_http_client(settings),
        collect=collect,
        store=store,
        policy=RequestPolicy.from_settings(settings),
    )


async def sync_roster(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utc_now
) -> SyncReport:
    return await run_sync(roster_sync_spec(settings), engine, clock)
