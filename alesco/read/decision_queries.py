"""Listing decisions: a typed query over every meeting's decisions (pure).

Newest first by default (`sort=date` for oldest first), in the order the minutes state
them within a meeting; keyset cursors hold (meeting date, meeting ordinal, decision
ordinal), as a decision's id does (`2025-04-16-2.3`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alesco.domain.committee import Committee
from alesco.domain.decisions import Decision
from alesco.read.cursor import Cursor, InvalidCursor
from alesco.read.meeting_queries import MeetingSort
from alesco.upstream.minutes.decisions import Verdict

DECISION_CURSOR_SIZE = 3


@dataclass(frozen=True)
class DecisionQuery:
    """Decisions about `proposal` (of `repo` when given), with one of `verdicts` (any when
    empty), from `first` to `last` (inclusive dates), whose words contain `text`."""

    proposal: int | None = None
    repo: str | None = None
    verdicts: frozenset[Verdict] = frozenset()
    first: date | None = None
    last: date | None = None
    text: str | None = None
    sort: MeetingSort = MeetingSort.DATE_DESC
    limit: int = 30
    after: Cursor | None = None


@dataclass(frozen=True)
class DecisionPage:
    items: list[Decision]
    total: int
    next_cursor: Cursor | None


def order_key(decision: Decision) -> tuple[str, int, int]:
    """(meeting date, meeting ordinal that day, decision ordinal), from the id."""
    meeting, _, ordinal = decision.id.rpartition(".")
    day_ordinal = meeting[11:]
    return (
        meeting[:10],
        int(day_ordinal) if day_ordinal.isascii() and day_ordinal.isdigit() else 1,
        int(ordinal),
    )


def _matches(decision: Decision, query: DecisionQuery) -> bool:
    if query.proposal is not None and not any(
        p.number == query.proposal and (query.repo is None or p.repo.lower() == query.repo.lower())
        for p in decision.proposals
    ):
        return False
    if query.verdicts and decision.verdict not in query.verdicts:
        return False
    if query.first is not None and decision.date < query.first:
        return False
    if query.last is not None and decision.date > query.last:
        return False
    if query.text:
        words = " ".join((decision.text, *decision.details)).casefold()
        return query.text.casefold() in words
    return True


def list_decisions(committee: Committee, query: DecisionQuery) -> DecisionPage:
    descending = query.sort == MeetingSort.DATE_DESC
    matching = sorted(
        (d for d in committee.decisions if _matches(d, query)), key=order_key, reverse=descending
    )
    total = len(matching)
    if query.after is not None:
        position = query.after.position
        if not (
            isinstance(position[0], str) and all(isinstance(part, int) for part in position[1:])
        ):
            raise InvalidCursor("not a cursor this API issued")
        mark = (str(position[0]), int(position[1]), int(position[2]))
        matching = [
            d for d in matching if (order_key(d) < mark if descending else order_key(d) > mark)
        ]
    items = matching[: query.limit]
    next_cursor = (
        Cursor(query.sort.value, order_key(items[-1])) if len(matching) > query.limit else None
    )
    return DecisionPage(items=items, total=total, next_cursor=next_cursor)


def find_decision(committee: Committee, decision_id: str) -> Decision | None:
    return next((d for d in committee.decisions if d.id == decision_id), None)
