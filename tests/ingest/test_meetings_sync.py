"""The meetings sync against a fake Indico (JSON export and ICS) over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from alesco.storage.committee_store import load_committee, replace_calendar
from alesco.storage.sync_runs import Origin, Outcome
from alesco.upstream.calendar import CalendarEvent
from ingest.syncs.meetings_sync import sync_meetings
from tests.conftest import make_settings
from tests.upstream.test_calendar import WEEKLY_UIDS, moved, series

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
REPOS = ("AlmaLinux/ALESCo",)


def committee(engine):
    with Session(engine) as session:
        return load_committee(session, REPOS, NOW.date())


def settings(database_url, indico, ics: bool = False):
    return make_settings(
        database_url=database_url,
        indico_url=indico.url,
        meetings_ics_url=f"{indico.url}/export/categ/7.ics" if ics else None,
    )


def schedule(indico) -> None:
    """Three biweekly meetings at noon in New York, one of them long past."""
    for number, start in enumerate(
        [
            datetime(2025, 9, 4, 16, tzinfo=UTC),
            datetime(2026, 10, 8, 16, tzinfo=UTC),
            datetime(2026, 10, 22, 16, tzinfo=UTC),
        ],
        start=201,
    ):
        indico.fake.add_event(
            number,
            "ALESCo Meeting",
            start,
            start + timedelta(hours=1),
            timezone="US/Eastern",
            location="Online",
        )


@pytest.mark.parametrize("ics", [False, True], ids=["indico-json", "icalendar"])
async def test_meetings_are_read_past_and_future(indico, engine, database_url, ics):
    schedule(indico)
    report = await sync_meetings(settings(database_url, indico, ics), engine, lambda: NOW)
    assert report.outcome == Outcome.SUCCESS, report.error
    assert report.items == 3
    meetings = committee(engine).meetings
    assert [m.id for m in meetings] == ["2025-09-04", "2026-10-08", "2026-10-22"]
    assert meetings[1].url == "https://events.almalinux.org/event/202/"
    assert committee(engine).next_meeting(NOW).id == "2026-10-08"
    if not ics:
        assert meetings[0].timezone == "US/Eastern"
        assert meetings[0].location == "Online"
    (request,) = indico.fake.requests
    if not ics:
        assert "tz=UTC" in request
        assert "from=2016-" in request
        assert "to=2027-" in request
        assert "+" not in request.split("?", 1)[1]


@pytest.mark.parametrize("ics", [False, True], ids=["indico-json", "icalendar"])
async def test_cancelled_and_vanished_meetings_are_kept_cancelled(
    indico, engine, database_url, ics
):
    schedule(indico)
    config = settings(database_url, indico, ics)
    await sync_meetings(config, engine, lambda: NOW)
    indico.fake.cancel(202, "No meeting this week")
    indico.fake.delete(203)
    report = await sync_meetings(config, engine, lambda: NOW)
    assert report.changed is True
    by_id = {m.id: m for m in committee(engine).meetings}
    assert set(by_id) == {"2025-09-04", "2026-10-08", "2026-10-22"}
    assert by_id["2026-10-08"].cancelled
    assert by_id["2026-10-22"].cancelled
    assert by_id["2026-10-22"].cancel_reason == "no longer listed upstream"
    assert committee(engine).next_meeting(NOW) is None


async def test_a_meeting_that_comes_back_is_scheduled_again(indico, engine, database_url):
    schedule(indico)
    config = settings(database_url, indico)
    await sync_meetings(config, engine, lambda: NOW)
    event = indico.fake.events[203]
    indico.fake.delete(203)
    await sync_meetings(config, engine, lambda: NOW)
    indico.fake.events[203] = event
    await sync_meetings(config, engine, lambda: NOW)
    assert not {m.id: m for m in committee(engine).meetings}["2026-10-22"].cancelled


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(lambda fake: fake.fail_next(500, times=5), "upstream_unavailable", id="500"),
        pytest.param(lambda fake: fake.fail_next(400), "upstream_rejected", id="400"),
        pytest.param(
            lambda fake: setattr(fake, "corrupt_dates", True), "malformed_upstream", id="bad-dates"
        ),
    ],
)
async def test_failures_keep_the_last_good_schedule(indico, engine, database_url, fault, reason):
    schedule(indico)
    config = settings(database_url, indico)
    await sync_meetings(config, engine, lambda: NOW)
    before = committee(engine).meetings
    indico.fake.delete(202)
    fault(indico.fake)
    report = await sync_meetings(config, engine, lambda: NOW)
    assert (report.outcome, report.reason) == (Outcome.FAILED, reason)
    assert committee(engine).meetings == before


@pytest.mark.parametrize(
    ("after", "dates"),
    [
        pytest.param(
            series(*moved(";TZID=America/New_York:20270114T230000", "20270115T210000")),
            ["2027-01-07", "2027-01-15", "2027-01-21", "2027-01-28"],
            id="one-occurrence-moved",
        ),
        pytest.param(
            series(start="20270107T223000"),
            ["2027-01-07", "2027-01-14", "2027-01-21", "2027-01-28"],
            id="whole-series-shifted",
        ),
    ],
)
async def test_a_moved_occurrence_stays_one_meeting(indico, engine, database_url, after, dates):
    config = settings(database_url, indico, ics=True)
    indico.fake.calendar_text = series()
    await sync_meetings(config, engine, lambda: NOW)
    indico.fake.calendar_text = after
    report = await sync_meetings(config, engine, lambda: NOW)
    assert report.changed is True
    meetings = committee(engine).meetings
    assert [(m.id, m.event_uid) for m in meetings] == list(zip(dates, WEEKLY_UIDS, strict=True))
    assert not any(m.cancelled for m in meetings)


async def test_occurrences_stored_under_the_old_identity_leave_no_ghosts(
    indico, engine, database_url
):
    """Before local-date identities, an occurrence was `uid#<start in UTC>`."""
    old = [
        CalendarEvent(
            f"series@example.org#202701{day:02}T040000Z",
            "ALESCo meeting",
            datetime(2027, 1, day, 4, tzinfo=UTC),
            datetime(2027, 1, day, 5, tzinfo=UTC),
            "America/New_York",
            None,
            None,
            False,
            None,
        )
        for day in (8, 15, 22, 29)
    ]
    window = (NOW - timedelta(days=30), NOW + timedelta(days=400))
    with Session(engine) as session, session.begin():
        replace_calendar(session, old, window, Origin.UPSTREAM, NOW)
    indico.fake.calendar_text = series()
    await sync_meetings(settings(database_url, indico, ics=True), engine, lambda: NOW)
    meetings = committee(engine).meetings
    assert [m.event_uid for m in meetings] == WEEKLY_UIDS
    assert not any(m.cancelled for m in meetings)
