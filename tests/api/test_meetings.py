"""`/v1/meetings*`, `/v1/members` and the proposal links, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest


async def test_meetings_join_schedule_and_minutes(client, meetings):
    body = (await client.get("/v1/meetings")).json()
    assert [m["id"] for m in body["data"]] == [
        "2025-02-18",
        "2025-02-16",
        "2025-02-10",
        "2025-01-20",
    ]
    assert body["meta"]["count"] == 4
    assert body["meta"]["stale"] is False
    held = body["data"][2]
    assert held == {
        "id": "2025-02-10",
        "date": "2025-02-10",
        "title": "ALESCo Meeting",
        "starts_at": "2025-02-10T14:00:00Z",
        "ends_at": "2025-02-10T15:00:00Z",
        "timezone": "UTC",
        "url": "https://events.example/event/101/",
        "location": "Online",
        "status": "past",
        "cancel_reason": None,
        "minutes_url": "https://wiki.example/2025-02-10",
        "recorder": "Ann Member",
        "attendees": ["Ann Member", "Bo Member"],
        "absentees": ["Cy Member"],
        "board_attendees": [],
        "community_attendees": ["Visiting Person"],
        "decisions": ["RFC 3 moves to a vote (#3)"],
        "proposals_discussed": [3, 4],
        "proposals": [
            {"repo": "AlmaLinux/ALESCo", "number": 3},
            {"repo": "AlmaLinux/ALESCo", "number": 4},
        ],
        "decision_records": [
            {
                "id": "2025-02-10.1",
                "meeting_id": "2025-02-10",
                "date": "2025-02-10",
                "text": "RFC 3 moves to a vote (#3)",
                "details": [],
                "verdict": "other",
                "tally": None,
                "nullified": False,
                "proposals": [{"repo": "AlmaLinux/ALESCo", "number": 3, "link": "in_decision"}],
                "votes": [],
                "evidence": {"minutes_url": "https://wiki.example/2025-02-10", "line": 22},
            }
        ],
    }
    assert [m["status"] for m in body["data"]] == ["upcoming", "cancelled", "past", "past"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=date", ["2025-01-20", "2025-02-10", "2025-02-16", "2025-02-18"]),
        ("from=2025-02-01&to=2025-02-16", ["2025-02-16", "2025-02-10"]),
        ("from=2025-02-11T00:00:00Z", ["2025-02-18", "2025-02-16"]),
        ("to=2025-01-31", ["2025-01-20"]),
    ],
)
async def test_meeting_filters(client, meetings, query, expected):
    body = (await client.get(f"/v1/meetings?{query}")).json()
    assert [m["id"] for m in body["data"]] == expected


async def test_meeting_pages(client, meetings):
    seen, url = [], "/v1/meetings?limit=3&sort=date"
    while url:
        response = await client.get(url)
        body = response.json()
        seen += [m["id"] for m in body["data"]]
        url = (
            body["meta"]["next_cursor"]
            and f"/v1/meetings?limit=3&sort=date&cursor={body['meta']['next_cursor']}"
        )
        link = response.headers["link"]
        assert link.startswith('<http://testserver/v1/meetings?limit=3&sort=date>; rel="first"')
        assert ('rel="next"' in link) == bool(url)
        assert response.headers["x-total-count"] == "4"
    assert seen == ["2025-01-20", "2025-02-10", "2025-02-16", "2025-02-18"]


async def test_next_meeting_skips_cancelled_ones(client, meetings):
    body = (await client.get("/v1/meetings/next")).json()
    assert body["data"]["id"] == "2025-02-18"
    assert body["data"]["starts_at"] == "2025-02-18T12:00:00Z"


async def test_no_next_meeting_is_null(client, committee):
    assert (await client.get("/v1/meetings/next")).json()["data"] is None


async def test_meeting_detail_and_404(client, meetings):
    assert (await client.get("/v1/meetings/2025-01-20")).json()["data"]["attendees"] == [
        "Ann Member"
    ]
    missing = await client.get("/v1/meetings/2030-01-01")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_proposals_link_to_meetings_and_next_vote(client, meetings):
    fcp = (await client.get("/v1/proposals/3")).json()["data"]
    assert fcp["discussed_in"] == [
        {"meeting_id": "2025-02-10", "date": "2025-02-10", "url": "https://wiki.example/2025-02-10"}
    ]
    assert fcp["next_vote"] == {
        "meeting_id": "2025-02-18",
        "date": "2025-02-18",
        "starts_at": "2025-02-18T12:00:00Z",
        "url": "https://events.example/event/103/",
    }
    discussion = (await client.get("/v1/proposals/2")).json()["data"]
    assert discussion["discussed_in"] == []
    assert discussion["next_vote"] is None
    submitted = (await client.get("/v1/proposals/1")).json()["data"]
    assert [m["meeting_id"] for m in submitted["discussed_in"]] == ["2025-01-20"]


async def test_ics_feed_parses_back(client, meetings):
    response = await client.get("/v1/meetings.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "alesco-101",
        "alesco-102",
        "alesco-103",
        "alesco-meeting-2025-01-20@alesco-api",
    }
    held = events["alesco-101"]
    assert held.decoded("DTSTART").isoformat() == "2025-02-10T14:00:00+00:00"
    assert str(held["STATUS"]) == "CONFIRMED"
    assert "#3, #4" in str(held["DESCRIPTION"])
    assert str(events["alesco-102"]["STATUS"]) == "CANCELLED"
    assert events["alesco-meeting-2025-01-20@alesco-api"].decoded("DTSTART") == date(2025, 1, 20)
    again = await client.get("/v1/meetings.ics")
    assert again.content == response.content  # stable bytes: DTSTAMP is the data's time


async def test_members(client, meetings):
    body = (await client.get("/v1/members")).json()
    assert [m["name"] for m in body["data"]] == ["Ann Member", "Bo Member", "Cy Member"]
    ann = body["data"][0]
    assert ann == {
        "name": "Ann Member",
        "github": "ann",
        "title": "Chair person",
        "affiliation": "Ann Co",
        "avatar_url": "https://github.com/ann.png",
        "joined": "2024-05-08",
        "left": None,
        "current": True,
        "chair": True,
        "chair_terms": [{"from": "2025-01-01", "to": None}],
        "meetings_attended": 2,
        "last_attended": "2025-02-10",
    }
    current = (await client.get("/v1/members?current=true")).json()["data"]
    former = (await client.get("/v1/members?current=false")).json()["data"]
    assert [m["name"] for m in current] == ["Ann Member", "Bo Member"]
    assert [m["name"] for m in former] == ["Cy Member"]
    assert (await client.get("/v1/members?current=maybe")).status_code == 400


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/meetings?from=yesterday", "from"),
        ("/v1/meetings?from=2025-02-10&to=2025-01-01", "to"),
        ("/v1/meetings?sort=title", "sort"),
        ("/v1/meetings?limit=0", "limit"),
        ("/v1/meetings?cursor=abc", "cursor"),
        ("/v1/meetings/next?when=soon", "when"),
        ("/v1/meetings.ics?x=1", "x"),
    ],
)
async def test_bad_meeting_parameters(client, meetings, path, parameter):
    response = await client.get(path)
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["name"] == parameter


@pytest.mark.parametrize(
    ("all_day", "starts_at", "dtstart"),
    [
        pytest.param(True, None, date(2025, 3, 10), id="all-day-served-without-a-time"),
        pytest.param(
            False,
            "2025-03-10T00:00:00Z",
            datetime(2025, 3, 10, tzinfo=UTC),
            id="timed-at-midnight-keeps-its-time",
        ),
    ],
)
async def test_all_day_events_are_served_without_a_time(
    client, engine, committee, all_day, starts_at, dtstart
):
    from tests.api.conftest import store_day_event

    start = datetime(2025, 3, 10, tzinfo=UTC)
    store_day_event(
        engine, "offsite@example.org", "Offsite", start, all_day, None if all_day else "UTC"
    )
    (meeting,) = (await client.get("/v1/meetings")).json()["data"]
    assert (meeting["id"], meeting["date"], meeting["starts_at"]) == (
        "2025-03-10",
        "2025-03-10",
        starts_at,
    )
    assert meeting["ends_at"] == (None if all_day else "2025-03-11T00:00:00Z")
    assert (await client.get("/v1/meetings/next")).json()["data"]["id"] == "2025-03-10"
    calendar = icalendar.Calendar.from_ical((await client.get("/v1/meetings.ics")).content)
    (served,) = calendar.walk("VEVENT")
    assert str(served["UID"]) == "alesco-offsite@example.org"
    assert served.decoded("DTSTART") == dtstart
