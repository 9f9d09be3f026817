"""The committee as served: meetings (scheduled events joined with their minutes by date),
members (roster plus attendance and chair), and the links between them and proposals (pure).

- A scheduled event and a minutes file on the same date (in the event's own time zone) are
  one meeting. Minutes without an event are meetings too (time unknown); events without
  minutes are meetings not yet held or not yet written up.
- A day's minutes files go main file first (named just by the date, else the one recording
  attendance or decisions, else the shortest name), one per held event in start order.
  Files left over (`2026-11-19-addendum.md`) add to the day's main meeting rather than
  making up meetings: a second file for a date is far likelier an addendum than a second
  meeting that no calendar knows of.
- A meeting's id is its date (`2025-04-16`), with `-2`, `-3` for further meetings that day,
  numbered by start time (then UID): cancelling one must not rename the others.
- Attendees named in the minutes are matched to the roster by name, alias or GitHub login
  (`@login` too), ignoring case and accents, and past an affiliation, a count of lines
  said, a login in parentheses or a linked profile (alesco/upstream/person_names.py); generic
  "Attendees" entries that match a member count as members, the rest as community. A name
  listed as a member present that the roster does not know stays among `attendees` as
  written (most likely a member the roster has not caught up with); only roster matches
  become `Member`s (GraphQL `Meeting.attendees`). A matched attendee is served in the
  roster's spelling, anyone else as written without the affiliation after a dash
  (`person_names.display_name`).
- An all-day event (iCalendar `VALUE=DATE`) is a meeting on its date with no time, like
  minutes without an event, but scheduled: it can be the next meeting from the day before.
- The next meeting is the first not-cancelled event starting after `now`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

from alesco.domain.decisions import Candidates, Decision, Present, decide
from alesco.domain.lifecycle import Stage
from alesco.upstream.calendar import CalendarEvent
from alesco.upstream.minutes.decisions import WrittenDecision
from alesco.upstream.minutes.mentions import PullMention
from alesco.upstream.minutes.parse import Attendee, Minutes, PullLink
from alesco.upstream.person_names import display_name, logins, name_key, spellings
from alesco.upstream.roster import ChairTerm, RosterMember

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
    # Each minutes file's URL with a decision it states (main file first), and the
    # decisions as served once tied to proposals (`Committee.with_decisions`).
    written_decisions: tuple[tuple[str | None, WrittenDecision], ...] = ()
    decision_records: tuple[Decision, ...] = ()
    # Each minutes file's URL with a line about a pull request of the configured repos.
    pull_mentions: tuple[tuple[str | None, PullMention], ...] = ()

    def lines_about(self, repo: str, number: int) -> list[tuple[str | None, PullMention]]:
        wanted = (repo.lower(), number)
        return [
            (url, mention)
            for url, mention in self.pull_mentions
            if (mention.pull.repo.lower(), mention.pull.number) == wanted
        ]

    @property
    def held_at(self) -> datetime:
        """Its start; with no time known (all-day, or minutes alone), its date's midnight UTC."""
        return self.starts_at or datetime.combine(self.date, time.min, UTC)

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


def _when(meeting: Meeting) -> tuple[datetime, str]:
    """Orders meetings by start; one without a time (all-day) from its date's midnight UTC."""
    return (meeting.held_at, meeting.id)


def meeting_title(minutes_title: str | None) -> str:
    """A meeting's title from its minutes' title: "ALESCo Meeting Minutes (2025-04-16)"
    names the meeting "ALESCo Meeting"."""
    text = re.sub(r"\bminutes\b|\(?\d{4}-\d{2}-\d{2}\)?", " ", minutes_title or "", flags=re.I)
    # Meetbot's text output frames its title in rules, which a setext heading keeps.
    text = re.sub(r"(?<!\S)[=\-_*~#]{3,}(?!\S)", " ", text)
    text = " ".join(text.replace("()", " ").split()).strip(" -:,\u2013\u2014")  # dashes too
    return text or DEFAULT_TITLE


@dataclass(frozen=True, slots=True)
class Committee:
    meetings: tuple[Meeting, ...]
    members: tuple[Member, ...]
    # Set by `with_decisions`: every decision in meeting order, and those about each
    # proposal by (lower-case repo, number), so that a list of proposals reads its
    # decisions without a scan of all of them per proposal.
    decisions: tuple[Decision, ...] = ()
    decisions_by_proposal: Mapping[tuple[str, int], tuple[Decision, ...]] = field(
        default_factory=dict
    )

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
        """The first scheduled, not cancelled meeting still ahead (an all-day one counts
        from its date, as `status` does)."""
        upcoming = [
            m for m in self.meetings if m.event_uid is not None and m.status(now) == "upcoming"
        ]
        return min(upcoming, key=_when, default=None)

    def member_named(self, name: str) -> Member | None:
        key = name_key(name)
        return next((m for m in self.members if name_key(m.name) == key), None)

    def with_decisions(self, candidates: Candidates, repos: Sequence[str]) -> Committee:
        """The committee with every meeting's decisions tied to the proposals and members."""
        roster = [Present(member.name, member.github) for member in self.members]
        meetings = tuple(
            replace(
                meeting,
                decision_records=decide(
                    meeting.id,
                    meeting.date,
                    meeting.written_decisions,
                    candidates,
                    repos,
                    self.present_members(meeting),
                    roster,
                ),
            )
            for meeting in self.meetings
        )
        decisions = tuple(d for meeting in meetings for d in meeting.decision_records)
        about: dict[tuple[str, int], list[Decision]] = defaultdict(list)
        for decision in decisions:
            for proposal in decision.proposals:
                about[(proposal.repo.lower(), proposal.number)].append(decision)
        return replace(
            self,
            meetings=meetings,
            decisions=decisions,
            decisions_by_proposal={key: tuple(found) for key, found in about.items()},
        )

    def present_members(self, meeting: Meeting) -> list[Present]:
        """The roster members the meeting's minutes list as present."""
        found = (self.member_named(name) for name in meeting.attendees)
        return [Present(member.name, member.github) for member in found if member is not None]

    def decisions_about(self, repo: str, number: int) -> list[Decision]:
        """The decisions about one proposal, in meeting order."""
        return list(self.decisions_by_proposal.get((repo.lower(), number), ()))

    def next_vote(self, stage: Stage | None, now: datetime) -> Meeting | None:
        """For a proposal in FCP, the meeting expected to vote on it: the next one."""
        return self.next_meeting(now) if stage == Stage.FCP else None


class _Roster:
    """Name, alias and login lookups over the roster."""

    def __init__(self, members: Sequence[RosterMember]) -> None:
        self.by_key: dict[str, RosterMember] = {}
        self.by_login: dict[str, RosterMember] = {}
        for member in members:
            for spelling in member.names:
                self.by_key.setdefault(name_key(spelling), member)
            if member.github:
                self.by_login[name_key(member.github)] = member

    def find(self, attendee: Attendee) -> RosterMember | None:
        """The member a written attendee is: by a spelling of the name (see
        `person_names.spellings`), else by a login in parentheses, in the note or linked."""
        for spelling in spellings(attendee.name):
            if member := self.by_key.get(name_key(spelling)):
                return member
        written = [*logins(attendee.name), attendee.note or "", attendee.github or ""]
        return next(
            (self.by_login[key] for key in map(name_key, written) if key in self.by_login), None
        )

    def spelled(self, attendee: Attendee) -> str:
        member = self.find(attendee)
        return member.name if member else display_name(attendee.name)


def _primary_first(day: date, document: MinutesDocument) -> tuple[bool, bool, int, str]:
    """Orders a day's minutes files main one first: the file named just by the date, then
    one that records attendance or decisions, then the shortest name (`-` sorts before `.`,
    so the path alone would put `2026-11-19-addendum.md` before `2026-11-19.md`)."""
    minutes = document.minutes
    name = minutes.path.rsplit("/", 1)[-1]
    recorded = minutes.member_attendees or minutes.other_attendees or minutes.decisions
    return (name.rsplit(".", 1)[0] != day.isoformat(), not recorded, len(name), minutes.path)


Pairing = tuple[date, CalendarEvent | None, tuple[MinutesDocument, ...]]


def _pair_by_date(
    events: Iterable[CalendarEvent], documents: Iterable[MinutesDocument]
) -> list[Pairing]:
    """Each day's events in start order (what their ids number), with the minutes files
    that go with them; the ids must not move when an event is cancelled, so the preference
    of minutes for held events only decides the pairing, never the order."""
    events_on: dict[date, list[CalendarEvent]] = defaultdict(list)
    minutes_on: dict[date, list[MinutesDocument]] = defaultdict(list)
    for scheduled in events:
        events_on[scheduled.local_date].append(scheduled)
    for written in documents:
        if written.minutes.date is not None:
            minutes_on[written.minutes.date].append(written)
    pairs: list[Pairing] = []
    for day in sorted(events_on.keys() | minutes_on.keys()):
        day_events = sorted(events_on[day], key=lambda e: (e.starts_at, e.uid))
        files = sorted(minutes_on[day], key=lambda d: _primary_first(day, d))
        # One file per held event, earliest first (cancelled events only on a day with no
        # held one); files left over are addenda of the day's main meeting, not meetings.
        partners = [e for e in day_events if not e.cancelled] or day_events
        slots: list[list[MinutesDocument]] = [[] for _ in range(max(len(partners), 1))]
        for index, file in enumerate(files):
            slots[index if index < len(slots) else 0].append(file)
        if not day_events:
            pairs.append((day, None, tuple(slots[0])))
        held = {event.uid: tuple(slot) for event, slot in zip(partners, slots, strict=False)}
        pairs += [(day, event, held.get(event.uid, ())) for event in day_events]
    return pairs


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _meeting(
    meeting_id: str,
    day: date,
    event: CalendarEvent | None,
    documents: tuple[MinutesDocument, ...],
    roster: _Roster,
    repos: Sequence[str],
) -> Meeting:
    """One meeting from its event and its minutes files, the main one first."""
    written = [document.minutes for document in documents]
    members = [a for minutes in written for a in minutes.member_attendees]
    community = [a for minutes in written for a in minutes.community_attendees]
    for attendee in (a for minutes in written for a in minutes.other_attendees):
        (members if roster.find(attendee) else community).append(attendee)
    canonical = {repo.lower(): repo for repo in repos}
    links = dict.fromkeys(
        PullLink(canonical[link.repo.lower()], link.number)
        for minutes in written
        for link in minutes.pull_links
        if link.repo.lower() in canonical
    )
    main = written[0] if written else None
    return Meeting(
        id=meeting_id,
        date=day,
        title=event.title if event else meeting_title(main.title if main else None),
        starts_at=event.starts_at if event and not event.all_day else None,
        ends_at=event.ends_at if event and not event.all_day else None,
        timezone=event.timezone if event else None,
        url=event.url if event else None,
        location=event.location if event else None,
        cancelled=event.cancelled if event else False,
        cancel_reason=event.cancel_reason if event else None,
        event_uid=event.uid if event else None,
        minutes_url=documents[0].url if documents else None,
        recorder=next((minutes.recorder for minutes in written if minutes.recorder), None),
        attendees=_unique(roster.spelled(a) for a in members),
        absentees=_unique(roster.spelled(a) for minutes in written for a in minutes.absentees),
        board_attendees=_unique(
            display_name(a.name) for minutes in written for a in minutes.board_attendees
        ),
        community_attendees=_unique(display_name(a.name) for a in community),
        decisions=tuple(text for minutes in written for text in minutes.decisions),
        proposals=tuple(links),
        written_decisions=tuple(
            (document.url, decision)
            for document in documents
            for decision in document.minutes.written_decisions or ()
        ),
        pull_mentions=tuple(
            (document.url, mention)
            for document in documents
            for mention in document.minutes.pull_mentions or ()
            if mention.pull.repo.lower() in canonical
        ),
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
    for day, event, files in _pair_by_date(events, documents):
        taken[day] += 1
        meeting_id = day.isoformat() + (f"-{taken[day]}" if taken[day] > 1 else "")
        meetings.append(_meeting(meeting_id, day, event, files, roster, repos))
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
