"""Read queries shared by REST and GraphQL: typed query objects in, read models out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, tuple_
from sqlmodel import Session, col, select

from alesco.cursor import Cursor, InvalidCursor
from alesco.github_store import row_to_proposal
from alesco.lifecycle import Stage
from alesco.models import ProposalRow
from alesco.proposal import Proposal
from alesco.timestamps import format_timestamp, parse_timestamp

DEFAULT_LIMIT = 30
MAX_LIMIT = 100


class StateFilter(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


class KindFilter(StrEnum):
    RFC = "rfc"
    OTHER = "other"
    ALL = "all"


class SortOrder(StrEnum):
    UPDATED = "updated"
    UPDATED_DESC = "-updated"
    CREATED = "created"
    CREATED_DESC = "-created"
    NUMBER = "number"
    NUMBER_DESC = "-number"

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    @property
    def column(self) -> Any:
        name = self.value.lstrip("-")
        return {
            "updated": ProposalRow.updated_at,
            "created": ProposalRow.created_at,
            "number": ProposalRow.number,
        }[name]


@dataclass(frozen=True)
class ProposalQuery:
    """A proposals list request. `state=None` means open, unless stages are asked for:
    asking for `stage=accepted` must not silently return nothing because of a default."""

    state: StateFilter | None = None
    stages: frozenset[Stage] = field(default_factory=frozenset)
    kind: KindFilter = KindFilter.RFC
    repo: str | None = None
    search: str | None = None
    sort: SortOrder = SortOrder.UPDATED_DESC
    limit: int = DEFAULT_LIMIT
    after: Cursor | None = None

    @property
    def effective_state(self) -> StateFilter:
        if self.state is not None:
            return self.state
        return StateFilter.ALL if self.stages else StateFilter.OPEN


@dataclass(frozen=True)
class ProposalPage:
    items: list[Proposal]
    total: int
    next_cursor: Cursor | None


def _search_terms(text: str) -> list[ColumnElement[bool]]:
    conditions = []
    for term in text.lower().split():
        matches = [
            func.lower(col(column)).contains(term, autoescape=True)
            for column in (ProposalRow.title, ProposalRow.abstract, ProposalRow.rfc_title)
        ]
        digits = term.lstrip("#")
        if digits.isdigit():
            matches.append(col(ProposalRow.number) == int(digits))
            matches.append(col(ProposalRow.rfc_number) == digits.zfill(4))
        conditions.append(or_(*matches))
    return conditions


def _filters(query: ProposalQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    state = query.effective_state
    if state != StateFilter.ALL:
        conditions.append(col(ProposalRow.state) == state.value)
    if query.kind != KindFilter.ALL:
        conditions.append(col(ProposalRow.kind) == query.kind.value)
    if query.stages:
        conditions.append(col(ProposalRow.stage).in_(sorted(s.value for s in query.stages)))
    if query.repo:
        conditions.append(func.lower(col(ProposalRow.repo)) == query.repo.lower())
    if query.search:
        conditions.extend(_search_terms(query.search))
    return conditions


PROPOSAL_CURSOR_SIZE = 3  # (sort key, repo, number)


def cursor_for(proposal: Proposal, sort: SortOrder) -> Cursor:
    """The cursor that resumes a `sort`-ordered list right after `proposal`."""
    name = sort.value.lstrip("-")
    key: str | int
    if name == "number":
        key = proposal.number
    else:
        key = (
            format_timestamp(proposal.updated_at if name == "updated" else proposal.created_at)
            or ""
        )
    return Cursor(sort.value, (key, proposal.repo, proposal.number))


def _after(cursor: Cursor, sort: SortOrder) -> ColumnElement[bool]:
    if cursor.sort != sort.value:
        raise InvalidCursor(f"cursor was issued for sort={cursor.sort}, not sort={sort.value}")
    column = sort.column
    raw_key, repo, number = cursor.position
    try:
        key: Any = raw_key if column is ProposalRow.number else parse_timestamp(str(raw_key))
    except ValueError as error:
        raise InvalidCursor("not a cursor this API issued") from error
    if (column is ProposalRow.number and not isinstance(key, int)) or not (
        isinstance(repo, str) and isinstance(number, int)
    ):
        raise InvalidCursor("not a cursor this API issued")
    position = tuple_(col(column), col(ProposalRow.repo), col(ProposalRow.number))
    bound = tuple_(
        literal(key, type_=column.type),
        literal(repo, type_=ProposalRow.repo.type),  # type: ignore[attr-defined]
        literal(number, type_=ProposalRow.number.type),  # type: ignore[attr-defined]
    )
    return position < bound if sort.descending else position > bound


def list_proposals(session: Session, query: ProposalQuery) -> ProposalPage:
    """One page of proposals matching `query`, the total matching, and the next cursor."""
    conditions = _filters(query)
    total = session.exec(
        select(func.count()).select_from(ProposalRow).where(and_(True, *conditions))
    ).one()
    if query.after is not None:
        conditions.append(_after(query.after, query.sort))
    columns = (col(query.sort.column), col(ProposalRow.repo), col(ProposalRow.number))
    order = [c.desc() if query.sort.descending else c.asc() for c in columns]
    rows = session.exec(
        select(ProposalRow).where(and_(True, *conditions)).order_by(*order).limit(query.limit + 1)
    ).all()
    items = [row_to_proposal(row) for row in rows[: query.limit]]
    next_cursor = cursor_for(items[-1], query.sort) if len(rows) > query.limit else None
    return ProposalPage(items=items, total=total, next_cursor=next_cursor)


def find_proposals(session: Session, number: int, repo: str | None = None) -> list[Proposal]:
    """Proposals with `number` (any kind), in `repo` if given; one per repository."""
    statement = select(ProposalRow).where(col(ProposalRow.number) == number)
    if repo:
        statement = statement.where(func.lower(col(ProposalRow.repo)) == repo.lower())
    return [row_to_proposal(row) for row in session.exec(statement.order_by(col(ProposalRow.repo)))]


def find_proposals_by_keys(
    session: Session, keys: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], Proposal]:
    """Proposals for (repo, number) keys in one query; repos match case-insensitively and
    the result is keyed by the lower-cased repo."""
    if not keys:
        return {}
    wanted = {(repo.lower(), number) for repo, number in keys}
    numbers = sorted({number for _, number in wanted})
    rows = session.exec(select(ProposalRow).where(col(ProposalRow.number).in_(numbers)))
    found = {}
    for row in rows:
        key = (row.repo.lower(), row.number)
        if key in wanted:
            found[key] = row_to_proposal(row)
    return found
