"""`/v1/meetings.ics`: the meetings as an RFC 5545 calendar, built with `icalendar`.

Each meeting is one VEVENT with a stable UID: the upstream event's UID prefixed with ours
(so it survives a reschedule, and does not collide with Indico's own feed), or, for a
meeting known only from its minutes, one derived from its date. Times are UTC; a meeting
without a known time is an all-day event on its date. Cancelled meetings stay in the feed
with `STATUS:CANCELLED`, so calendar clients remove them rather than keep a stale entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from alesco import __version__
from alesco.domain.committee import Meeting
from alesco.domain.decisions import Decision
from api.formats.atom import tally_words

PRODID = f"-//AlmaLinux ALESCo//alesco-api {__version__}//EN"
UID_DOMAIN = "alesco-api"


def meeting_uid(meeting: Meeting) -> str:
    if meeting.event_uid:
        return f"alesco-{meeting.event_uid}"
    return f"alesco-meeting-{meeting.date.isoformat()}@{UID_DOMAIN}"


def _decision_line(decision: Decision) -> str:
    """ "- APPROVED (4 for, 1 against, 0 abstaining; #10): The RFC …": the verdict and what
    it concerns first, for a reader scanning the calendar."""
    notes = [words] if (words := tally_words(decision.tally)) else []
    numbers = ", ".join(f"#{proposal.number}" for proposal in decision.proposals)
    notes += [numbers] if numbers else []
    notes += ["later nullified"] if decision.nullified else []
    shown = f" ({'; '.join(notes)})" if notes else ""
    return f"- {decision.verdict.value.upper()}{shown}: {decision.text}"


def _description(meeting: Meeting) -> str:
    parts = []
    if meeting.cancel_reason:
        parts.append(f"Cancelled: {meeting.cancel_reason}")
    if meeting.decision_records:
        parts.append(
            "Decisions:\n" + "\n".join(_decision_line(d) for d in meeting.decision_records)
        )
    elif meeting.decisions:
        parts.append("Decisions:\n" + "\n".join(f"- {text}" for text in meeting.decisions))
    if meeting.proposals:
        parts.append("Proposals discussed: " + ", ".join(f"#{p.number}" for p in meeting.proposals))
    if meeting.minutes_url:
        parts.append(f"Minutes: {meeting.minutes_url}")
    return "\n\n".join(parts)


def _event(meeting: Meeting, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("summary", meeting.title)
    if meeting.starts_at is not None:
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        ends_at = meeting.ends_at or meeting.starts_at + timedelta(hours=1)
        event.add("dtend", ends_at.astimezone(UTC))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    if meeting.url or meeting.minutes_url:
        event.add("url", meeting.url or meeting.minutes_url)
    if meeting.location:
        event.add("location", meeting.location)
    if description := _description(meeting):
        event.add("description", description)
    return event


def meetings_calendar(meetings: Iterable[Meeting], stamp: datetime) -> bytes:
    """The feed; `stamp` (DTSTAMP) is when the data last changed, so the bytes and their
    ETag stay the same until the data does."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ALESCo meetings")
    calendar.add("x-wr-caldesc", "Meetings of the AlmaLinux Engineering Steering Committee")
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp.astimezone(UTC)))
    return bytes(calendar.to_ical())
