"""The meetings sync: Indico's category export (JSON), or an iCalendar feed when
`ALESCO_MEETINGS_ICS_URL` is set.

Indico is asked for a fixed, wide window in UTC (`tz=UTC`: its date objects are in the
request's zone; absolute dates, because an unencoded `+` in `to=+30d` is a 400). Stored
meetings inside the window that upstream no longer lists are kept, marked cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.settings import Settings
from alesco.storage.committee_store import replace_calendar
from alesco.storage.sync_runs import Origin, Source, SyncReport
from alesco.timestamps import utc_now
from alesco.upstream.calendar import CalendarEvent, parse_icalendar, parse_indico_export
from ingest.clients.conditional import ConditionalFetcher, RequestPolicy
from ingest.clients.http_clients import plain_http_client
from ingest.syncs.sync_runner import SyncSpec, run_sync

HISTORY = timedelta(days=3660)  # meetings are kept from ten years back ...
HORIZON = timedelta(days=400)  # ... to a year and a bit ahead

Window = tuple[datetime, datetime]
Fetched = tuple[list[CalendarEvent], Window]


def meetings_window(now: datetime) -> tuple[date, date]:
    return (now - HISTORY).date(), (now + HORIZON).date()


def indico_export_url(settings: Settings, first: date, last: date) -> str:
    query = urlencode(
        {"from": first.isoformat(), "to": last.isoformat(), "tz": "UTC", "order": "start"}
    )
    return f"{settings.indico_url}/export/categ/{settings.indico_category}.json?{query}"


def meetings_sync_spec(
    settings: Settings, clock: Callable[[], datetime]
) -> SyncSpec[None, Fetched]:
    async def collect(fetcher: ConditionalFetcher, _: None, report: SyncReport) -> Fetched:
        first, last = meetings_window(clock())
        window = (datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC))
        if settings.meetings_ics_url:
            page = await fetcher.get(settings.meetings_ics_url)
            return parse_icalendar(page.body, first, last), window
        page = await fetcher.get(indico_export_url(settings, first, last))
        return parse_indico_export(page.json(), settings.indico_url), window

    def store(session: Session, fetched: Fetched, report: SyncReport, now: datetime) -> bool:
        events, window = fetched
        report.items = len(events)
        return replace_calendar(session, events, window, Origin.UPSTREAM, now)

    return SyncSpec(
        source=Source.MEETINGS,
        load_known=lambda session: None,
        open_client=lambda: plain_http_client(settings),
        collect=collect,
        store=store,
        policy=RequestPolicy.from_settings(settings),
    )


async def sync_meetings(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utc_now
) -> SyncReport:
    return await run_sync(meetings_sync_spec(settings, clock), engine, clock)
