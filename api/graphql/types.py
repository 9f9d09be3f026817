"""GraphQL object types and enums, converted from the read models."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from alesco.lifecycle import Kind, Rule, Stage
from alesco.proposal import Proposal as ProposalModel
from alesco.queries import KindFilter, SortOrder, StateFilter
from alesco.status import ServiceStatus
from alesco.status import SourceStatus as SourceStatusModel
from alesco.sync_runs import Origin as OriginModel

StageEnum = strawberry.enum(Stage, name="Stage", description="Lifecycle stage of an RFC.")
KindEnum = strawberry.enum(Kind, name="ProposalKind", description="rfc, or any other PR.")
RuleEnum = strawberry.enum(Rule, name="StageRule", description="Why a proposal has its stage.")
OriginEnum = strawberry.enum(OriginModel, name="DataOrigin")
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
