"""A proposal's timeline: everything that happened to it, oldest first, each with where it
is recorded (pure).

From GitHub: opened, labelled and unlabelled, closed, reopened, merged (each issue event
with its id and actor); from the lifecycle: each stage entered, and supersession by a
later PR; from the minutes: each meeting whose minutes discuss it, with the minutes' own
lines about it, and each decision about it. A meeting's entries are placed at its start
(or, with no time known, at the start of its date in UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum

from alesco.domain.committee import Committee
from alesco.domain.lifecycle import Rule, Stage
from alesco.domain.proposal import Proposal
from alesco.upstream.github_records import IssueEvent
from alesco.upstream.minutes.decisions import Verdict


class EntryKind(StrEnum):
    OPENED = "opened"
    LABELED = "labeled"
    UNLABELED = "unlabeled"
    CLOSED = "closed"
    REOPENED = "reopened"
    MERGED = "merged"
    STAGE = "stage"
    DISCUSSED = "discussed"
    DECISION = "decision"
    SUPERSEDED = "superseded"


class Source(StrEnum):
    GITHUB = "github"
    MINUTES = "minutes"
    LIFECYCLE = "lifecycle"  # derived from GitHub's facts (or the minutes: see the rule)


@dataclass(frozen=True, slots=True)
class MinutesLine:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: EntryKind
    source: Source
    url: str | None  # the pull request, the meeting's minutes
    text: str | None = None
    actor: str | None = None
    label: str | None = None
    stage: Stage | None = None
    rule: Rule | None = None  # why the stage, for the last stage entered
    event_id: int | None = None
    meeting_id: str | None = None
    decision_id: str | None = None
    verdict: Verdict | None = None
    line: int | None = None  # in the minutes
    lines: tuple[MinutesLine, ...] = ()


_EVENT_KINDS = {
    "labeled": EntryKind.LABELED,
    "unlabeled": EntryKind.UNLABELED,
    "closed": EntryKind.CLOSED,
    "reopened": EntryKind.REOPENED,
    "merged": EntryKind.MERGED,
}
# Same instant: GitHub's facts, then the stage they made, then the minutes.
_ORDER = {kind: rank for rank, kind in enumerate(EntryKind)}


def build_timeline(
    proposal: Proposal, events: Sequence[IssueEvent], committee: Committee
) -> tuple[TimelineEntry, ...]:
    """Every entry about `proposal`, oldest first."""
    url = proposal.url
    entries = [
        TimelineEntry(
            proposal.created_at,
            EntryKind.OPENED,
            Source.GITHUB,
            url,
            proposal.title,
            proposal.author_login,
        )
    ]
    for event in events:
        kind = _EVENT_KINDS.get(event.event)
        if kind is not None:
            entries.append(
                TimelineEntry(
                    event.created_at,
                    kind,
                    Source.GITHUB,
                    url,
                    actor=event.actor,
                    label=event.label,
                    event_id=event.event_id,
                )
            )
    last = len(proposal.stage_history) - 1
    for index, entry in enumerate(proposal.stage_history):
        reason = proposal.stage_reason if index == last else None
        minutes_rule = reason is not None and reason.rule == Rule.MINUTES_DECISION
        entries.append(
            TimelineEntry(
                entry.entered_at or proposal.created_at,
                EntryKind.STAGE,
                Source.MINUTES if minutes_rule else Source.LIFECYCLE,
                url,
                text=reason.evidence if reason else None,
                stage=entry.stage,
                rule=reason.rule if reason else None,
            )
        )
    if proposal.superseded_by is not None and proposal.closed_at is not None:
        entries.append(
            TimelineEntry(
                proposal.closed_at,
                EntryKind.SUPERSEDED,
                Source.LIFECYCLE,
                url,
                text=f"superseded by #{proposal.superseded_by}",
            )
        )
    for meeting in committee.meetings_discussing(proposal.repo, proposal.number):
        said = meeting.lines_about(proposal.repo, proposal.number)
        entries.append(
            TimelineEntry(
                meeting.held_at,
                EntryKind.DISCUSSED,
                Source.MINUTES,
                meeting.minutes_url or meeting.url,
                text=meeting.title,
                meeting_id=meeting.id,
                lines=tuple(MinutesLine(mention.line, mention.text) for _, mention in said),
            )
        )
    for decision in committee.decisions_about(proposal.repo, proposal.number):
        held = committee.meeting(decision.meeting_id)
        entries.append(
            TimelineEntry(
                held.held_at if held else datetime.combine(decision.date, time.min, UTC),
                EntryKind.DECISION,
                Source.MINUTES,
                decision.minutes_url,
                text=decision.text,
                meeting_id=decision.meeting_id,
                decision_id=decision.id,
                verdict=decision.verdict,
                line=decision.line,
            )
        )
    return tuple(sorted(entries, key=lambda entry: (entry.at, _ORDER[entry.kind])))
