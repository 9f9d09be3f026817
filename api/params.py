"""Query-string parsing into typed query objects (pure; every failure names the parameter).

Rules for what clients send (tests/api/test_hostile_input.py holds them to it):
- Every parameter takes one value; given twice (even twice the same) it is a 400. The one
  exceptions are `stage` and `verdict`, sets, which repeat or list with commas.
- A number is ASCII digits and nothing else: no sign, space, underscore or digits of other
  scripts (fullwidth, Arabic-Indic, superscript), though int() takes all of them but `²`.
- An empty value is a value, and a bad one, except for `pretty` (yes) and `q` (no search).
- A problem echoes a value cut to its first 40 characters (`api.formats.problems.shown`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import TypeVar

from starlette.datastructures import QueryParams

from alesco.domain.lifecycle import Stage
from alesco.read.cursor import Cursor, InvalidCursor
from alesco.read.decision_queries import DECISION_CURSOR_SIZE, DecisionQuery
from alesco.read.meeting_queries import MEETING_CURSOR_SIZE, MeetingQuery, MeetingSort
from alesco.read.queries import (
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
from alesco.upstream.github_records import MAX_PULL_NUMBER
from alesco.upstream.minutes.decisions import Verdict
from api.formats.negotiation import BOOLEAN_WORDS
from api.formats.problems import BadParameter, shown

E = TypeVar("E", bound=StrEnum)

COMMON_PARAMETERS = frozenset({"pretty", "format"})
LIST_FORMATS = ("json", "csv")  # every list has both
LIST_PARAMETERS = frozenset({"state", "stage", "kind", "repo", "q", "sort", "limit", "cursor"})
MAX_SEARCH_LENGTH = 200
# GitHub's limits: an account name of 39 characters, a repository name of 100.
MAX_REPO_LENGTH = 39 + 1 + 100
MAX_NAME_SHOWN = 100  # of an unknown parameter's name, in the problem naming it
INTEGER = re.compile(r"[0-9]+")
# Exactly the JSON Schema `date` and `date-time` formats: Python's fromisoformat alone
# would also take week dates (2025-W01-1) and times without an offset.
FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RFC3339_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def reject_unknown(
    params: QueryParams, allowed: Iterable[str], formats: Iterable[str] = ("json",)
) -> None:
    """A typo such as `?stat=closed` must fail loudly, not return the default list; so must
    a `format` this route cannot give or a `pretty` that is not a yes or a no."""
    known = COMMON_PARAMETERS | frozenset(allowed)
    for name in params:
        if name not in known:
            raise BadParameter(
                name[:MAX_NAME_SHOWN],
                f"unknown parameter; this route takes {', '.join(sorted(known))}",
            )
    pretty, chosen = single(params, "pretty"), single(params, "format")
    if pretty is not None and pretty not in BOOLEAN_WORDS:
        raise BadParameter("pretty", f"must be 1, 0, true, false, yes or no (got {shown(pretty)})")
    offered = tuple(formats)
    if chosen is not None and chosen not in offered:
        raise BadParameter("format", f"must be {' or '.join(offered)} (got {shown(chosen)})")


def single(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, "given more than once; it takes one value")
    return values[0] if values else None


def enum_value(kind: type[E], name: str, raw: str) -> E:
    try:
        return kind(raw)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise BadParameter(name, f"must be one of {choices} (got {shown(raw)})") from None


def parse_repo(raw: str | None, name: str = "repo") -> str | None:
    if raw is None:
        return None
    # fullmatch: the pattern's `$` would also match before a trailing newline.
    if len(raw) > MAX_REPO_LENGTH or not re.fullmatch(REPO_PATTERN, raw):
        raise BadParameter(name, f"must be owner/name, as on GitHub (got {shown(raw)})")
    return raw


def bounded_integer(raw: str, name: str, low: int, high: int) -> int:
    """An integer written in ASCII digits, from `low` to `high`.

    `str.isdigit()` is not enough: it admits digits such as '²' that int() refuses, and
    int() of thousands of digits raises too; both would be a 500, not a 400."""
    if not (INTEGER.fullmatch(raw) and len(raw) <= len(str(high))) or not low <= int(raw) <= high:
        raise BadParameter(name, f"must be an integer from {low} to {high} (got {shown(raw)})")
    return int(raw)


def parse_limit(raw: str | None, default: int, name: str = "limit") -> int:
    return default if raw is None else bounded_integer(raw, name, 1, MAX_LIMIT)


def parse_stages(values: Iterable[str]) -> frozenset[Stage]:
    """`stage` repeats (`stage=fcp&stage=discussion`) or lists (`stage=fcp,discussion`)."""
    stages = set()
    for value in values:
        for part in value.split(","):
            stages.add(enum_value(Stage, "stage", part.strip()))
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


def parse_proposal_query(
    params: QueryParams, formats: Iterable[str] = LIST_FORMATS
) -> ProposalQuery:
    reject_unknown(params, LIST_PARAMETERS, formats)
    state = single(params, "state")
    kind = single(params, "kind")
    sort = single(params, "sort")
    sort_order = SortOrder.UPDATED_DESC if sort is None else enum_value(SortOrder, "sort", sort)
    return ProposalQuery(
        state=None if state is None else enum_value(StateFilter, "state", state),
        stages=parse_stages(params.getlist("stage")),
        kind=KindFilter.RFC if kind is None else enum_value(KindFilter, "kind", kind),
        repo=parse_repo(single(params, "repo")),
        search=parse_search(single(params, "q")),
        sort=sort_order,
        limit=parse_limit(single(params, "limit"), DEFAULT_LIMIT),
        after=parse_cursor(single(params, "cursor"), sort_order.value, PROPOSAL_CURSOR_SIZE),
    )


def parse_number(raw: str) -> int:
    return bounded_integer(raw, "number", 1, MAX_PULL_NUMBER)


def parse_day(raw: str | None, name: str) -> date | None:
    """`YYYY-MM-DD`, or an RFC 3339 timestamp (its UTC date)."""
    if raw is None:
        return None
    try:
        if FULL_DATE.fullmatch(raw):
            return date.fromisoformat(raw)
        if RFC3339_TIME.fullmatch(raw):
            return parse_timestamp(raw).date()
    except (ValueError, OverflowError):  # no such day (2025-02-30), or none in UTC (year 0)
        pass
    message = f"must be a date YYYY-MM-DD or an RFC 3339 time (got {shown(raw)})"
    raise BadParameter(name, message)


def _date_order(params: QueryParams) -> MeetingSort:
    """`sort=date` (oldest first) or `-date` (the default: newest first)."""
    sort = single(params, "sort")
    return MeetingSort.DATE_DESC if sort is None else enum_value(MeetingSort, "sort", sort)


def _date_range(params: QueryParams) -> tuple[date | None, date | None]:
    """`from` and `to`, inclusive days; `to` before `from` is a 400, not an empty list."""
    first, last = parse_day(single(params, "from"), "from"), parse_day(single(params, "to"), "to")
    if first and last and last < first:
        raise BadParameter("to", f"is before from ({last} < {first})")
    return first, last


MEETING_PARAMETERS = frozenset({"from", "to", "limit", "sort", "cursor"})


def parse_meeting_query(params: QueryParams) -> MeetingQuery:
    reject_unknown(params, MEETING_PARAMETERS, LIST_FORMATS)
    order, (first, last) = _date_order(params), _date_range(params)
    return MeetingQuery(
        first=first,
        last=last,
        sort=order,
        limit=parse_limit(single(params, "limit"), DEFAULT_LIMIT),
        after=parse_cursor(single(params, "cursor"), order.value, MEETING_CURSOR_SIZE),
    )


DECISION_PARAMETERS = frozenset(
    {"proposal", "repo", "verdict", "from", "to", "q", "sort", "limit", "cursor"}
)


def parse_decision_query(params: QueryParams) -> DecisionQuery:
    """Like a meetings list, with `proposal` (a PR number; `repo` when several are synced),
    `verdict` (repeated or comma-listed, as `stage`) and `q` (words of the decision)."""
    reject_unknown(params, DECISION_PARAMETERS, LIST_FORMATS)
    order, (first, last) = _date_order(params), _date_range(params)
    proposal = single(params, "proposal")
    verdicts = {
        enum_value(Verdict, "verdict", part.strip())
        for value in params.getlist("verdict")
        for part in value.split(",")
    }
    return DecisionQuery(
        proposal=None
        if proposal is None
        else bounded_integer(proposal, "proposal", 1, MAX_PULL_NUMBER),
        repo=parse_repo(single(params, "repo")),
        verdicts=frozenset(verdicts),
        first=first,
        last=last,
        text=parse_search(single(params, "q")),
        sort=order,
        limit=parse_limit(single(params, "limit"), DEFAULT_LIMIT),
        after=parse_cursor(single(params, "cursor"), order.value, DECISION_CURSOR_SIZE),
    )


def parse_current(params: QueryParams) -> bool | None:
    """`current=true|false`; absent (or `all`) lists current and former members."""
    reject_unknown(params, {"current"}, LIST_FORMATS)
    raw = single(params, "current")
    if raw is None or raw == "all":
        return None
    if raw not in ("true", "false"):
        raise BadParameter("current", f"must be true, false or all (got {shown(raw)})")
    return raw == "true"
