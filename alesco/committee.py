"""The committee as served: meetings (scheduled events joined with their minutes by date),
members (roster plus attendance and chair), and the links between them and proposals (pure).

- A scheduled event and a minutes file on the same date (in the event's own time zone) are
  one meeting. Minutes without an event are meetings too (time unknown); events without
  minutes are meetings not yet held or not yet written up.
- A meeting's id is its date (`2025-04-16`), with `-2`, `-3` for further meetings that day,
  numbered by start time (then UID): cancelling one must not rename the others.
- Attendees named in the minutes are matched to the roster by name, alias or GitHub login,
  case-insensitively; generic "Attendees" entries that match a member count as members,
  the rest as community.
- The next meeting is the first not-cancelled event starting after `now`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from alesco.calendar import CalendarEvent
from alesco.lifecycle import Stage
from alesco.minutes import Attendee, Minutes, PullLink
from alesco.roster import ChairTerm, RosterMember

DEFAULT_TITLE = "ALESCo meeting"


@dataclass(frozen=True, slots=True)
class MinutesDocument:
    """Parsed minutes and where people can read them."""

    minutes: Minutes
    url: str | None


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    date: date
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str | None
    url: str | None
    location: str | None
    cancelled: bool
    cancel_reason: str | None
    event_uid: str | None
    minutes_url: str | None
    recorder: str | None
    attendees: tuple[str, ...]
    absentees: tuple[str, ...]
    board_attendees: tuple[str, ...]
    community_attendees: tuple[str, ...]
    decisions: tuple[str, ...]
    proposals: tuple[PullLink, ...]

    def status(self, now: datetime) -> str:
        """`cancelled`, `upcoming`, or `past` (held, or at least its time has gone)."""
        if self.cancelled:
            return "cancelled"
        if self.starts_at is not None:
            return "upcoming" if self.starts_at > now else "past"
        return "upcoming" if self.date > now.date() else "past"


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    github: str | None
    title: str | None
    affiliation: str | None
    avatar_url: str | None
    joined: date | None
    left: date | None
    current: bool
    chair: bool
    chair_terms: tuple[ChairTerm, ...]
    meetings_attended: int
    last_attended: date | None


def meeting_title(minutes_title: str | None) -> str:
    """A meeting's title from its minutes' title: "ALESCo Meeting Minutes (2025-04-16)"
    names the meeting "ALESCo Meeting"."""
    text = re.sub(r"\bminutes\b|\(?\d{4}-\d{2}-\d{2}\)?", " ", minutes_title or "", flags=re.I)
    text = " ".join(text.replace("()", " ").split()).strip(" -:,\u2013\u2014")  # dashes too
    return text or DEFAULT_TITLE


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class Committee:
    meetings: tuple[Meeting, ...]
    members: tuple[Member, ...]

    def meeting(self, meeting_id: str) -> Meeting | None:
        return next((m for m in self.meetings if m.id == meeting_id), None)

    def meetings_discussing(self, repo: str, number: int) -> list[Meeting]:
        wanted = PullLink(repo.lower(), number)
        return [
            meeting
            for meeting in self.meetings
            if any(PullLink(link.repo.lower(), link.number) == wanted for link in meeting.proposals)
        ]

    def next_meeting(self, now: datetime) -> Meeting | None:
        upcoming = [
            m for m in self.meetings if m.starts_at and m.starts_at > now and not m.cancelled
        ]
        return min(upcoming, key=lambda m: (m.starts_at, m.id), default=None)

    def member_named(self, name: str) -> Member | None:
        key = name_key(name)
        return next((m for m in self.members if name_key(m.name) == key), None)

    def next_vote(self, stage: Stage | None, now: datetime) -> Meeting | None:
        """For a proposal in FCP, the meeting expected to vote on it: the next one."""
        return self.next_meeting(now) if stage == Stage.FCP else None


class _Roster:
    """Name, alias and login lookups over the roster."""

    def __init__(self, members: Sequence[RosterMember]) -> None:
        self.by_key: dict[str, RosterMember] = {}
        for member in members:
            for spelling in member.names:
                self.by_key.setdefault(name_key(spelling), member)

    def find(self, name: str) -> RosterMember | None:
        return self.by_key.get(name_key(name))

    def spelled(self, attendee: Attendee) -> str:
        member = self.find(attendee.name)
        return member.name if member else attendee.name


def _pair_by_date(
    events: Iterable[CalendarEvent], documents: Iterable[MinutesDocument]
) -> list[tuple[date, CalendarEvent | None, MinutesDocument | None]]:
    """Each day's events in start order (what their ids number), with the minutes that go
    with them; the ids must not move when an event is cancelled, so the preference of
    minutes for held events only decides the pairing, never the order."""
    events_on: dict[date, list[CalendarEvent]] = defaultdict(list)
    minutes_on: dict[date, list[MinutesDocument]] = defaultdict(list)
    for scheduled in events:
        events_on[scheduled.local_date].append(scheduled)
    for written in documents:
        if written.minutes.date is not None:
            minutes_on[written.minutes.date].append(written)
    pairs: list[tuple[date, CalendarEvent | None, MinutesDocument | None]] = []
    for day in sorted(events_on.keys() | minutes_on.keys()):
        day_events = sorted(events_on[day], key=lambda e: (e.starts_at, e.uid))
        day_minutes = sorted(minutes_on[day], key=lambda d: d.minutes.path)
        # Minutes go with the day's held (not cancelled) events first, earliest first.
        partners = sorted(day_events, key=lambda e: e.cancelled)
        paired = dict(zip((e.uid for e in partners), day_minutes, strict=False))
        pairs += [(day, event, paired.get(event.uid)) for event in day_events]
        pairs += [(day, None, document) for document in day_minutes[len(partners) :]]
    return pairs


def _meeting(
    meeting_id: str,
    day: date,
    event: CalendarEvent | None,
    document: MinutesDocument | None,
    roster: _Roster,
    repos: Sequence[str],
) -> Meeting:
    minutes = document.minutes if document else None
    members = list(minutes.member_attendees) if minutes else []
    community = list(minutes.community_attendees) if minutes else []
    for attendee in minutes.other_attendees if minutes else ():
        (members if roster.find(attendee.name) else community).append(attendee)
    canonical = {repo.lower(): repo for repo in repos}
    links = tuple(
        PullLink(canonical[link.repo.lower()], link.number)
        for link in (minutes.pull_links if minutes else ())
        if link.repo.lower() in canonical
    )
    return Meeting(
        id=meeting_id,
        date=day,
        title=event.title if event else meeting_title(minutes.title if minutes else None),
        starts_at=event.starts_at if event else None,
        ends_at=event.ends_at if event else None,
        timezone=event.timezone if event else None,
        url=event.url if event else None,
        location=event.location if event else None,
        cancelled=event.cancelled if event else False,
        cancel_reason=event.cancel_reason if event else None,
        event_uid=event.uid if event else None,
        minutes_url=document.url if document else None,
        recorder=minutes.recorder if minutes else None,
        attendees=tuple(dict.fromkeys(roster.spelled(a) for a in members)),
        absentees=tuple(dict.fromkeys(roster.spelled(a) for a in minutes.absentees))
        if minutes
        else (),
        board_attendees=tuple(a.name for a in minutes.board_attendees) if minutes else (),
        community_attendees=tuple(dict.fromkeys(a.name for a in community)),
        decisions=minutes.decisions if minutes else (),
        proposals=links,
    )


def build_committee(
    events: Iterable[CalendarEvent],
    documents: Iterable[MinutesDocument],
    roster_members: Sequence[RosterMember],
    repos: Sequence[str],
    today: date,
) -> Committee:
    """Join the three committee sources; `repos` are the repositories proposals come from."""
    roster = _Roster(roster_members)
    meetings: list[Meeting] = []
    taken: dict[date, int] = defaultdict(int)
    for day, event, document in _pair_by_date(events, documents):
        taken[day] += 1
        meeting_id = day.isoformat() + (f"-{taken[day]}" if taken[day] > 1 else "")
        meetings.append(_meeting(meeting_id, day, event, document, roster, repos))
    attended: dict[str, list[date]] = defaultdict(list)
    for meeting in meetings:
        for name in meeting.attendees:
            attended[name_key(name)].append(meeting.date)
    members = tuple(
        Member(
            name=member.name,
            github=member.github,
            title=member.title,
            affiliation=member.affiliation,
            avatar_url=member.avatar_url,
            joined=member.joined,
            left=member.left,
            current=member.is_current(today),
            chair=member.is_chair(today),
            chair_terms=member.chair_terms,
            meetings_attended=len(attended[name_key(member.name)]),
            last_attended=max(attended[name_key(member.name)], default=None),
        )
        for member in roster_members
    )
    return Committee(meetings=tuple(meetings), members=members)
