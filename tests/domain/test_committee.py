"""Tests of alesco/domain/committee.py: meetings joined with minutes, attendance, next vote."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from alesco.domain.committee import MinutesDocument, build_committee, meeting_title
from alesco.domain.lifecycle import Stage
from alesco.upstream.calendar import CalendarEvent
from alesco.upstream.minutes.parse import Attendee, Minutes, PullLink, parse_minutes
from alesco.upstream.roster import ChairTerm, RosterMember

REPO = "AlmaLinux/ALESCo"
NOW = datetime(2026, 10, 10, tzinfo=UTC)


def event(uid: str, start: datetime, timezone: str = "UTC", cancelled: bool = False):
    return CalendarEvent(
        uid,
        "ALESCo Meeting",
        start,
        None,
        timezone,
        f"https://x/{uid}",
        None,
        cancelled,
        "Cancelled" if cancelled else None,
    )


def minutes(
    day: date, members=(), others=(), links=(), path=None, decisions=("Decided",)
) -> MinutesDocument:
    return MinutesDocument(
        Minutes(
            path or f"m/{day}.md",
            day,
            f"ALESCo Meeting Minutes ({day})",
            "Rec",
            (),
            tuple(Attendee(n) for n in members),
            (),
            (),
            (),
            tuple(Attendee(n) for n in others),
            tuple(decisions),
            tuple(links),
            (),
        ),
        f"https://wiki/{path}" if path else f"https://wiki/{day}",
    )


ROSTER = [
    RosterMember(
        name="Ann Member",
        github="ann",
        joined=date(2024, 1, 1),
        chair_terms=(ChairTerm(starts_on=date(2026, 1, 1)),),
    ),
    RosterMember(
        name="Bo Member", aliases=("Bobby",), joined=date(2024, 1, 1), left=date(2026, 6, 1)
    ),
]


def test_events_and_minutes_join_by_local_date():
    # 23:30 in New York on 2026-09-03 is 2026-09-04 in UTC: the meeting's date is local.
    late = event("e1", datetime(2026, 9, 4, 3, 30, tzinfo=UTC), "America/New_York")
    committee = build_committee(
        [late, event("e2", datetime(2026, 10, 20, 14, tzinfo=UTC))],
        [minutes(date(2026, 9, 3), ["Ann Member"]), minutes(date(2025, 1, 1), ["Bo Member"])],
        ROSTER,
        [REPO],
        NOW.date(),
    )
    assert [(m.id, m.event_uid, m.minutes_url) for m in committee.meetings] == [
        ("2025-01-01", None, "https://wiki/2025-01-01"),
        ("2026-09-03", "e1", "https://wiki/2026-09-03"),
        ("2026-10-20", "e2", None),
    ]
    assert committee.meeting("2025-01-01").title == "ALESCo Meeting"
    assert committee.meeting("2026-09-03").status(NOW) == "past"
    assert committee.meeting("2026-10-20").status(NOW) == "upcoming"


def test_same_day_meetings_get_numbered_ids_and_minutes_go_to_the_held_one():
    day = datetime(2026, 9, 3, 14, tzinfo=UTC)
    committee = build_committee(
        [event("cancelled", day, cancelled=True), event("held", day.replace(hour=18))],
        [minutes(day.date())],
        ROSTER,
        [REPO],
        NOW.date(),
    )
    # Ids number the day's meetings by start time; the minutes still go to the held one.
    assert [(m.id, m.event_uid, m.minutes_url is not None) for m in committee.meetings] == [
        ("2026-09-03", "cancelled", False),
        ("2026-09-03-2", "held", True),
    ]


NEW_YORK = "America/New_York"
EARLY = datetime(2027, 1, 14, 19, tzinfo=UTC)  # 14:00 in New York
LATE = datetime(2027, 1, 14, 23, tzinfo=UTC)  # 18:00 in New York


@pytest.mark.parametrize(
    ("cancelled", "with_minutes"),
    [
        pytest.param((), "1005", id="none-cancelled"),
        pytest.param(("1005",), "1008", id="earlier-cancelled-keeps-its-id"),
        pytest.param(("1008",), "1005", id="later-cancelled-keeps-its-id"),
        pytest.param(("1005", "1008"), "1005", id="both-cancelled"),
    ],
)
def test_same_day_ids_follow_start_time_whatever_is_cancelled(cancelled, with_minutes):
    committee = build_committee(
        [
            event("1008", LATE, NEW_YORK, cancelled="1008" in cancelled),
            event("1005", EARLY, NEW_YORK, cancelled="1005" in cancelled),
        ],
        [minutes(date(2027, 1, 14))],
        ROSTER,
        [REPO],
        NOW.date(),
    )
    assert [(m.id, m.event_uid) for m in committee.meetings] == [
        ("2027-01-14", "1005"),
        ("2027-01-14-2", "1008"),
    ]
    (held,) = [m for m in committee.meetings if m.minutes_url]
    assert held.event_uid == with_minutes


NOV_19 = date(2026, 11, 19)
NOV_19_AT = datetime(2026, 11, 19, 15, tzinfo=UTC)
MAIN = minutes(NOV_19, ["Ann Member"], path="m/2026-11-19.md", decisions=("Main",))
ADDENDUM = minutes(NOV_19, ["Bobby"], path="m/2026-11-19-addendum.md", decisions=("Late",))


@pytest.mark.parametrize(
    ("events", "files", "expected"),
    [
        pytest.param(
            [event("e", NOV_19_AT)],
            [ADDENDUM, MAIN],
            [("2026-11-19", "e", "https://wiki/m/2026-11-19.md")],
            id="file-named-by-the-date-is-the-main-minutes-and-addendum-joins-it",
        ),
        pytest.param(
            [],
            [ADDENDUM, MAIN],
            [("2026-11-19", None, "https://wiki/m/2026-11-19.md")],
            id="addendum-without-event-is-part-of-the-same-meeting",
        ),
        pytest.param(
            [],
            [
                minutes(NOV_19, path="m/notes-2026-11-19.md", decisions=()),
                minutes(NOV_19, ["Ann Member"], path="m/alesco-meeting-2026-11-19.md"),
            ],
            [("2026-11-19", None, "https://wiki/m/alesco-meeting-2026-11-19.md")],
            id="else-the-file-recording-attendance-or-decisions-is-main",
        ),
        pytest.param(
            [],
            [
                minutes(NOV_19, ["Ann Member"], path="m/alesco-2026-11-19-notes.md"),
                minutes(NOV_19, ["Ann Member"], path="m/alesco-2026-11-19.md"),
            ],
            [("2026-11-19", None, "https://wiki/m/alesco-2026-11-19.md")],
            id="else-the-shortest-name-is-main",
        ),
        pytest.param(
            [event("early", NOV_19_AT), event("late", NOV_19_AT.replace(hour=20))],
            [minutes(NOV_19, path="m/2026-11-19-2.md"), MAIN],
            [
                ("2026-11-19", "early", "https://wiki/m/2026-11-19.md"),
                ("2026-11-19-2", "late", "https://wiki/m/2026-11-19-2.md"),
            ],
            id="two-held-events-take-one-file-each-main-first",
        ),
        pytest.param(
            [event("gone", NOV_19_AT, cancelled=True), event("held", NOV_19_AT.replace(hour=20))],
            [ADDENDUM, MAIN],
            [
                ("2026-11-19", "gone", None),
                ("2026-11-19-2", "held", "https://wiki/m/2026-11-19.md"),
            ],
            id="a-cancelled-event-takes-no-addendum",
        ),
    ],
)
def test_a_days_minutes_files_pair_main_first(events, files, expected):
    for ordered in (files, files[::-1]):
        committee = build_committee(events, ordered, ROSTER, [REPO], NOW.date())
        assert [(m.id, m.event_uid, m.minutes_url) for m in committee.meetings] == expected


def test_an_addendum_adds_to_its_meeting():
    committee = build_committee(
        [event("e", NOV_19_AT)], [ADDENDUM, MAIN], ROSTER, [REPO], NOW.date()
    )
    (meeting,) = committee.meetings
    assert meeting.attendees == ("Ann Member", "Bo Member")
    assert meeting.decisions == ("Main", "Late")
    assert [m.meetings_attended for m in committee.members] == [1, 1]


def test_attendees_are_matched_to_the_roster():
    committee = build_committee(
        [],
        [
            minutes(date(2026, 1, 8), ["ann member", "Stranger Danger"], others=["Bobby", "Guest"]),
            minutes(date(2026, 1, 22), ["Ann Member"]),
        ],
        ROSTER,
        [REPO],
        NOW.date(),
    )
    first = committee.meeting("2026-01-08")
    assert first.attendees == ("Ann Member", "Stranger Danger", "Bo Member")
    assert first.community_attendees == ("Guest",)
    ann, bo = committee.members
    assert (ann.meetings_attended, ann.last_attended) == (2, date(2026, 1, 22))
    assert (bo.meetings_attended, bo.last_attended) == (1, date(2026, 1, 8))
    assert (ann.current, ann.chair, bo.current, bo.chair) == (True, True, False, False)


@pytest.mark.parametrize(
    ("written", "section", "spelled"),
    [
        pytest.param("@ann", "members", "Ann Member", id="at-login-in-member-section"),
        pytest.param("@ANN", "others", "Ann Member", id="at-login-in-generic-attendees"),
        pytest.param(" @ann ", "members", "Ann Member", id="at-login-with-spaces"),
        pytest.param("ann", "members", "Ann Member", id="bare-login"),
        pytest.param("@Bobby", "members", "Bo Member", id="at-alias"),
        pytest.param("@nobody", "members", "@nobody", id="unknown-at-name-kept-as-written"),
    ],
)
def test_github_handles_match_the_roster(written, section, spelled):
    people = {"members": [written]} if section == "members" else {"others": [written]}
    committee = build_committee(
        [], [minutes(date(2026, 1, 8), **people)], ROSTER, [REPO], NOW.date()
    )
    (meeting,) = committee.meetings
    assert meeting.attendees == (spelled,)
    assert meeting.community_attendees == ()
    attended = {m.name: m.meetings_attended for m in committee.members}
    assert attended == {
        "Ann Member": int(spelled == "Ann Member"),
        "Bo Member": int(spelled == "Bo Member"),
    }


FEB_10 = date(2027, 2, 10)


def all_day(uid: str, day: date, cancelled: bool = False) -> CalendarEvent:
    start = datetime.combine(day, datetime.min.time(), UTC)
    return replace(event(uid, start, timezone=None, cancelled=cancelled), all_day=True)


@pytest.mark.parametrize(
    ("now", "next_uid"),
    [
        pytest.param(datetime(2027, 2, 9, 23, tzinfo=UTC), "offsite", id="next-the-day-before"),
        pytest.param(datetime(2027, 2, 10, 1, tzinfo=UTC), "later", id="past-on-its-day"),
        pytest.param(datetime(2027, 2, 1, tzinfo=UTC), "offsite", id="before-a-later-timed-one"),
    ],
)
def test_an_all_day_event_is_a_meeting_without_a_time(now, next_uid):
    later = event("later", datetime(2027, 2, 11, 14, tzinfo=UTC))
    committee = build_committee(
        [later, all_day("offsite", FEB_10), all_day("off", FEB_10 - timedelta(1), True)],
        [minutes(FEB_10)],
        ROSTER,
        [REPO],
        now.date(),
    )
    meeting = committee.meeting("2027-02-10")
    assert (meeting.event_uid, meeting.starts_at, meeting.ends_at, meeting.timezone) == (
        "offsite",
        None,
        None,
        None,
    )
    assert meeting.minutes_url == "https://wiki/2027-02-10"
    assert committee.next_meeting(now).event_uid == next_uid


def test_links_only_to_configured_repositories_and_next_vote():
    upcoming = event("e", datetime(2026, 10, 15, 14, tzinfo=UTC))
    cancelled = event("c", datetime(2026, 10, 12, 14, tzinfo=UTC), cancelled=True)
    committee = build_committee(
        [upcoming, cancelled],
        [
            minutes(
                date(2026, 9, 3),
                links=[PullLink("almalinux/alesco", 15), PullLink("AlmaLinux/wiki", 838)],
            )
        ],
        ROSTER,
        [REPO],
        NOW.date(),
    )
    (meeting,) = committee.meetings_discussing("ALMALINUX/ALESCO", 15)
    assert meeting.proposals == (PullLink(REPO, 15),)
    assert committee.meetings_discussing(REPO, 838) == []
    assert committee.next_meeting(NOW).event_uid == "e"
    assert committee.next_vote(Stage.FCP, NOW).event_uid == "e"
    assert committee.next_vote(Stage.DISCUSSION, NOW) is None
    assert committee.next_meeting(datetime(2027, 1, 1, tzinfo=UTC)) is None


PROBE_ROSTER = [
    RosterMember(name="Neal Gompa", github="ngompa"),
    RosterMember(name="Carl George", github="carlwgeorge"),
    RosterMember(name="Lucía Fernández", github="lfernandez"),
    RosterMember(name="Dmitri Ivanov"),
    RosterMember(name="Hiroshi Tanaka", aliases=("Hiro",)),
]


@pytest.mark.parametrize(
    ("line", "member", "community"),
    [
        pytest.param("**Neal Gompa** - Velocity Limitless", "Neal Gompa", None, id="bold-dash"),
        pytest.param(
            "[Carl George](https://github.com/carlwgeorge) — Red Hat",
            "Carl George",
            None,
            id="linked-name-em-dash-affiliation",
        ),
        pytest.param(
            "[carl](https://github.com/carlwgeorge)", "Carl George", None, id="profile-link-login"
        ),
        pytest.param(
            "Dr. Lucía Fernández (Universidad X)", "Lucía Fernández", None, id="honorific-note"
        ),
        pytest.param("Dmitri Ivanov, Chair emeritus", "Dmitri Ivanov", None, id="comma-role"),
        pytest.param("Hiroshi Tanaka - Example KK", "Hiroshi Tanaka", None, id="dash-company"),
        pytest.param("Hiro \u2013 Example KK", "Hiroshi Tanaka", None, id="alias-en-dash-company"),
        pytest.param("Neal Gompa (ngompa) 45", "Neal Gompa", None, id="meetbot-login-and-count"),
        pytest.param("Lucía Fernández (lfernandez) 5", "Lucía Fernández", None, id="accented"),
        pytest.param("Lucia Fernandez", "Lucía Fernández", None, id="accents-do-not-count"),
        pytest.param("ngompa (45)", "Neal Gompa", None, id="meetbot-nick-and-count"),
        pytest.param("N. Gompa (ngompa)", "Neal Gompa", None, id="login-in-parentheses"),
        pytest.param("Tanaka, Hiroshi", "Hiroshi Tanaka", None, id="surname-first"),
        pytest.param(
            "Pat Visitor - Example Org", None, "Pat Visitor", id="unknown-affiliation-cut"
        ),
        pytest.param(
            "Pat Visitor (patv) 12", None, "Pat Visitor", id="unknown-count-and-login-cut"
        ),
        pytest.param("Pat Visitor, Fedora", None, "Pat Visitor, Fedora", id="unknown-comma-kept"),
        pytest.param("(ngompa)", "Neal Gompa", None, id="only-a-login-in-parentheses"),
        pytest.param("Neal Gompa<br>Velocity Limitless", "Neal Gompa", None, id="br-affiliation"),
        pytest.param("Pat Visitor<br>Example Org", None, "Pat Visitor", id="unknown-br"),
    ],
)
def test_attendee_lines_with_extras_match_the_roster(line, member, community):
    text = f"# SC 2026-01-08\n\n## Attendees\n\n- {line}\n"
    document = MinutesDocument(parse_minutes(text, "m/2026-01-08.md"), None)
    committee = build_committee([], [document], PROBE_ROSTER, [REPO], NOW.date())
    (meeting,) = committee.meetings
    assert meeting.attendees == ((member,) if member else ())
    assert meeting.community_attendees == ((community,) if community else ())
    attended = {m.name for m in committee.members if m.meetings_attended}
    assert attended == ({member} if member else set())


@pytest.mark.parametrize(
    ("written", "title"),
    [
        pytest.param(
            "ALESCo Meeting Minutes (2025-04-16)", "ALESCo Meeting", id="minutes-and-date"
        ),
        pytest.param(None, "ALESCo meeting", id="no-title"),
        pytest.param(
            "=================================\n#probe-sc: Probe SC APAC meeting",
            "#probe-sc: Probe SC APAC meeting",
            id="meetbot-overline",
        ),
        pytest.param("Probe SC sync\n=====", "Probe SC sync", id="underline"),
        pytest.param("*** Probe SC *** ---", "Probe SC", id="rules-both-ends"),
        pytest.param("Probe SC - APAC", "Probe SC - APAC", id="a-dash-inside-stays"),
    ],
)
def test_meeting_title(written, title):
    assert meeting_title(written) == title
