"""Tests of alesco/upstream/calendar.py: Indico's JSON export and iCalendar feeds, as Indico sends
them (tests/data/indico) and as other calendars do (recurrence, TZID, STATUS)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alesco.errors import MalformedUpstream
from alesco.upstream.calendar import (
    occurrence_day,
    parse_icalendar,
    parse_indico_export,
    renamed_occurrence,
)

INDICO = Path(__file__).parent.parent / "data" / "indico"
BASE = "https://events.almalinux.org"
WINDOW = (date(2026, 1, 1), date(2027, 1, 1))


def test_indico_json_export():
    import orjson

    events = parse_indico_export(orjson.loads((INDICO / "categ-7-compact.json").read_bytes()), BASE)
    assert [(e.uid, e.starts_at, e.ends_at) for e in events] == [
        (
            "indico-event-201@events.almalinux.org",
            datetime(2026, 9, 3, 14, tzinfo=UTC),
            datetime(2026, 9, 3, 15, tzinfo=UTC),
        ),
        (
            "indico-event-202@events.almalinux.org",
            datetime(2026, 9, 17, 14, tzinfo=UTC),
            datetime(2026, 9, 17, 15, tzinfo=UTC),
        ),
    ]
    assert events[0].url == "https://events.almalinux.org/event/201/"
    assert events[0].title == "ALESCo Meeting"
    assert events[0].timezone == "UTC"
    assert events[0].location is None
    assert not events[0].cancelled


@pytest.mark.parametrize(
    "name", ["categ-7.ics", "categ-7-cached.ics"], ids=["live-variant", "cached-variant"]
)
def test_indico_ics_gives_the_same_events_as_json(name):
    import orjson

    from_json = parse_indico_export(
        orjson.loads((INDICO / "categ-7-compact.json").read_bytes()), BASE
    )
    from_ics = parse_icalendar((INDICO / name).read_bytes(), *WINDOW)
    assert from_ics  # the cached-variant example holds event 201 only
    by_uid = {e.uid: (e.starts_at, e.ends_at, e.url, e.title) for e in from_json}
    for event in from_ics:
        assert (event.starts_at, event.ends_at, event.url, event.title) == by_uid[event.uid]


def test_indico_label_is_a_cancellation():
    events = parse_icalendar((INDICO / "categ-7-cancelled.ics").read_bytes(), *WINDOW)
    assert [(e.title, e.cancelled, e.cancel_reason) for e in events] == [
        ("ALESCo Meeting", True, "Cancelled")
    ]


def test_json_label_and_other_time_zones():
    body = {
        "results": [
            {
                "id": "301",
                "title": "ALESCo",
                "timezone": "US/Eastern",
                "startDate": {"date": "2026-11-05", "time": "12:00:00.000123", "tz": "US/Eastern"},
                "endDate": {"date": "2026-11-05", "time": "13:00:00", "tz": "US/Eastern"},
                "location": "Online",
                "roomFullname": "Jitsi",
                "label": {"title": "Postponed", "is_event_not_happening": True, "message": ""},
            }
        ]
    }
    (event,) = parse_indico_export(body, BASE)
    assert event.starts_at == datetime(2026, 11, 5, 17, 0, 0, 123, tzinfo=UTC)
    assert event.local_date == date(2026, 11, 5)
    assert event.location == "Jitsi (Online)"
    assert (event.cancelled, event.cancel_reason) == (True, "Postponed")


def indico_event(**fields) -> dict:
    return {
        "id": "401",
        "title": "Steering call",
        "timezone": "America/Los_Angeles",
        "startDate": {"date": "2026-12-02", "time": "17:00:00", "tz": "America/Los_Angeles"},
        "endDate": {"date": "2026-12-02", "time": "18:00:00", "tz": "America/Los_Angeles"},
        **fields,
    }


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(indico_event(), ("Steering call", False, None, 1), id="scheduled-one-hour"),
        pytest.param(
            indico_event(title="Steering call [Cancelled]", label=None),
            ("Steering call", True, "Cancelled", 1),
            id="cancelled-by-title-without-label",
        ),
        pytest.param(
            indico_event(title="Steering call [postponed]"),
            ("Steering call", True, "Postponed", 1),
            id="postponed-by-title",
        ),
        pytest.param(
            indico_event(endDate={"date": "2026-12-02", "time": None, "tz": "UTC"}),
            ("Steering call", False, None, None),
            id="end-without-a-time-is-unknown",
        ),
        pytest.param(
            indico_event(endDate={"date": "2026-12-01", "time": "09:00:00", "tz": "UTC"}),
            ("Steering call", False, None, None),
            id="end-before-start-is-unknown",
        ),
        pytest.param(
            indico_event(title="Steering\x00 call"),
            ("Steering call", False, None, 1),
            id="nul-dropped",
        ),
    ],
)
def test_indico_titles_and_ends(record, expected):
    (event,) = parse_indico_export({"results": [record]}, BASE)
    hours = (event.ends_at - event.starts_at).seconds // 3600 if event.ends_at else None
    assert (event.title, event.cancelled, event.cancel_reason, hours) == expected
    assert event.starts_at == datetime(2026, 12, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"message": "Bad timezone"}, "Bad timezone"),
        (
            {
                "results": [
                    {
                        "id": "1",
                        "startDate": {"date": "2026-13-01", "time": "10:00:00", "tz": "UTC"},
                    }
                ]
            },
            "unreadable date",
        ),
        ({"results": [{"id": "1", "startDate": "yesterday"}]}, "expected {date, time, tz}"),
        ({"results": [{"title": "no id"}]}, "without an id"),
        ([], "no results list"),
    ],
)
def test_bad_indico_bodies_name_the_problem(body, fragment):
    with pytest.raises(MalformedUpstream) as error:
        parse_indico_export(body, BASE)
    assert fragment in str(error.value)


RECURRING = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//EN\r
BEGIN:VTIMEZONE\r
TZID:America/New_York\r
BEGIN:STANDARD\r
DTSTART:20251102T020000\r
TZOFFSETFROM:-0400\r
TZOFFSETTO:-0500\r
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:20260308T020000\r
TZOFFSETFROM:-0500\r
TZOFFSETTO:-0400\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:alesco-series@example.org\r
SUMMARY:ALESCo meeting\r
DTSTART;TZID=America/New_York:20261022T120000\r
DTEND;TZID=America/New_York:20261022T130000\r
RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4\r
EXDATE;TZID=America/New_York:20261105T120000\r
LOCATION:Jitsi\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:one-off@example.org\r
SUMMARY:Special session\r
DTSTART:20261201T150000Z\r
DURATION:PT1H\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_recurring_events_expand_with_their_time_zone():
    events = parse_icalendar(RECURRING, date(2026, 10, 1), date(2027, 1, 1))
    series = [e for e in events if e.uid.startswith("alesco-series")]
    # Noon in New York: 16:00 UTC before the DST change on 2026-11-01, 17:00 after; the
    # EXDATE removes 2026-11-05.
    assert [e.starts_at for e in series] == [
        datetime(2026, 10, 22, 16, tzinfo=UTC),
        datetime(2026, 11, 19, 17, tzinfo=UTC),
        datetime(2026, 12, 3, 17, tzinfo=UTC),
    ]
    assert {e.timezone for e in series} == {"America/New_York"}
    assert len({e.uid for e in series}) == 3
    assert series[0].location == "Jitsi"
    (special,) = [e for e in events if e.uid == "one-off@example.org"]
    assert special.cancelled
    assert special.ends_at == datetime(2026, 12, 1, 16, tzinfo=UTC)


def test_unreadable_feed():
    with pytest.raises(MalformedUpstream):
        parse_icalendar(b"this is not a calendar", *WINDOW)


def series(*extra: str, start: str = "20270107T230000", rule: str = "FREQ=WEEKLY;COUNT=4"):
    """A weekly series at 23:00 in New York (04:00 UTC the next day), with extra lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example//EN",
        "BEGIN:VEVENT",
        "UID:series@example.org",
        "SUMMARY:ALESCo meeting",
        f"DTSTART;TZID=America/New_York:{start}",
        "DURATION:PT1H",
        f"RRULE:{rule}",
        "END:VEVENT",
        *extra,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def moved(recurrence_id: str, start: str) -> tuple[str, ...]:
    return (
        "BEGIN:VEVENT",
        "UID:series@example.org",
        f"RECURRENCE-ID{recurrence_id}",
        "SUMMARY:ALESCo meeting",
        f"DTSTART;TZID=America/New_York:{start}",
        "DURATION:PT1H",
        "END:VEVENT",
    )


WEEKLY_UIDS = [f"series@example.org#202701{day:02}" for day in (7, 14, 21, 28)]


@pytest.mark.parametrize(
    ("feed", "uids", "second_start"),
    [
        pytest.param(series(), WEEKLY_UIDS, datetime(2027, 1, 15, 4, tzinfo=UTC), id="unchanged"),
        pytest.param(
            series(*moved(";TZID=America/New_York:20270114T230000", "20270115T210000")),
            WEEKLY_UIDS,
            datetime(2027, 1, 16, 2, tzinfo=UTC),
            id="one-occurrence-moved-keeps-its-identity",
        ),
        pytest.param(
            series(*moved(":20270115T040000Z", "20270114T220000")),
            WEEKLY_UIDS,
            datetime(2027, 1, 15, 3, tzinfo=UTC),
            id="recurrence-id-in-utc-counts-on-the-series-clock",
        ),
        pytest.param(
            series(start="20270107T223000"),
            WEEKLY_UIDS,
            datetime(2027, 1, 15, 3, 30, tzinfo=UTC),
            id="whole-series-shifted-keeps-every-identity",
        ),
        pytest.param(
            series(start="20270107T193000"),
            WEEKLY_UIDS,
            datetime(2027, 1, 15, 0, 30, tzinfo=UTC),
            id="shift-across-utc-midnight-keeps-every-identity",
        ),
        pytest.param(
            series(start="20270107T090000", rule="FREQ=DAILY;BYHOUR=9,15;COUNT=4"),
            [
                "series@example.org#20270107T090000",
                "series@example.org#20270107T150000",
                "series@example.org#20270108T090000",
                "series@example.org#20270108T150000",
            ],
            datetime(2027, 1, 7, 20, tzinfo=UTC),
            id="several-a-day-add-their-original-time",
        ),
    ],
)
def test_recurring_occurrences_keep_their_identity_when_moved(feed, uids, second_start):
    events = parse_icalendar(feed, date(2027, 1, 1), date(2027, 2, 1))
    assert sorted(e.uid for e in events) == uids
    assert events[1].starts_at == second_start
    assert not any(e.cancelled for e in events)


@pytest.mark.parametrize(
    ("stored", "timezone", "renamed"),
    [
        pytest.param(
            "series@example.org#20270115T040000Z",
            "America/New_York",
            "series@example.org#20270114",
            id="old-scheme-to-local-date",
        ),
        pytest.param("series@example.org#20270114", "America/New_York", None, id="new-scheme"),
        pytest.param("indico-event-201@events.almalinux.org", "UTC", None, id="not-a-series"),
    ],
)
def test_occurrences_stored_under_the_old_scheme_are_renamed(stored, timezone, renamed):
    assert renamed_occurrence(stored, timezone) == renamed
    assert occurrence_day("series@example.org#20270107T150000") == "series@example.org#20270107"


def one_event(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example//EN", "BEGIN:VEVENT"]
    body += ["UID:e@example.org", "SUMMARY:Offsite", *lines, "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


@pytest.mark.parametrize(
    ("feed", "all_day", "local_date", "uids"),
    [
        pytest.param(
            one_event("DTSTART;VALUE=DATE:20270210", "DTEND;VALUE=DATE:20270211"),
            True,
            date(2027, 2, 10),
            ["e@example.org"],
            id="all-day-stays-all-day-on-its-calendar-date",
        ),
        pytest.param(
            one_event("DTSTART;VALUE=DATE:20270210"),
            True,
            date(2027, 2, 10),
            ["e@example.org"],
            id="all-day-without-an-end",
        ),
        pytest.param(
            one_event("DTSTART;VALUE=DATE:20270210", "RRULE:FREQ=WEEKLY;COUNT=2"),
            True,
            date(2027, 2, 10),
            ["e@example.org#20270210", "e@example.org#20270217"],
            id="all-day-series",
        ),
        pytest.param(
            one_event("DTSTART;TZID=America/New_York:20270210T000000"),
            False,
            date(2027, 2, 10),
            ["e@example.org"],
            id="midnight-is-a-time",
        ),
    ],
)
def test_all_day_events(feed, all_day, local_date, uids):
    events = parse_icalendar(feed, date(2027, 1, 1), date(2027, 3, 1))
    assert [e.uid for e in events] == uids
    assert {e.all_day for e in events} == {all_day}
    assert events[0].local_date == local_date
    if all_day:
        assert events[0].timezone is None
