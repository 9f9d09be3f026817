"""Listing meetings and members: typed queries over the joined committee (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from alesco.domain.committee import Committee, Meeting, Member
from alesco.read.cursor import Cursor, InvalidCursor

MEETING_CURSOR_SIZE = 2  # (date, ordinal within the day)


class MeetingSort(StrEnum):
    DATE = "date"
    DATE_DESC = "-date"


@dataclass(frozen=True)
class MeetingQuery:
    """Meetings from `first` to `last` (inclusive dates), `limit` at a time."""

    first: date | None = None
    last: date | None = None
    sort: MeetingSort = MeetingSort.DATE_DESC
    limit: int = 30
    after: Cursor | None = None


@dataclass(frozen=True)
class MeetingPage:
    items: list[Meeting]
    total: int
    next_cursor: Cursor | None


def _order_key(meeting: Meeting) -> tuple[str, int]:
    """(date, ordinal): `2025-04-16` is (2025-04-16, 1), `2025-04-16-2` is (..., 2)."""
    ordinal = meeting.id[11:]
    return meeting.id[:10], int(ordinal) if ordinal.isascii() and ordinal.isdigit() else 1


def list_meetings(committee: Committee, query: MeetingQuery) -> MeetingPage:
    descending = query.sort == MeetingSort.DATE_DESC
    matching = sorted(
        (
            meeting
            for meeting in committee.meetings
            if (query.first is None or meeting.date >= query.first)
            and (query.last is None or meeting.date <= query.last)
        ),
        key=_order_key,
        reverse=descending,
    )
    total = len(matching)
    if query.after is not None:
        day, ordinal = query.after.position
        if not isinstance(day, str) or not isinstance(ordinal, int):
            raise InvalidCursor("not a cursor this API issued")
        matching = [
            m
            for m in matching
            if (_order_key(m) < (day, ordinal) if descending else _order_key(m) > (day, ordinal))
        ]
    items = matching[: query.limit]
    next_cursor = (
        Cursor(query.sort.value, _order_key(items[-1])) if len(matching) > query.limit else None
    )
    return MeetingPage(items=items, total=total, next_cursor=next_cursor)


def list_members(committee: Committee, current: bool | None) -> list[Member]:
    """Roster order; `current` True/False keeps only current/former members."""
    return [m for m in committee.members if current is None or m.current == current]
