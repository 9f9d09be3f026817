"""A fake Indico 3.x (research/indico_export.md) serving a category's events over HTTP.

- `GET /export/categ/{id}.json`: the `HTTPAPIResult` envelope, events as `conferenceMetadata`
  objects; `startDate`/`endDate` as `{date, time, tz}` converted to the request's `tz`
  (default: the server's zone); `from`/`to` as absolute dates (`YYYY-MM-DD` or
  `YYYY-MM-DDTHH:MM`) select overlapping events; `order=start`; every `/` escaped as `\\/`
  like Indico's encoder. Bad parameters answer 400 `{"message": ...}` as Indico does,
  including the unencoded-`+` pitfall (`to=+30d` arrives as " 30d").
- `GET /export/categ/{id}.ics`: one VEVENT per event, UTC times, `UID:indico-event-N@host`,
  a label as a ` [Cancelled]` SUMMARY suffix (Indico's only cancellation signal in ICS);
  or, when `calendar_text` is set, that body: any iCalendar feed (series, overrides).
Deleted events simply vanish; a label with `is_event_not_happening` marks cancellation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HOST = "events.almalinux.org"
TRUNCATED_BODY = b'{"count": 3, "results": [{"_type": "Conf'


@dataclass
class FakeEvent:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = "UTC"
    location: str = ""
    room: str = ""
    label: dict[str, Any] | None = None
    category_id: int = 7


@dataclass
class FakeIndico:
    """One category's events; tests add, move, cancel and delete them between requests."""

    category: int = 7
    server_timezone: str = "UTC"
    events: dict[int, FakeEvent] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    corrupt_dates: bool = False  # a fault switch: every startDate becomes unreadable
    malformed: int = 0  # a fault switch: the next N exports are 200 with a truncated body
    calendar_text: bytes | None = None  # any iCalendar feed (RRULE...) served as the `.ics`

    @property
    def app(self) -> Starlette:
        return Starlette(routes=[Route("/export/categ/{name}", self._export, methods=["GET"])])

    def add_event(
        self, event_id: int, title: str, starts_at: datetime, ends_at: datetime, **details: Any
    ) -> FakeEvent:
        event = FakeEvent(event_id, title, starts_at, ends_at, **details)
        self.events[event_id] = event
        return event

    def cancel(self, event_id: int, message: str = "") -> None:
        self.events[event_id].label = {
            "title": "Cancelled",
            "color": "red",
            "is_event_not_happening": True,
            "message": message,
        }

    def delete(self, event_id: int) -> None:
        del self.events[event_id]

    def fail_next(self, status: int = 500, times: int = 1) -> None:
        self.failures.extend([status] * times)

    async def _export(self, request: Request) -> Response:
        self.requests.append(str(request.url))
        if self.failures:
            return _message(self.failures.pop(0), "Fake failure")
        if self.malformed:
            self.malformed -= 1
            return Response(
                b'{"count": 3, "results": [{"_type": "Conf', 200, media_type="application/json"
            )
        name = request.path_params["name"]
        stem, _, extension = name.rpartition(".")
        if extension not in ("json", "ics"):
            return Response("<h1>Not Found</h1>", 404, media_type="text/html")
        if not stem.isdigit():
            return _message(400, "Category IDs must be numeric")
        try:
            zone = ZoneInfo(request.query_params.get("tz", self.server_timezone))
        except (ZoneInfoNotFoundError, ValueError):
            return _message(400, f"Bad timezone: ''{request.query_params.get('tz')}''")
        try:
            first = _bound(request.query_params.get("from"), zone, time.min)
            last = _bound(request.query_params.get("to"), zone, time.max)
        except ValueError as error:
            return _message(400, str(error))
        events = [
            event
            for event in self.events.values()
            if event.category_id == int(stem)
            and (first is None or event.ends_at >= first)
            and (last is None or event.starts_at <= last)
        ]
        if request.query_params.get("order") == "start":
            events.sort(key=lambda event: event.starts_at)
        if extension == "ics":
            body = self.calendar_text or _calendar(events)
            return Response(body, media_type="text/calendar; charset=utf-8")
        body = {
            "count": len(events),
            "additionalInfo": {"eventCategories": [], "moreFutureEvents": False},
            "ts": int(datetime.now(UTC).timestamp()),
            "url": str(request.url),
            "results": [_conference(event, zone, self.corrupt_dates) for event in events],
            "_type": "HTTPAPIResult",
        }
        return _json(200, body)


def _bound(value: str | None, zone: ZoneInfo, default_time: time) -> datetime | None:
    if value is None:
        return None
    try:
        if "T" in value:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=zone)
        return datetime.combine(date.fromisoformat(value), default_time, zone)
    except ValueError:
        raise ValueError(f"Impossible to parse '{value}'") from None


def _date_object(moment: datetime, zone: ZoneInfo) -> dict[str, str]:
    local = moment.astimezone(zone)
    return {"date": local.date().isoformat(), "time": local.time().isoformat(), "tz": str(zone.key)}


def _conference(event: FakeEvent, zone: ZoneInfo, corrupt: bool = False) -> dict[str, Any]:
    url = f"https://{HOST}/event/{event.id}/"
    start = _date_object(event.starts_at, zone)
    if corrupt:
        start = {"date": "2026-13-45", "time": "25:61:00", "tz": "UTC"}
    return {
        "_type": "Conference",
        "id": str(event.id),
        "title": event.title,
        "description": "<p>Bi-weekly meeting of the AlmaLinux Engineering Steering Committee.</p>",
        "startDate": start,
        "timezone": event.timezone,
        "endDate": _date_object(event.ends_at, zone),
        "room": event.room,
        "location": event.location,
        "address": "",
        "type": "meeting",
        "references": [],
        "_fossil": "conferenceMetadata",
        "categoryId": event.category_id,
        "category": "ALESCo",
        "note": {},
        "roomFullname": event.room,
        "url": url,
        "creationDate": _date_object(event.starts_at, zone) | {"time": "09:41:07.512394"},
        "creator": {"_type": "Avatar", "fullName": "Morgan, Alex", "id": "14"},
        "hasAnyProtection": False,
        "roomMapURL": "",
        "folders": [],
        "chairs": [],
        "material": [],
        "keywords": [],
        "organizer": "",
        "language": None,
        "label": event.label,
        "visibility": {"id": "", "name": "Everywhere"},
    }


def _calendar(events: list[FakeEvent]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//CERN//INDICO//EN")
    for event in events:
        component = icalendar.Event()
        suffix = f" [{event.label['title']}]" if event.label else ""
        component.add("summary", event.title + suffix)
        component.add("dtstart", event.starts_at.astimezone(UTC))
        component.add("dtend", event.ends_at.astimezone(UTC))
        component.add("dtstamp", datetime.now(UTC).replace(second=0, microsecond=0))
        component.add("uid", f"indico-event-{event.id}@{HOST}")
        component.add("url", f"https://{HOST}/event/{event.id}/")
        calendar.add_component(component)
    return bytes(calendar.to_ical())


def _json(status: int, payload: Any) -> Response:
    # Indico's encoder escapes every "/" (URLs, zone names): real parsers undo it.
    body = json.dumps(payload, separators=(",", ":")).replace("/", "\\/")
    return Response(body, status, media_type="application/json")


def _message(status: int, message: str) -> Response:
    return _json(status, {"message": message})
