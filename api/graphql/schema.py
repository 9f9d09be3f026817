"""The GraphQL schema: read-only queries over the same query functions as REST.

`schema.graphql` at the top of the repository is this schema's SDL (`alesco schema`); a
test fails when they differ. Bad arguments raise errors naming the argument, with
`extensions.code = BAD_USER_INPUT`.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info

from alesco.domain.lifecycle import Stage
from alesco.domain.member_record import member_by_login
from alesco.read.cursor import Cursor, InvalidCursor
from alesco.read.decision_queries import (
    DECISION_CURSOR_SIZE,
    DecisionQuery,
    find_decision,
    list_decisions,
    order_key,
)
from alesco.read.meeting_queries import MeetingQuery, MeetingSort, list_meetings, list_members
from alesco.read.queries import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PROPOSAL_CURSOR_SIZE,
    KindFilter,
    ProposalQuery,
    SortOrder,
    StateFilter,
    cursor_for,
    find_proposals,
    list_proposals,
)
from alesco.settings import REPO_PATTERN
from alesco.upstream.github_records import MAX_PULL_NUMBER
from alesco.upstream.minutes.decisions import Verdict
from api.context import Context
from api.graphql.budgets import CostBudget, DeadlineCheck, TimeBudgetExceeded
from api.graphql.decision_types import Decision, DecisionEdge, VerdictEnum
from api.graphql.member_types import Member
from api.graphql.types import (
    SCALAR_MAP,
    KindFilterEnum,
    Meeting,
    MeetingSortEnum,
    PageInfo,
    Proposal,
    ProposalConnection,
    ProposalEdge,
    ProposalSort,
    StageEnum,
    StateFilterEnum,
    Status,
)

MAX_SEARCH_LENGTH = 200
logger = logging.getLogger(__name__)


def bad_input(argument: str, message: str) -> GraphQLError:
    return GraphQLError(
        f"Invalid argument {argument!r}: {message}",
        extensions={"code": "BAD_USER_INPUT", "argument": argument},
    )


def request_context(info: Info[Any, None]) -> Context:
    """The request's read model and time: every resolver reads the same version."""
    context: Context = info.context["alesco"]
    return context


def _after(after: str | None, size: int, sort: str) -> Cursor | None:
    """The `after` argument as a cursor of this list and sort order, or a BAD_USER_INPUT."""
    if after is None:
        return None
    try:
        cursor = Cursor.decode(after, size)
    except InvalidCursor as error:
        raise bad_input("after", str(error)) from None
    if cursor.sort != sort:
        raise bad_input("after", "was issued for another sort order")
    return cursor


def _page_info(cursors: list[str], has_next_page: bool, paged: bool) -> PageInfo:
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=paged,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def _query(
    state: StateFilter | None,
    stages: list[Stage] | None,
    kind: KindFilter,
    repo: str | None,
    search: str | None,
    sort: ProposalSort,
    first: int,
    after: str | None,
) -> ProposalQuery:
    if not 1 <= first <= MAX_LIMIT:
        raise bad_input("first", f"must be from 1 to {MAX_LIMIT}")
    if repo is not None and not re.match(REPO_PATTERN, repo):
        raise bad_input("repo", "must be owner/name")
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise bad_input("search", f"must be at most {MAX_SEARCH_LENGTH} characters")
    order = SortOrder(sort.value)
    cursor = _after(after, PROPOSAL_CURSOR_SIZE, order.value)
    return ProposalQuery(
        state=state,
        stages=frozenset(stages or ()),
        kind=kind,
        repo=repo,
        search=search.strip() or None if search else None,
        sort=order,
        limit=first,
        after=cursor,
    )


@strawberry.type
class DecisionConnection:
    edges: list[DecisionEdge]
    page_info: PageInfo
    total_count: int


def _decision_query(
    proposal: int | None,
    repo: str | None,
    verdicts: list[Verdict] | None,
    from_: date | None,
    to: date | None,
    search: str | None,
    sort: MeetingSort,
    first: int,
    after: str | None,
) -> DecisionQuery:
    if not 1 <= first <= MAX_LIMIT:
        raise bad_input("first", f"must be from 1 to {MAX_LIMIT}")
    if proposal is not None and not 1 <= proposal <= MAX_PULL_NUMBER:
        raise bad_input("proposal", f"must be from 1 to {MAX_PULL_NUMBER}")
    if repo is not None and not re.match(REPO_PATTERN, repo):
        raise bad_input("repo", "must be owner/name")
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise bad_input("search", f"must be at most {MAX_SEARCH_LENGTH} characters")
    if from_ and to and to < from_:
        raise bad_input("to", "is before from")
    cursor = _after(after, DECISION_CURSOR_SIZE, sort.value)
    return DecisionQuery(
        proposal=proposal,
        repo=repo,
        verdicts=frozenset(verdicts or ()),
        first=from_,
        last=to,
        text=search.strip() or None if search else None,
        sort=sort,
        limit=first,
        after=cursor,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Proposals (pull requests), newest activity first.")
    def proposals(
        self,
        info: Info[Any, None],
        state: Annotated[
            StateFilterEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="OPEN by default; ALL when stages are given."),
        ] = None,
        stages: Annotated[
            list[StageEnum] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only proposals in any of these stages."),
        ] = None,
        kind: Annotated[
            KindFilterEnum,  # type: ignore[valid-type]
            strawberry.argument(description="RFC by default; OTHER or ALL for other PRs."),
        ] = KindFilter.RFC,
        repo: Annotated[
            str | None, strawberry.argument(description="owner/name; all configured if null.")
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words that must all appear in the title, RFC title or abstract."
            ),
        ] = None,
        sort: ProposalSort = ProposalSort.UPDATED_DESC,
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = (
            DEFAULT_LIMIT
        ),
        after: Annotated[
            str | None, strawberry.argument(description="endCursor of the previous page.")
        ] = None,
    ) -> ProposalConnection:
        query = _query(state, stages, kind, repo, search, sort, first, after)
        try:
            page = list_proposals(request_context(info).model.index, query)
        except InvalidCursor as error:
            raise bad_input("after", str(error)) from None
        edges = []
        for proposal in page.items:
            cursor = cursor_for(proposal, query.sort).encode()
            edges.append(ProposalEdge(cursor=cursor, node=Proposal.from_model(proposal)))
        cursors = [edge.cursor for edge in edges]
        return ProposalConnection(
            edges=edges,
            page_info=_page_info(cursors, page.next_cursor is not None, query.after is not None),
            total_count=page.total,
        )

    @strawberry.field(description="One pull request by number (any kind).")
    def proposal(
        self, info: Info[Any, None], number: int, repo: str | None = None
    ) -> Proposal | None:
        matches = find_proposals(request_context(info).model.index, number, repo)
        if len(matches) > 1:
            raise bad_input("repo", f"#{number} exists in several repositories; give repo")
        return Proposal.from_model(matches[0]) if matches else None

    @strawberry.field(description="Meetings between two dates (inclusive), newest first.")
    def meetings(
        self,
        info: Info[Any, None],
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        first: Annotated[int, strawberry.argument(description="At most 1 to 100.")] = (
            DEFAULT_LIMIT
        ),
        sort: MeetingSortEnum = MeetingSort.DATE_DESC,  # type: ignore[valid-type]
    ) -> list[Meeting]:
        if not 1 <= first <= MAX_LIMIT:
            raise bad_input("first", f"must be from 1 to {MAX_LIMIT}")
        if from_ and to and to < from_:
            raise bad_input("to", "is before from")
        context = request_context(info)
        query = MeetingQuery(first=from_, last=to, sort=sort, limit=first)
        page = list_meetings(context.committee, query)
        return [Meeting.from_model(meeting, context.now) for meeting in page.items]

    @strawberry.field(description="Decisions recorded in the minutes, newest first.")
    def decisions(
        self,
        info: Info[Any, None],
        proposal: Annotated[
            int | None, strawberry.argument(description="Only decisions about this PR number.")
        ] = None,
        repo: Annotated[
            str | None, strawberry.argument(description="owner/name of the proposal's repo.")
        ] = None,
        verdicts: Annotated[
            list[VerdictEnum] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only decisions with any of these verdicts."),
        ] = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Words of the decision or its details."),
        ] = None,
        sort: MeetingSortEnum = MeetingSort.DATE_DESC,  # type: ignore[valid-type]
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = (
            DEFAULT_LIMIT
        ),
        after: Annotated[
            str | None, strawberry.argument(description="endCursor of the previous page.")
        ] = None,
    ) -> DecisionConnection:
        query = _decision_query(proposal, repo, verdicts, from_, to, search, sort, first, after)
        try:
            page = list_decisions(request_context(info).committee, query)
        except InvalidCursor as error:
            raise bad_input("after", str(error)) from None
        edges = [
            DecisionEdge(
                cursor=Cursor(query.sort.value, order_key(decision)).encode(),
                node=Decision.from_model(decision),
            )
            for decision in page.items
        ]
        cursors = [edge.cursor for edge in edges]
        return DecisionConnection(
            edges=edges,
            page_info=_page_info(cursors, page.next_cursor is not None, query.after is not None),
            total_count=page.total,
        )

    @strawberry.field(description="One decision by id (2025-04-16.1).")
    def decision(self, info: Info[Any, None], id: str) -> Decision | None:
        found = find_decision(request_context(info).committee, id)
        return Decision.from_model(found) if found else None

    @strawberry.field(description="The next scheduled meeting that is not cancelled.")
    def next_meeting(self, info: Info[Any, None]) -> Meeting | None:
        context = request_context(info)
        meeting = context.committee.next_meeting(context.now)
        return Meeting.from_model(meeting, context.now) if meeting else None

    @strawberry.field(description="The roster; current: true or false keeps current or former.")
    def members(self, info: Info[Any, None], current: bool | None = None) -> list[Member]:
        committee = request_context(info).committee
        return [Member.from_model(member) for member in list_members(committee, current)]

    @strawberry.field(
        description="One member by GitHub login (any case); null if not on the roster."
    )
    def member(self, info: Info[Any, None], github: str) -> Member | None:
        found = member_by_login(request_context(info).committee, github)
        return Member.from_model(found) if found else None

    @strawberry.field(description="Freshness of each source and the data version.")
    def status(self, info: Info[Any, None]) -> Status:
        return Status.from_model(request_context(info).status)


# Public GraphQL needs bounds: depth (nested links could recurse proposal -> meeting ->
# proposal ...), aliases (one request asking for the same field thousands of times) and
# tokens (huge documents). What the document may cost to answer, and how long it may run,
# are `api.graphql.budgets`. Answers to the same request are the edge cache's to repeat,
# so no parsed documents or validation verdicts are kept: strangers' distinct documents
# filled those caches with syntax trees that the collector kept walking, which held the
# event loop for 100s of ms under a stream of them (`api.graphql.worker`).
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


class AlescoSchema(strawberry.Schema):
    """Logs only failures of ours: a client's bad query is answered, not logged as an error."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if _failed_here(error):
                logger.error("graphql.resolver_failed", exc_info=error.original_error)
        stopped = sum(isinstance(error.original_error, TimeBudgetExceeded) for error in errors)
        if stopped:
            logger.info("graphql.stopped_at_deadline", extra={"fields": stopped})


def _failed_here(error: GraphQLError) -> bool:
    """Did our code fail, rather than the client's document or values? A resolver's failure
    has the field's path. Before execution, a validation error is tied to document nodes,
    and may carry the error of reading a literal (an integer of thousands of digits, a date
    that is none); and fragments spread in a chain a few hundred long exhaust the recursion
    of Strawberry's depth limiter."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | TimeBudgetExceeded):
        return False
    if error.path is not None:
        return True
    return not error.nodes and not isinstance(original, RecursionError)


schema = AlescoSchema(
    query=Query,
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    extensions=[
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        CostBudget,
        DeadlineCheck,
    ],
)
