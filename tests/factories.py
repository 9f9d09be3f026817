"""Small builders for domain records, so each test states only what matters to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from alesco.domain.proposal import Proposal, PullFacts, build_proposals
from alesco.read.queries import ProposalIndex
from alesco.storage.github_store import load_proposals
from alesco.upstream.github_records import GithubUser, IssueEvent, Label, PullRequest
from alesco.upstream.rfc_document import RfcDocument

T0 = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    """`n` days after T0: readable timestamps for timelines."""
    return T0 + timedelta(days=n)


def pull(
    number: int = 1,
    title: str = "RFC: Something",
    *,
    author: str | None = "alice",
    state: str = "open",
    draft: bool = False,
    labels: tuple[str, ...] = (),
    body: str | None = None,
    created: float = 0,
    closed: float | None = None,
    merged: float | None = None,
    updated: float | None = None,
) -> PullRequest:
    closed_at = day(closed) if closed is not None else (day(merged) if merged is not None else None)
    return PullRequest(
        number=number,
        title=title,
        url=f"https://github.com/o/r/pull/{number}",
        state="closed" if closed_at else state,
        draft=draft,
        author=GithubUser(author, f"https://avatars.example/{author}") if author else None,
        body=body,
        labels=tuple(Label(name, "ededed", None) for name in labels),
        created_at=day(created),
        updated_at=day(updated if updated is not None else max(created, closed or 0, merged or 0)),
        closed_at=closed_at,
        merged_at=day(merged) if merged is not None else None,
        head_sha=None,
        merged=merged is not None,
    )


def event(
    kind: str, at: float, label: str | None = None, actor: str | None = "maintainer"
) -> IssueEvent:
    return IssueEvent(event_id=None, event=kind, actor=actor, created_at=day(at), label=label)


def facts(
    pr: PullRequest,
    events: tuple[IssueEvent, ...] = (),
    closed_by: str | None = None,
    added: tuple[str, ...] = (),
    document: RfcDocument | None = None,
) -> PullFacts:
    return PullFacts(pr, events, closed_by, added, document)


def stored(repo: str, *pull_facts: PullFacts) -> list[tuple[Proposal, PullFacts]]:
    """Derived proposals paired with their facts, as the store takes them."""
    return list(zip(build_proposals(repo, pull_facts), pull_facts, strict=True))


def index_of(session: Session) -> ProposalIndex:
    """The stored proposals, indexed as the API reads them."""
    return ProposalIndex(load_proposals(session))
