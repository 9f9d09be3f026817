"""API fixtures: the app over a real database, driven in-process through ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from alesco.storage.github_store import replace_proposals
from alesco.storage.sync_runs import Origin, Outcome, Source, SyncReport, record_sync_run
from api.app import create_app
from tests.conftest import make_settings
from tests.factories import day, event, facts, pull, stored

NOW = day(40)
REPO = "AlmaLinux/ALESCo"


@pytest.fixture
async def client(engine) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(engine) as client:
        yield client


def client_for(engine, **settings: Any) -> httpx.AsyncClient:
    """A client of the app over `engine`, as the `client` fixture's, with these settings
    besides: `async with client_for(meetings, graphql_timeout=0.05) as client:`."""
    app = create_app(make_settings(sync_interval=300, **settings), engine, clock=lambda: NOW)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def record_run(engine, at, outcome=Outcome.SUCCESS, **fields) -> None:
    """Record one GitHub sync run that started and ended at `at`."""
    with Session(engine) as session, session.begin():
        record_sync_run(
            session,
            SyncReport(
                Source.GITHUB,
                Origin.UPSTREAM,
                started_at=at,
                finished_at=at,
                outcome=outcome,
                **fields,
            ),
        )


def store_synced(engine, proposals, finished=NOW) -> None:
    """Store proposals the way a successful upstream sync does, with its run row."""
    with Session(engine) as session, session.begin():
        changed = replace_proposals(session, proposals, Origin.UPSTREAM, finished)
    record_run(engine, finished, items=len(proposals), changed=changed, requests=3, not_modified=2)


def store_day_event(engine, uid, title, start, all_day, timezone=None) -> None:
    """Store one day-long calendar event (the whole schedule), as a meetings sync would."""
    from alesco.storage.committee_store import replace_calendar
    from alesco.upstream.calendar import CalendarEvent

    event = CalendarEvent(
        uid,
        title,
        start,
        start + timedelta(days=1),
        timezone,
        None,
        None,
        False,
        None,
        all_day=all_day,
    )
    with Session(engine) as session, session.begin():
        window = (NOW - timedelta(days=400), NOW + timedelta(days=400))
        replace_calendar(session, [event], window, Origin.UPSTREAM, NOW)


@pytest.fixture
def committee(engine):
    """A small repository with one proposal in each interesting stage."""
    store_synced(
        engine,
        stored(
            REPO,
            facts(pull(1, "RFC: Submitted one", created=1, updated=30)),
            facts(
                pull(
                    2, "RFC: Discussed", labels=("accepted for discussion",), created=2, updated=29
                ),
                (event("labeled", 5, "accepted for discussion"),),
            ),
            facts(
                pull(
                    3, "RFC: Voting soon", labels=("vote at next meeting",), created=3, updated=28
                ),
                (
                    event("labeled", 6, "accepted for discussion"),
                    event("labeled", 8, "vote at next meeting"),
                ),
            ),
            facts(
                pull(4, "RFC: Merged", created=4, merged=12),
                (event("merged", 12, actor="chair"), event("closed", 12, actor="chair")),
            ),
            facts(
                pull(5, "RFC: Given up", created=5, closed=13),
                (event("closed", 13, actor="alice"),),
            ),
            facts(pull(6, "Process fix", created=6, updated=27)),
        ),
    )
    return engine


MINUTES_2025_02_10 = """# ALESCo Meeting Minutes (2025-02-10)

Minutes recorded by Ann Member.

## Members

### ALESCo Member Attendees

- Ann Member
- Bo Member

### Unable to attend

- Cy Member

## Community Attendees

- Visiting Person

## Decisions Adopted

- RFC 3 moves to a vote ([#3](https://github.com/AlmaLinux/ALESCo/pull/3))

## Minutes

Discussed https://github.com/AlmaLinux/ALESCo/pull/4 as well.
"""

MINUTES_2025_01_20 = """# ALESCo Meeting Minutes (2025-01-20)

## Members

### ALESCo Member Attendees

- Ann Member

## Minutes

- First look at https://github.com/AlmaLinux/ALESCo/pull/1
"""

ROSTER_YAML = """members:
  - {name: Ann Member, github: ann, title: Chair person, affiliation: Ann Co,
     joined: 2024-05-08, chair_terms: [{from: 2025-01-01, to: null}]}
  - {name: Bo Member, github: bo, joined: 2024-05-08}
  - {name: Cy Member, github: cy, joined: 2024-05-08, left: 2025-02-01}
"""


@pytest.fixture
def meetings(engine, committee):
    """The committee fixture's proposals, plus a schedule, two minutes files and a roster."""
    from alesco.storage.committee_store import (
        MinutesFile,
        replace_calendar,
        replace_minutes,
        replace_roster,
    )
    from alesco.upstream.calendar import CalendarEvent
    from alesco.upstream.minutes.parse import parse_minutes
    from alesco.upstream.roster import parse_roster

    def scheduled(uid, start, cancelled=False):
        return CalendarEvent(
            uid,
            "ALESCo Meeting",
            start,
            start + timedelta(hours=1),
            "UTC",
            f"https://events.example/event/{uid}/",
            "Online",
            cancelled,
            "Holiday" if cancelled else None,
        )

    events = [
        scheduled("101", datetime(2025, 2, 10, 14, tzinfo=UTC)),
        scheduled("102", NOW + timedelta(days=1), cancelled=True),
        scheduled("103", NOW + timedelta(days=3)),
    ]
    files = [
        MinutesFile(
            f"m/{day}.md",
            None,
            f"https://wiki.example/{day}",
            text,
            parse_minutes(text, f"m/{day}.md"),
        )
        for day, text in (("2025-02-10", MINUTES_2025_02_10), ("2025-01-20", MINUTES_2025_01_20))
    ]
    with Session(engine) as session, session.begin():
        window = (NOW - timedelta(days=400), NOW + timedelta(days=400))
        replace_calendar(session, events, window, Origin.UPSTREAM, NOW)
        replace_minutes(session, files, Origin.UPSTREAM, NOW)
        replace_roster(session, parse_roster(ROSTER_YAML, "roster.yaml"), Origin.UPSTREAM, NOW)
    for source in (Source.MEETINGS, Source.MINUTES, Source.ROSTER):
        with Session(engine) as session, session.begin():
            record_sync_run(
                session,
                SyncReport(
                    source,
                    Origin.UPSTREAM,
                    started_at=NOW,
                    finished_at=NOW,
                    outcome=Outcome.SUCCESS,
                ),
            )
    return engine
