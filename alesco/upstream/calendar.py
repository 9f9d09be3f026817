"""Scheduled meetings from Indico's category export (JSON) or any iCalendar feed (pure).

Indico (README "Upstreams"; 3.x wire format): `{"results": [event...]}`, each event with a
string `id`, `title`, `startDate`/`endDate` as `{date, time, tz}` (time may carry
microseconds; `tz` is the zone of the *request*, so we ask for `tz=UTC`), `timezone` (the
event's own), `url`, `location`, `roomFullname`/`room`, and `label` whose
`is_event_not_happening` marks a cancellation. Deleted events simply vanish.

iCalendar: parsed with `icalendar`; recurring events are expanded inside a window with
`recurring-ical-events`; `TZID` is honoured. Cancellation is `STATUS:CANCELLED`, or
Indico's `SUMMARY` suffix ` [Cancelled]` (its only cancellation signal in ICS). An all-day
event (`DTSTART;VALUE=DATE`) stays all-day: a meeting on that calendar date, time unknown,
never a meeting at midnight UTC (which is the day before anywhere west of Greenwich).

Both give the same UID for an Indico event (`indico-event-<id>@<host>`), so switching a
deployment from one source to the other keeps every meeting's identity.

An occurrence of a recurring iCalendar series is identified by its UID and the date it
was first scheduled for (its RECURRENCE-ID, on the clock of the series' DTSTART):
`uid#20270114`. Moving one occurrence (an override VEVENT with RECURRENCE-ID) or shifting
the whole series' time (DTSTART 23:00 → 22:30) keeps every occurrence the same meeting,
where an identity from the exact start instant turned each move into a new meeting and a
"cancelled" ghost of the old one. The date is the series' own, not UTC's: a winter
meeting at 18:30 in New York moved to 19:30 crosses midnight in UTC, not in New York.
Only a series with several occurrences on one day adds their original time
(`uid#20270114T230000`). Indico events have no series: their UIDs are untouched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from alesco.errors import MalformedUpstream

_NOT_HAPPENING_SUFFIX = re.compile(r"\s*\[(cancell?ed|postponed)\]\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    timezone: str | None
    url: str | None
    location: str | None
    cancelled: bool
    cancel_reason: str | None
    all_day: bool = False  # a date without a time: `starts_at` is its midnight in UTC

    @property
    def local_date(self) -> date:
        """The meeting's date where it is held: what minutes call it."""
        if self.all_day:
            return self.starts_at.astimezone(UTC).date()
        return self.starts_at.astimezone(zone(self.timezone)).date()


def zone(name: str | None) -> ZoneInfo:
    """The named time zone, or UTC for a missing or unknown name."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _indico_end(record: Mapping[str, Any], starts_at: datetime, what: str) -> datetime | None:
    """The end, when Indico states one that is a time after the start: an `endDate` without
    a time (`"time": null`) would otherwise end the meeting at midnight, before it began."""
    value = record.get("endDate")
    if not isinstance(value, Mapping) or not value.get("time"):
        return None
    ends_at = _indico_instant(value, f"{what} endDate")
    return ends_at if ends_at > starts_at else None


def _indico_instant(value: object, what: str) -> datetime:
    if not isinstance(value, Mapping):
        raise MalformedUpstream(f"{what}: expected {{date, time, tz}}, got {value!r}")
    try:
        day = date.fromisoformat(str(value["date"]))
        clock = time.fromisoformat(str(value.get("time") or "00:00:00"))
        tz_name = str(value.get("tz") or "UTC")
        return datetime.combine(day, clock, ZoneInfo(tz_name)).astimezone(UTC)
    except (KeyError, ValueError, ZoneInfoNotFoundError) as error:
        raise MalformedUpstream(f"{what}: unreadable date {value!r}") from error


def _text(record: Mapping[str, Any], key: str) -> str | None:
    """A text field, trimmed; NUL characters dropped (PostgreSQL text cannot hold them)."""
    value = record.get(key)
    return value.replace("\x00", "").strip() or None if isinstance(value, str) else None


def _indico_location(record: Mapping[str, Any]) -> str | None:
    room = _text(record, "roomFullname") or _text(record, "room")
    venue = _text(record, "location")
    if room and venue:
        return f"{room} ({venue})"
    return room or venue


def parse_indico_export(body: object, base_url: str) -> list[CalendarEvent]:
    """Events of an Indico `/export/categ/N.json` body; MalformedUpstream if unreadable."""
    if not isinstance(body, Mapping) or not isinstance(body.get("results"), list):
        message = body.get("message") if isinstance(body, Mapping) else None
        raise MalformedUpstream(f"Indico export: no results list ({message or 'unexpected body'})")
    host = urlsplit(base_url).hostname or "indico"
    events = []
    for record in body["results"]:
        if not isinstance(record, Mapping) or record.get("id") in (None, ""):
            raise MalformedUpstream(f"Indico export: event without an id: {record!r}"[:200])
        what = f"Indico event {record['id']}"
        starts_at = _indico_instant(record.get("startDate"), f"{what} startDate")
        label = record.get("label")
        cancelled = isinstance(label, Mapping) and bool(label.get("is_event_not_happening"))
        reason = None
        if cancelled and isinstance(label, Mapping):
            reason = _text(label, "message") or _text(label, "title")
        # Organisers also cancel by renaming ("Weekly call [Cancelled]"), without a label.
        title = _text(record, "title") or "Meeting"
        if suffix := _NOT_HAPPENING_SUFFIX.search(title):
            cancelled, reason = True, reason or suffix.group(1).capitalize()
            title = _NOT_HAPPENING_SUFFIX.sub("", title).strip() or "Meeting"
        events.append(
            CalendarEvent(
                uid=f"indico-event-{record['id']}@{host}",
                title=title,
                starts_at=starts_at,
                ends_at=_indico_end(record, starts_at, what),
                timezone=_text(record, "timezone"),
                url=_text(record, "url"),
                location=_indico_location(record),
                cancelled=cancelled,
                cancel_reason=reason,
            )
        )
    return events


def _as_instant(value: date | datetime) -> datetime:
    """A DTSTART/DTEND as a UTC instant; an all-day event's date as its midnight in UTC,
    which only orders and windows it: the event stays all-day (`CalendarEvent.all_day`)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return datetime.combine(value, time(0), UTC)


def _tz_name(value: date | datetime) -> str | None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    key = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    return str(key) if key else ("UTC" if value.utcoffset() == timedelta(0) else None)


def _uid(component: icalendar.Component) -> str:
    uid = str(component.get("UID") or "")
    if not uid:
        raise MalformedUpstream("iCalendar: VEVENT without a UID")
    return uid


def _series_zones(calendar: icalendar.Calendar) -> dict[str, tzinfo | None]:
    """The recurring series by UID, each with the zone of its DTSTART (None: floating or
    all-day), where its occurrences' dates are counted."""
    zones: dict[str, tzinfo | None] = {}
    for component in calendar.walk("VEVENT"):
        if component.get("RRULE") or component.get("RDATE"):
            start = component.decoded("DTSTART")
            zones[_uid(component)] = start.tzinfo if isinstance(start, datetime) else None
    for component in calendar.walk("VEVENT"):
        if component.get("RECURRENCE-ID"):  # an override, its series perhaps not shown
            zones.setdefault(_uid(component), None)
    return zones


def _scheduled_for(component: icalendar.Component, series_zone: tzinfo | None) -> date | datetime:
    """When the occurrence was first scheduled (RECURRENCE-ID, however it has moved since),
    on the clock of its series."""
    key = "RECURRENCE-ID" if component.get("RECURRENCE-ID") else "DTSTART"
    value: date | datetime = component.decoded(key)
    if isinstance(value, datetime) and value.tzinfo is not None and series_zone is not None:
        return value.astimezone(series_zone)
    return value


def _occurrence_uids(
    components: Sequence[icalendar.Component], series: Mapping[str, tzinfo | None]
) -> list[str]:
    """Each occurrence's identity: its UID, plus for a series the date it was first
    scheduled for, in the series' own zone (`uid#20270114`); the time joins only when a
    series has several occurrences that day (`uid#20270114T230000`). Moving one occurrence
    (RECURRENCE-ID) or the whole series' time keeps every occurrence the same meeting."""
    keys: list[tuple[str, date, datetime | None]] = []
    for component in components:
        uid = _uid(component)
        if uid not in series:
            keys.append((uid, date.min, None))
            continue
        scheduled = _scheduled_for(component, series[uid])
        if isinstance(scheduled, datetime):
            keys.append((uid, scheduled.date(), scheduled))
        else:
            keys.append((uid, scheduled, None))
    per_day = Counter((uid, day) for uid, day, _ in keys)
    return [
        uid
        if uid not in series
        else f"{uid}#{day:%Y%m%d}"
        + (f"T{clock:%H%M%S}" if clock is not None and per_day[uid, day] > 1 else "")
        for uid, day, clock in keys
    ]


_OCCURRENCE_TIME = re.compile(r"(#\d{8})T\d{6}$")
_LEGACY_OCCURRENCE = re.compile(r"^(?P<uid>.+)#(?P<instant>\d{8}T\d{6}Z)$")


def occurrence_day(uid: str) -> str:
    """An occurrence's identity without the time a busy day adds (`uid#20270114`)."""
    return _OCCURRENCE_TIME.sub(r"\1", uid)


def renamed_occurrence(stored_uid: str, timezone: str | None) -> str | None:
    """The identity a stored occurrence of the old scheme (`uid#<start in UTC>`) has now:
    its UID and local date (`uid#20270114`); None for any other UID."""
    match = _LEGACY_OCCURRENCE.match(stored_uid)
    if match is None:
        return None
    instant = datetime.strptime(match["instant"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return f"{match['uid']}#{instant.astimezone(zone(timezone)):%Y%m%d}"


def parse_icalendar(text: str | bytes, window_start: date, window_end: date) -> list[CalendarEvent]:
    """Every occurrence between the window's dates, recurring events expanded."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
        occurrences = recurring_ical_events.of(calendar).between(window_start, window_end)
    except (ValueError, KeyError, recurring_ical_events.InvalidCalendar) as error:
        raise MalformedUpstream(f"iCalendar: unreadable feed ({error})") from error
    uids = _occurrence_uids(occurrences, _series_zones(calendar))
    events = []
    for uid, component in zip(uids, occurrences, strict=True):
        start = component.decoded("DTSTART")
        end = component.decoded("DTEND") if component.get("DTEND") else None
        summary = str(component.get("SUMMARY") or "Meeting")
        status = str(component.get("STATUS") or "").upper()
        suffix = _NOT_HAPPENING_SUFFIX.search(summary)
        cancelled = status == "CANCELLED" or suffix is not None
        events.append(
            CalendarEvent(
                uid=uid,
                title=_NOT_HAPPENING_SUFFIX.sub("", summary).strip() or "Meeting",
                starts_at=_as_instant(start),
                ends_at=_as_instant(end) if end is not None else None,
                timezone=_tz_name(start),
                url=str(component.get("URL")) if component.get("URL") else None,
                location=str(component.get("LOCATION")).strip() or None
                if component.get("LOCATION")
                else None,
                cancelled=cancelled,
                cancel_reason=suffix.group(1).capitalize() if suffix else None,
                all_day=not isinstance(start, datetime),
            )
        )
    return sorted(events, key=lambda event: (event.starts_at, event.uid))
