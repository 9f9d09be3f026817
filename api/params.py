"""Query-string parsing into typed query objects (pure; every failure names the parameter)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import TypeVar

from starlette.datastructures import QueryParams

from alesco.cursor import Cursor, InvalidCursor
from alesco.lifecycle import Stage
from alesco.meeting_queries import MEETING_CURSOR_SIZE, MeetingQuery, MeetingSort
from alesco.queries import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PROPOSAL_CURSOR_SIZE,
    KindFilter,
    ProposalQuery,
    SortOrder,
    StateFilter,
)
from alesco.settings import REPO_PATTERN
from alesco.timestamps import parse_timestamp
from api.problems import BadParameter

E = TypeVar("E", bound=StrEnum)

COMMON_PARAMETERS = frozenset({"pretty", "format"})
LIST_PARAMETERS = frozenset({"state", "stage", "kind", "repo", "q", "sort", "limit", "cursor"})
MAX_SEARCH_LENGTH = 200
_BOOLEAN = {"1": True, "true": True, "yes": True, "": True, "0": False, "false": False, "no": False}


def reject_unknown(params: QueryParams, allowed: Iterable[str]) -> None:
    """A typo such as `?stat=closed` must fail loudly, not return the default list."""
    known = COMMON_PARAMETERS | frozenset(allowed)
    for name in params:
        if name not in known:
            raise BadParameter(
                name, f"unknown parameter; this route takes {', '.join(sorted(known))}"
            )
    pretty = params.get("pretty")
    if pretty is not None and pretty.lower() not in _BOOLEAN:
        raise BadParameter("pretty", "must be 1, 0, true or false")


def single(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, "given more than once; it takes one value")
    return values[0] if values else None


def enum_value(kind: type[E], name: str, raw: str) -> E:
    try:
        return kind(raw.strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise BadParameter(name, f"must be one of {choices} (got {raw!r})") from None


def parse_repo(raw: str | None, name: str = "repo") -> str | None:
    if raw is None:
        return None
    if not re.match(REPO_PATTERN, raw):
        raise BadParameter(name, f"must be owner/name (got {raw!r})")
    return raw


def parse_limit(raw: str | None, default: int, name: str = "limit") -> int:
    if raw is None:
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadParameter(name, f"must be an integer from 1 to {MAX_LIMIT} (got {raw!r})")
    return int(raw)


def parse_stages(values: Iterable[str]) -> frozenset[Stage]:
    """`stage` repeats (`stage=fcp&stage=discussion`) or lists (`stage=fcp,discussion`)."""
    stages = set()
    for value in values:
        for part in value.split(","):
            if part.strip():
                stages.add(enum_value(Stage, "stage", part))
    return frozenset(stages)


def parse_cursor(raw: str | None, sort: str, size: int, name: str = "cursor") -> Cursor | None:
    """A cursor of `size` position parts, issued for `sort`."""
    if raw is None:
        return None
    try:
        cursor = Cursor.decode(raw, size)
    except InvalidCursor as error:
        raise BadParameter(name, str(error)) from None
    if cursor.sort != sort:
        raise BadParameter(name, f"was issued for sort={cursor.sort}; keep the same sort to page")
    return cursor


def parse_search(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_SEARCH_LENGTH:
        raise BadParameter("q", f"must be at most {MAX_SEARCH_LENGTH} characters")
    return raw.strip()


def parse_proposal_query(params: QueryParams) -> ProposalQuery:
    reject_unknown(params, LIST_PARAMETERS)
    state = single(params, "state")
    kind = single(params, "kind")
    sort = single(params, "sort")
    sort_order = enum_value(SortOrder, "sort", sort) if sort else SortOrder.UPDATED_DESC
    return ProposalQuery(
        state=enum_value(StateFilter, "state", state) if state else None,
        stages=parse_stages(params.getlist("stage")),
        kind=enum_value(KindFilter, "kind", kind) if kind else KindFilter.RFC,
        repo=parse_repo(single(params, "repo")),
        search=parse_search(single(params, "q")),
        sort=sort_order,
        limit=parse_limit(single(params, "limit"), DEFAULT_LIMIT),
        after=parse_cursor(single(params, "cursor"), sort_order.value, PROPOSAL_CURSOR_SIZE),
    )


def parse_number(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadParameter("number", f"must be a positive integer (got {raw!r})")
    return int(raw)


def parse_day(raw: str | None, name: str) -> date | None:
    """`YYYY-MM-DD`, or an RFC 3339 timestamp (its UTC date)."""
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else parse_timestamp(raw).date()
    except ValueError:
        message = f"must be a date YYYY-MM-DD or an RFC 3339 time (got {raw!r})"
        raise BadParameter(name, message) from None


MEETING_PARAMETERS = frozenset({"from", "to", "limit", "sort", "cursor"})


def parse_meeting_query(params: QueryParams) -> MeetingQuery:
    reject_unknown(params, MEETING_PARAMETERS)
    sort = single(params, "sort")
    order = enum_value(MeetingSort, "sort", sort) if sort else MeetingSort.DATE_DESC
    first, last = parse_day(single(params, "from"), "from"), parse_day(single(params, "to"), "to")
    if first and last and last < first:
        raise BadParameter("to", f"is before from ({last} < {first})")
    return MeetingQuery(
        first=first,
        last=last,
        sort=order,
        limit=parse_limit(single(params, "limit"), DEFAULT_LIMIT),
        after=parse_cursor(single(params, "cursor"), order.value, MEETING_CURSOR_SIZE),
    )


def parse_current(params: QueryParams) -> bool | None:
    """`current=true|false`; absent (or `all`) lists current and former members."""
    reject_unknown(params, {"current"})
    raw = single(params, "current")
    if raw is None or raw.lower() == "all":
        return None
    if raw.lower() not in ("true", "false", "1", "0"):
        raise BadParameter("current", f"must be true, false or all (got {raw!r})")
    return raw.lower() in ("true", "1")
