"""GraphQL type of a proposal's timeline entry (`alesco.domain.timeline`), the same fields
as REST's, in camelCase."""

from __future__ import annotations

from datetime import datetime

import strawberry

from alesco.domain.timeline import EntryKind, Source, TimelineEntry
from api.graphql.decision_types import VerdictEnum

EntryKindEnum = strawberry.enum(EntryKind, name="TimelineKind", description="What happened.")
SourceEnum = strawberry.enum(Source, name="TimelineSource", description="Where it is recorded.")


@strawberry.type(description="A line of the minutes, and its number in the file.")
class MinutesLine:
    line: int
    text: str


@strawberry.type(description="One thing that happened to a proposal, with where it is recorded.")
class TimelineItem:
    at: datetime
    kind: EntryKindEnum  # type: ignore[valid-type]
    source: SourceEnum  # type: ignore[valid-type]
    url: str | None
    text: str | None
    actor: str | None
    label: str | None
    stage: str | None = strawberry.field(description="The stage entered (stage entries).")
    rule: str | None = strawberry.field(description="Why, for the last stage entered.")
    event_id: str | None = strawberry.field(description="GitHub's issue event id.")
    meeting_id: str | None
    decision_id: str | None
    verdict: VerdictEnum | None  # type: ignore[valid-type]
    line: int | None = strawberry.field(description="Where the minutes state a decision.")
    lines: list[MinutesLine] = strawberry.field(description="The minutes' lines about it.")

    @classmethod
    def from_model(cls, entry: TimelineEntry) -> TimelineItem:
        return cls(
            at=entry.at,
            kind=entry.kind,
            source=entry.source,
            url=entry.url,
            text=entry.text,
            actor=entry.actor,
            label=entry.label,
            stage=entry.stage.value if entry.stage else None,
            rule=entry.rule.value if entry.rule else None,
            event_id=str(entry.event_id) if entry.event_id is not None else None,
            meeting_id=entry.meeting_id,
            decision_id=entry.decision_id,
            verdict=entry.verdict,
            line=entry.line,
            lines=[MinutesLine(line=said.line, text=said.text) for said in entry.lines],
        )
