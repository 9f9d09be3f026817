"""A proposal as served: one pull request with its derived lifecycle (the read model).

`build_proposals` is the pure step between fetching and storing: it takes everything
upstream said about a repository's pull requests (`PullFacts`) and derives kind, stage,
outcome, history, provenance and supersession links for all of them at once, because a
later PR's body can change an earlier PR's stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from alesco.domain.lifecycle import (
    Kind,
    Stage,
    StageEntry,
    StageReason,
    derive_kind,
    derive_lifecycle,
)
from alesco.domain.supersession import resolve_supersessions
from alesco.upstream.github_records import IssueEvent, Label, PullRequest
from alesco.upstream.rfc_document import RfcDocument


@dataclass(frozen=True, slots=True)
class PullFacts:
    """Everything upstream told us about one pull request."""

    pull: PullRequest
    events: tuple[IssueEvent, ...]
    closed_by: str | None
    added_paths: tuple[str, ...]
    rfc_document: RfcDocument | None


@dataclass(frozen=True, slots=True)
class Proposal:
    repo: str
    number: int
    title: str
    url: str | None
    kind: Kind
    state: str
    stage: Stage | None
    outcome: Stage | None
    draft: bool
    author_login: str | None
    author_avatar_url: str | None
    labels: tuple[Label, ...]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    closed_by: str | None
    stage_since: datetime | None
    stage_history: tuple[StageEntry, ...]
    stage_reason: StageReason | None
    supersedes: tuple[int, ...]
    superseded_by: int | None
    rfc: RfcDocument | None

    @property
    def rfc_number(self) -> str | None:
        return self.rfc.rfc_number if self.rfc else None

    @property
    def abstract(self) -> str | None:
        return self.rfc.abstract if self.rfc else None


def build_proposals(repo: str, facts: Sequence[PullFacts]) -> list[Proposal]:
    """Derive every proposal of `repo` from its pull requests' facts."""
    replaced_by, replaces = resolve_supersessions([fact.pull for fact in facts], repo)
    proposals = []
    for fact in facts:
        pull = fact.pull
        kind = derive_kind(pull.title, fact.added_paths)
        successors = replaced_by.get(pull.number, [])
        lifecycle = (
            derive_lifecycle(pull, fact.events, successors, fact.closed_by)
            if kind == Kind.RFC
            else None
        )
        first_successor = min(successors, key=lambda ref: (ref.at, ref.by_number), default=None)
        proposals.append(
            Proposal(
                repo=repo,
                number=pull.number,
                title=pull.title,
                url=pull.url,
                kind=kind,
                state=pull.state,
                stage=lifecycle.stage if lifecycle else None,
                outcome=lifecycle.outcome if lifecycle else None,
                draft=pull.draft,
                author_login=pull.author.login if pull.author else None,
                author_avatar_url=pull.author.avatar_url if pull.author else None,
                labels=pull.labels,
                created_at=pull.created_at,
                updated_at=pull.updated_at,
                closed_at=pull.closed_at,
                merged_at=pull.merged_at,
                closed_by=fact.closed_by,
                stage_since=lifecycle.stage_since if lifecycle else None,
                stage_history=lifecycle.history if lifecycle else (),
                stage_reason=lifecycle.reason if lifecycle else None,
                supersedes=tuple(replaces.get(pull.number, ())),
                superseded_by=first_successor.by_number if first_successor else None,
                rfc=fact.rfc_document,
            )
        )
    return proposals
