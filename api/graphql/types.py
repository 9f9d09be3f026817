"""GraphQL object types, enums and scalars, converted from the read models."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.scalar import ScalarDefinition

from alesco.domain.committee import Meeting as MeetingModel
from alesco.domain.lifecycle import Kind, Rule, Stage
from alesco.domain.proposal import Proposal as ProposalModel
from alesco.domain.timeline import build_timeline
from alesco.read.meeting_queries import MeetingSort
from alesco.read.queries import KindFilter, SortOrder, StateFilter, find_proposals
from alesco.read.status import ServiceStatus
from alesco.read.status import SourceStatus as SourceStatusModel
from alesco.storage.sync_runs import Origin as OriginModel
from alesco.timestamps import format_timestamp, parse_timestamp
from api.context import Context
from api.graphql.decision_types import Decision
from api.graphql.member_types import Member
from api.graphql.timeline_types import TimelineItem

# `DateTime` as RFC 3339 UTC with a `Z`, exactly as REST serves timestamps.
SCALAR_MAP: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="An RFC 3339 timestamp in UTC, e.g. 2025-05-14T20:31:34Z.",
        serialize=format_timestamp,
        parse_value=parse_timestamp,
    )
}
StageEnum = strawberry.enum(Stage, name="Stage", description="Lifecycle stage of an RFC.")
KindEnum = strawberry.enum(Kind, name="ProposalKind", description="rfc, or any other PR.")
RuleEnum = strawberry.enum(Rule, name="StageRule", description="Why a proposal has its stage.")
OriginEnum = strawberry.enum(OriginModel, name="DataOrigin")
MeetingSortEnum = strawberry.enum(
    MeetingSort, name="MeetingSort", description="DATE_DESC: newest first."
)
StateFilterEnum = strawberry.enum(
    StateFilter, name="ProposalStateFilter", description="Which PR states to list."
)
KindFilterEnum = strawberry.enum(
    KindFilter, name="ProposalKindFilter", description="Which kinds to list."
)


@strawberry.enum(name="ProposalState", description="Pull request state on GitHub.")
class ProposalState(Enum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.enum(name="ProposalSort", description="List order; _DESC is newest first.")
class ProposalSort(Enum):
    UPDATED = SortOrder.UPDATED.value
    UPDATED_DESC = SortOrder.UPDATED_DESC.value
    CREATED = SortOrder.CREATED.value
    CREATED_DESC = SortOrder.CREATED_DESC.value
    NUMBER = SortOrder.NUMBER.value
    NUMBER_DESC = SortOrder.NUMBER_DESC.value


@strawberry.type
class Label:
    name: str
    color: str | None
    description: str | None


@strawberry.type
class Author:
    login: str
    avatar_url: str | None


@strawberry.type(description="When a proposal entered a stage (null: not known).")
class StageChange:
    stage: StageEnum  # type: ignore[valid-type]
    entered_at: datetime | None


@strawberry.type(description="Why a proposal has its stage: the rule, its evidence, when.")
class StageReason:
    rule: RuleEnum  # type: ignore[valid-type]
    evidence: str | None
    at: datetime | None


@strawberry.type(description="The RFC file a pull request adds, as its header states.")
class RfcDocument:
    path: str
    title: str | None
    number: str | None
    authors: list[str]
    status: str | None
    created_at: datetime | None
    updated_at: datetime | None


@strawberry.type(description="A pull request of a configured repository, with its RFC lifecycle.")
class Proposal:
    repo: str
    number: int
    title: str
    url: str | None
    kind: KindEnum  # type: ignore[valid-type]
    state: ProposalState
    stage: StageEnum | None  # type: ignore[valid-type]
    outcome: StageEnum | None  # type: ignore[valid-type]
    draft: bool
    author: Author | None
    labels: list[Label]
    rfc_number: str | None
    abstract: str | None
    rfc: RfcDocument | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    stage_since: datetime | None
    stage_history: list[StageChange]
    stage_reason: StageReason | None
    supersedes: list[int]
    superseded_by: int | None

    @strawberry.field(description="Meetings whose minutes link this pull request.")
    def discussed_in(self, info: Info[Any, None]) -> list[Meeting]:
        context: Context = info.context["alesco"]
        meetings = context.committee.meetings_discussing(self.repo, self.number)
        return [Meeting.from_model(meeting, context.now) for meeting in meetings]

    @strawberry.field(description="Decisions of the minutes about this pull request, oldest first.")
    def decisions(self, info: Info[Any, None]) -> list[Decision]:
        context: Context = info.context["alesco"]
        found = context.committee.decisions_about(self.repo, self.number)
        return [Decision.from_model(decision) for decision in found]

    @strawberry.field(description="The last decision of the minutes about it, if any.")
    def latest_decision(self, info: Info[Any, None]) -> Decision | None:
        context: Context = info.context["alesco"]
        found = context.committee.decisions_about(self.repo, self.number)
        return Decision.from_model(found[-1]) if found else None

    @strawberry.field(description="Everything that happened to it, oldest first.")
    def timeline(self, info: Info[Any, None]) -> list[TimelineItem]:
        context: Context = info.context["alesco"]
        proposal = find_proposals(context.model.index, self.number, self.repo)[0]
        events = context.model.events_of(self.repo, self.number)
        return [
            TimelineItem.from_model(entry)
            for entry in build_timeline(proposal, events, context.committee)
        ]

    @strawberry.field(description="For a proposal in FCP: the next meeting, expected to vote.")
    def next_vote(self, info: Info[Any, None]) -> Meeting | None:
        context: Context = info.context["alesco"]
        meeting = context.committee.next_vote(self.stage, context.now)
        return Meeting.from_model(meeting, context.now) if meeting else None

    @classmethod
    def from_model(cls, model: ProposalModel) -> Proposal:
        rfc = model.rfc
        reason = model.stage_reason
        return cls(
            repo=model.repo,
            number=model.number,
            title=model.title,
            url=model.url,
            kind=model.kind,
            state=ProposalState(model.state),
            stage=model.stage,
            outcome=model.outcome,
            draft=model.draft,
            author=Author(login=model.author_login, avatar_url=model.author_avatar_url)
            if model.author_login
            else None,
            labels=[
                Label(name=label.name, color=label.color, description=label.description)
                for label in model.labels
            ],
            rfc_number=model.rfc_number,
            abstract=model.abstract,
            rfc=RfcDocument(
                path=rfc.path,
                title=rfc.title,
                number=rfc.rfc_number,
                authors=list(rfc.authors),
                status=rfc.status,
                created_at=rfc.created_at,
                updated_at=rfc.updated_at,
            )
            if rfc
            else None,
            created_at=model.created_at,
            updated_at=model.updated_at,
            closed_at=model.closed_at,
            merged_at=model.merged_at,
            stage_since=model.stage_since,
            stage_history=[
                StageChange(stage=e.stage, entered_at=e.entered_at) for e in model.stage_history
            ],
            stage_reason=StageReason(rule=reason.rule, evidence=reason.evidence, at=reason.at)
            if reason
            else None,
            supersedes=list(model.supersedes),
            superseded_by=model.superseded_by,
        )


@strawberry.enum(description="Whether a meeting is ahead, behind us, or not happening.")
class MeetingStatus(Enum):
    UPCOMING = "upcoming"
    PAST = "past"
    CANCELLED = "cancelled"


@strawberry.type(description="A committee meeting: scheduled event and minutes, joined by date.")
class Meeting:
    id: str = strawberry.field(description="The meeting's date, e.g. 2025-04-16 (-2 for a second).")
    date: date
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str | None
    url: str | None
    location: str | None
    status: MeetingStatus
    cancel_reason: str | None
    minutes_url: str | None
    recorder: str | None
    attendee_names: list[str] = strawberry.field(
        description="Members present, spelled as in the roster, or as the minutes name them "
        "when the roster does not know them."
    )
    absentees: list[str]
    board_attendees: list[str]
    community_attendees: list[str]
    decisions: list[str] = strawberry.field(description="The decisions as the minutes word them.")
    decision_records: list[Decision] = strawberry.field(
        description="The decisions as data: verdict, tally, the proposals they concern, votes."
    )
    proposals_discussed_numbers: list[int]
    proposal_keys: strawberry.Private[list[tuple[str, int]]]

    @strawberry.field(
        description="Members present who are on the roster; attendeeNames also holds the "
        "names it does not know."
    )
    def attendees(self, info: Info[Any, None]) -> list[Member]:
        # A name the roster does not know has no title, dates or attendance to tell: a
        # Member made up for it would state them falsely (current: false, 0 meetings).
        context: Context = info.context["alesco"]
        members = (context.committee.member_named(name) for name in self.attendee_names)
        return [Member.from_model(member) for member in members if member is not None]

    @strawberry.field(description="Pull requests the minutes link.")
    def proposals_discussed(self, info: Info[Any, None]) -> list[Proposal]:
        index = info.context["alesco"].model.index
        return [
            Proposal.from_model(proposal)
            for repo, number in self.proposal_keys
            for proposal in find_proposals(index, number, repo)
        ]

    @classmethod
    def from_model(cls, model: MeetingModel, now: datetime) -> Meeting:
        return cls(
            id=model.id,
            date=model.date,
            title=model.title,
            starts_at=model.starts_at,
            ends_at=model.ends_at,
            timezone=model.timezone,
            url=model.url,
            location=model.location,
            status=MeetingStatus(model.status(now)),
            cancel_reason=model.cancel_reason,
            minutes_url=model.minutes_url,
            recorder=model.recorder,
            attendee_names=list(model.attendees),
            absentees=list(model.absentees),
            board_attendees=list(model.board_attendees),
            community_attendees=list(model.community_attendees),
            decisions=list(model.decisions),
            decision_records=[Decision.from_model(d) for d in model.decision_records],
            proposals_discussed_numbers=[link.number for link in model.proposals],
            proposal_keys=[(link.repo, link.number) for link in model.proposals],
        )


@strawberry.type
class ProposalEdge:
    cursor: str
    node: Proposal


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ProposalConnection:
    edges: list[ProposalEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class RateLimit:
    remaining: int
    reset_at: datetime | None


@strawberry.type(description="Freshness of one upstream source, and what its last sync did.")
class SourceStatus:
    source: str
    origin: OriginEnum | None  # type: ignore[valid-type]
    stale: bool
    stale_since: datetime | None
    synced_at: datetime | None
    snapshot_built_at: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    outcome: str | None
    error_reason: str | None
    error: str | None
    items: int
    requests: int
    not_modified: int
    warnings: list[str]
    rate_limit: RateLimit | None
    retry_at: datetime | None = strawberry.field(
        description="Rate-limited: the next attempt waits until then."
    )

    @classmethod
    def from_model(cls, model: SourceStatusModel) -> SourceStatus:
        return cls(
            source=model.source.value,
            origin=model.origin,
            stale=model.stale,
            stale_since=model.stale_since,
            synced_at=model.synced_at,
            snapshot_built_at=model.snapshot_built_at,
            last_attempt_at=model.last_attempt_at,
            last_success_at=model.last_success_at,
            outcome=model.outcome.value if model.outcome else None,
            error_reason=model.error_reason,
            error=model.error,
            items=model.items,
            requests=model.requests,
            not_modified=model.not_modified,
            warnings=list(model.warnings),
            rate_limit=RateLimit(
                remaining=model.rate_limit_remaining, reset_at=model.rate_limit_reset_at
            )
            if model.rate_limit_remaining is not None
            else None,
            retry_at=model.retry_at,
        )


@strawberry.type
class Status:
    sources: list[SourceStatus]
    data_version: int
    data_changed_at: datetime

    @classmethod
    def from_model(cls, model: ServiceStatus) -> Status:
        return cls(
            sources=[SourceStatus.from_model(item) for item in model.sources],
            data_version=model.data_version,
            data_changed_at=model.data_changed_at,
        )
