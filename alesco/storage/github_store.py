"""Storing GitHub-derived proposals: read back stored facts, replace the source whole.

`replace_proposals` runs inside the caller's transaction: the sync commits it together with
its HTTP cache entries and its sync-run row, or rolls all of it back.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from alesco.database.data_version import bump_data_version
from alesco.database.models import ProposalEventRow, ProposalRow
from alesco.database.replacement import replace_rows
from alesco.domain.lifecycle import Kind, Stage, StageEntry, StageReason
from alesco.domain.proposal import Proposal, PullFacts
from alesco.storage.sync_runs import Origin
from alesco.upstream.github_records import IssueEvent, Label
from alesco.upstream.rfc_document import RfcDocument


@dataclass(frozen=True)
class StoredPull:
    """What we already know about a PR, so an unchanged one is not fetched again."""

    updated_at: datetime
    origin: Origin
    events: tuple[IssueEvent, ...]
    closed_by: str | None
    added_paths: tuple[str, ...]
    rfc_document: RfcDocument | None


def _rfc_document(row: ProposalRow) -> RfcDocument | None:
    if row.rfc_path is None:
        return None
    return RfcDocument(
        path=row.rfc_path,
        title=row.rfc_title,
        rfc_number=row.rfc_number,
        authors=tuple(row.rfc_authors),
        status=row.rfc_status,
        created_at=row.rfc_created_at,
        updated_at=row.rfc_updated_at,
        abstract=row.abstract,
    )


class _Shared:
    """Equal small values (repositories, logins, labels) held once across many proposals:
    the read model keeps every proposal in memory, and most of these repeat."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, str | None, str | None], Label] = {}

    @staticmethod
    def text(value: str | None) -> str | None:
        return sys.intern(value) if value is not None else None

    def labels(self, values: list[dict[str, Any]]) -> tuple[Label, ...]:
        found = []
        for value in values:
            key = (value["name"], value.get("color"), value.get("description"))
            found.append(self._labels.setdefault(key, Label(*key)))
        return tuple(found)


def row_to_proposal(row: Any, shared: _Shared | None = None) -> Proposal:
    """A proposal from a stored row (an ORM object or a plain result row)."""
    shared = shared or _Shared()
    return Proposal(
        repo=sys.intern(row.repo),
        number=row.number,
        title=row.title,
        url=row.url,
        kind=Kind(row.kind),
        state=sys.intern(row.state),
        stage=Stage(row.stage) if row.stage else None,
        outcome=Stage(row.outcome) if row.outcome else None,
        draft=row.draft,
        author_login=shared.text(row.author_login),
        author_avatar_url=shared.text(row.author_avatar_url),
        labels=shared.labels(row.labels),
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
        merged_at=row.merged_at,
        closed_by=row.closed_by,
        stage_since=row.stage_since,
        stage_history=tuple(StageEntry.from_json(entry) for entry in row.stage_history),
        stage_reason=StageReason.from_json(row.stage_reason) if row.stage_reason else None,
        supersedes=tuple(row.supersedes),
        superseded_by=row.superseded_by,
        rfc=_rfc_document(row),
    )


def _proposal_columns(proposal: Proposal, facts: PullFacts, origin: Origin) -> dict[str, Any]:
    rfc = proposal.rfc
    return {
        "repo": proposal.repo,
        "number": proposal.number,
        "title": proposal.title,
        "url": proposal.url,
        "state": proposal.state,
        "draft": proposal.draft,
        "author_login": proposal.author_login,
        "author_avatar_url": proposal.author_avatar_url,
        "labels": [label.to_json() for label in proposal.labels],
        "created_at": proposal.created_at,
        "updated_at": proposal.updated_at,
        "closed_at": proposal.closed_at,
        "merged_at": proposal.merged_at,
        "closed_by": facts.closed_by,
        "added_paths": list(facts.added_paths),
        "rfc_path": rfc.path if rfc else None,
        "rfc_title": rfc.title if rfc else None,
        "rfc_number": rfc.rfc_number if rfc else None,
        "rfc_authors": list(rfc.authors) if rfc else [],
        "rfc_status": rfc.status if rfc else None,
        "rfc_created_at": rfc.created_at if rfc else None,
        "rfc_updated_at": rfc.updated_at if rfc else None,
        "abstract": rfc.abstract if rfc else None,
        "kind": proposal.kind.value,
        "stage": proposal.stage.value if proposal.stage else None,
        "outcome": proposal.outcome.value if proposal.outcome else None,
        "stage_since": proposal.stage_since,
        "stage_history": [entry.to_json() for entry in proposal.stage_history],
        "stage_reason": proposal.stage_reason.to_json() if proposal.stage_reason else None,
        "supersedes": list(proposal.supersedes),
        "superseded_by": proposal.superseded_by,
        "origin": origin.value,
    }


def _event_columns(repo: str, number: int, position: int, event: IssueEvent) -> dict[str, Any]:
    return {
        "repo": repo,
        "number": number,
        "position": position,
        "event_id": event.event_id,
        "event": event.event,
        "actor": event.actor,
        "label": event.label,
        "created_at": event.created_at,
    }


def load_events(session: Session) -> dict[tuple[str, int], tuple[IssueEvent, ...]]:
    """Every stored issue event, by (repo, number), in GitHub's order."""
    events: dict[tuple[str, int], list[IssueEvent]] = {}
    for event in session.exec(select(ProposalEventRow).order_by(col(ProposalEventRow.position))):
        events.setdefault((event.repo, event.number), []).append(
            IssueEvent(event.event_id, event.event, event.actor, event.created_at, event.label)
        )
    return {key: tuple(found) for key, found in events.items()}


def load_stored_pulls(session: Session) -> dict[tuple[str, int], StoredPull]:
    """Stored facts of every PR, keyed by (repo, number)."""
    events = load_events(session)
    return {
        (row.repo, row.number): StoredPull(
            updated_at=row.updated_at,
            origin=Origin(row.origin),
            events=tuple(events.get((row.repo, row.number), ())),
            closed_by=row.closed_by,
            added_paths=tuple(row.added_paths),
            rfc_document=_rfc_document(row),
        )
        for row in session.exec(select(ProposalRow))
    }


def replace_proposals(
    session: Session,
    proposals: Sequence[tuple[Proposal, PullFacts]],
    origin: Origin,
    now: datetime,
) -> bool:
    """Make the stored proposals exactly `proposals`; bump the data version if that changed
    anything. Returns whether it did."""
    ordered = sorted(proposals, key=lambda item: (item[0].repo, item[0].number))
    new_proposals = [_proposal_columns(proposal, facts, origin) for proposal, facts in ordered]
    new_events = [
        _event_columns(proposal.repo, proposal.number, position, event)
        for proposal, facts in ordered
        for position, event in enumerate(facts.events)
    ]
    without_id = frozenset({"id"})
    proposals_changed = replace_rows(
        session, ProposalRow, new_proposals, (ProposalRow.repo, ProposalRow.number), without_id
    )
    events_changed = replace_rows(
        session,
        ProposalEventRow,
        new_events,
        (ProposalEventRow.repo, ProposalEventRow.number, ProposalEventRow.position),
        without_id,
    )
    if proposals_changed or events_changed:
        bump_data_version(session, now)
        return True
    return False


def load_proposals(session: Session) -> list[Proposal]:
    """Every stored proposal, for the in-memory read model (plain rows, not ORM objects:
    thousands of those would double the memory a load needs)."""
    table = ProposalRow.__table__  # type: ignore[attr-defined]
    rows = session.execute(table.select().order_by(table.c.repo, table.c.number))
    shared = _Shared()
    return [row_to_proposal(row, shared) for row in rows]
