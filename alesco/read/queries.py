"""Proposal queries shared by REST and GraphQL: typed query objects over an in-memory index.

Reads never touch the database: the API holds every proposal in a `ProposalIndex` (rebuilt
when the data version moves) and these pure functions filter, sort and page it. Pages are
keyset-based: a cursor is the sort key, repository and number of the last item seen, so a
page boundary stays put when proposals change between requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from alesco.domain.lifecycle import Stage
from alesco.domain.proposal import Proposal
from alesco.read.cursor import Cursor, InvalidCursor
from alesco.timestamps import format_timestamp

DEFAULT_LIMIT = 30
MAX_LIMIT = 100
PROPOSAL_CURSOR_SIZE = 3  # (sort key, repo, number)


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


SortKey = tuple[str | int, str, int]


def sort_key(proposal: Proposal, sort: SortOrder) -> SortKey:
    """The position of `proposal` in `sort` order, as a cursor records it."""
    name = sort.value.lstrip("-")
    key: str | int
    if name == "number":
        key = proposal.number
    else:
        moment = proposal.updated_at if name == "updated" else proposal.created_at
        key = format_timestamp(moment) or ""
    return key, proposal.repo, proposal.number


class ProposalIndex:
    """Every proposal, with lookups and lazily built sort orders."""

    def __init__(self, proposals: Iterable[Proposal]) -> None:
        self.items = tuple(proposals)
        self._orders: dict[SortOrder, tuple[Proposal, ...]] = {}
        self._by_number: dict[int, list[Proposal]] = {}
        self._haystack: dict[tuple[str, int], str] = {}
        for proposal in self.items:
            self._by_number.setdefault(proposal.number, []).append(proposal)
            rfc = proposal.rfc
            text = " ".join(
                filter(
                    None,
                    (proposal.title, rfc.title if rfc else None, rfc.abstract if rfc else None),
                )
            )
            self._haystack[(proposal.repo, proposal.number)] = text.lower()

    def ordered(self, sort: SortOrder) -> tuple[Proposal, ...]:
        if sort not in self._orders:
            self._orders[sort] = tuple(
                sorted(self.items, key=lambda p: sort_key(p, sort), reverse=sort.descending)
            )
        return self._orders[sort]

    def with_number(self, number: int) -> list[Proposal]:
        return sorted(self._by_number.get(number, []), key=lambda p: p.repo)

    def haystack(self, proposal: Proposal) -> str:
        return self._haystack[(proposal.repo, proposal.number)]


def _matches_search(index: ProposalIndex, proposal: Proposal, terms: Sequence[str]) -> bool:
    text = index.haystack(proposal)
    for term in terms:
        digits = term.lstrip("#")
        # isascii: str.isdigit() also admits digits like '²' that int() refuses.
        number_match = (
            digits.isascii()
            and digits.isdigit()
            and (proposal.number == int(digits) or proposal.rfc_number == digits.zfill(4))
        )
        if term not in text and not number_match:
            return False
    return True


def _filter(query: ProposalQuery, index: ProposalIndex) -> Iterable[Proposal]:
    state = query.effective_state
    stages = {stage.value for stage in query.stages}
    repo = query.repo.lower() if query.repo else None
    terms = query.search.lower().split() if query.search else []
    for proposal in index.ordered(query.sort):
        if state != StateFilter.ALL and proposal.state != state.value:
            continue
        if query.kind != KindFilter.ALL and proposal.kind.value != query.kind.value:
            continue
        if stages and (proposal.stage is None or proposal.stage.value not in stages):
            continue
        if repo and proposal.repo.lower() != repo:
            continue
        if terms and not _matches_search(index, proposal, terms):
            continue
        yield proposal


def _after(cursor: Cursor, sort: SortOrder) -> SortKey:
    if cursor.sort != sort.value:
        raise InvalidCursor(f"cursor was issued for sort={cursor.sort}, not sort={sort.value}")
    key, repo, number = cursor.position
    key_type = int if sort.value.lstrip("-") == "number" else str
    if not isinstance(key, key_type) or not isinstance(repo, str) or not isinstance(number, int):
        raise InvalidCursor("not a cursor this API issued")
    return key, repo, number


def list_proposals(index: ProposalIndex, query: ProposalQuery) -> ProposalPage:
    """One page of proposals matching `query`, the total matching, and the next cursor."""
    boundary = _after(query.after, query.sort) if query.after is not None else None
    total, more = 0, False
    items: list[Proposal] = []
    for proposal in _filter(query, index):
        total += 1
        if boundary is not None:
            position = sort_key(proposal, query.sort)
            beyond = position < boundary if query.sort.descending else position > boundary
            if not beyond:
                continue
        if len(items) < query.limit:
            items.append(proposal)
        else:
            more = True
    next_cursor = Cursor(query.sort.value, sort_key(items[-1], query.sort)) if more else None
    return ProposalPage(items=items, total=total, next_cursor=next_cursor)


def cursor_for(proposal: Proposal, sort: SortOrder) -> Cursor:
    """The cursor that resumes a `sort`-ordered list right after `proposal`."""
    return Cursor(sort.value, sort_key(proposal, sort))


def find_proposals(index: ProposalIndex, number: int, repo: str | None = None) -> list[Proposal]:
    """Proposals with `number` (any kind), in `repo` if given; one per repository."""
    matches = index.with_number(number)
    return [p for p in matches if repo is None or p.repo.lower() == repo.lower()]
