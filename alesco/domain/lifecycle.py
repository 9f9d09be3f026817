"""Lifecycle of a proposal: kind, stage, outcome, stage history and provenance (pure).

The rules are DESIGN.md's, in this order:
- Kind: `rfc` when the title starts with "RFC" not followed by a letter (any case; so
  `rfcs/...` does not count)
  or the PR adds a file under `rfcs/` (the template aside); else `other`, with no stage.
- Open PR: label `vote at next meeting` -> fcp; else `accepted for discussion` -> discussion;
  else submitted (drafts too). Label names match case-insensitively.
- Closed PR: merged -> accepted; else a `rejected` / `withdrawn` / `superseded` label; else a
  later PR saying "supersedes #N" / "replaces #N" -> superseded; else closed by its own author
  -> withdrawn; else `closed`: the outcome is unknown and we never guess it.

History replays the issue events (labeled, unlabeled, closed, merged, reopened) over time.
The PR as listed now is authoritative: when the events do not explain its current stage
(events missing or trimmed upstream), the current stage is appended, entered at the time
GitHub states (merged_at / closed_at) or at an unknown time (null), never an invented one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from alesco.timestamps import format_timestamp, parse_timestamp
from alesco.upstream.github_records import IssueEvent, PullRequest
from alesco.upstream.rfc_document import is_rfc_path


class Kind(StrEnum):
    RFC = "rfc"
    OTHER = "other"


class Stage(StrEnum):
    SUBMITTED = "submitted"
    DISCUSSION = "discussion"
    FCP = "fcp"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    CLOSED = "closed"


OPEN_STAGES = (Stage.SUBMITTED, Stage.DISCUSSION, Stage.FCP)
OUTCOMES = frozenset({Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN, Stage.SUPERSEDED})

LABEL_FCP = "vote at next meeting"
LABEL_DISCUSSION = "accepted for discussion"
CLOSED_STAGE_LABELS = (
    ("rejected", Stage.REJECTED),
    ("withdrawn", Stage.WITHDRAWN),
    ("superseded", Stage.SUPERSEDED),
)

# "RFC" not followed by a letter: `RFC:`, `RFC 12`, `RFC0012`, `[RFC]` count; `rfcs/...` (a
# path, as in ALESCo #13's title) and words like "RFCs" do not.
_RFC_TITLE = re.compile(r"^\s*\[?rfc(?![a-z])", re.IGNORECASE)


class Rule(StrEnum):
    """Why a proposal has its stage: `stage_reason.rule`."""

    LABEL = "label"
    NO_STAGE_LABEL = "no_stage_label"
    MERGED = "merged"
    SUPERSEDED_BY_REFERENCE = "superseded_by_reference"
    CLOSED_BY_AUTHOR = "closed_by_author"
    UNKNOWN = "unknown"
    MINUTES_DECISION = "minutes_decision"  # the minutes record the outcome (see decisions)


@dataclass(frozen=True, slots=True)
class StageEntry:
    stage: Stage
    entered_at: datetime | None

    def to_json(self) -> dict[str, str | None]:
        """The shape stored in the database and served by `/v1`."""
        return {"stage": self.stage.value, "entered_at": format_timestamp(self.entered_at)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> StageEntry:
        entered_at = value.get("entered_at")
        return cls(Stage(value["stage"]), parse_timestamp(entered_at) if entered_at else None)


@dataclass(frozen=True, slots=True)
class StageReason:
    rule: Rule
    evidence: str | None
    at: datetime | None

    def to_json(self) -> dict[str, str | None]:
        """The shape stored in the database and served by `/v1`."""
        return {"rule": self.rule.value, "evidence": self.evidence, "at": format_timestamp(self.at)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> StageReason:
        at = value.get("at")
        return cls(Rule(value["rule"]), value.get("evidence"), parse_timestamp(at) if at else None)


@dataclass(frozen=True, slots=True)
class Supersession:
    """A later PR (`by_number`, opened at `at`) whose body says it replaces this one."""

    by_number: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Lifecycle:
    stage: Stage
    outcome: Stage | None
    history: tuple[StageEntry, ...]
    reason: StageReason

    @property
    def stage_since(self) -> datetime | None:
        return self.history[-1].entered_at if self.history else None


def derive_kind(title: str, added_paths: Iterable[str]) -> Kind:
    if _RFC_TITLE.match(title) or any(is_rfc_path(path) for path in added_paths):
        return Kind.RFC
    return Kind.OTHER


@dataclass
class _PullState:
    """What the replay knows at one instant."""

    is_open: bool = True
    merged: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # lower-case name -> name as shown
    closer: str | None = None
    merger: str | None = None
    supersessions: list[Supersession] = field(default_factory=list)


def _stage_of(state: _PullState, author: str | None) -> tuple[Stage, Rule, str | None]:
    labels = state.labels
    if state.is_open:
        if LABEL_FCP in labels:
            return Stage.FCP, Rule.LABEL, labels[LABEL_FCP]
        if LABEL_DISCUSSION in labels:
            return Stage.DISCUSSION, Rule.LABEL, labels[LABEL_DISCUSSION]
        return Stage.SUBMITTED, Rule.NO_STAGE_LABEL, None
    if state.merged:
        return Stage.ACCEPTED, Rule.MERGED, state.merger
    for name, stage in CLOSED_STAGE_LABELS:
        if name in labels:
            return stage, Rule.LABEL, labels[name]
    if state.supersessions:
        first = min(state.supersessions, key=lambda ref: (ref.at, ref.by_number))
        return Stage.SUPERSEDED, Rule.SUPERSEDED_BY_REFERENCE, f"#{first.by_number}"
    if state.closer and author and state.closer.lower() == author.lower():
        return Stage.WITHDRAWN, Rule.CLOSED_BY_AUTHOR, state.closer
    return Stage.CLOSED, Rule.UNKNOWN, state.closer


def _apply(state: _PullState, event: IssueEvent) -> None:
    name = (event.label or "").strip()
    if event.event == "labeled" and name:
        state.labels[name.lower()] = name
    elif event.event == "unlabeled" and name:
        state.labels.pop(name.lower(), None)
    elif event.event == "closed":
        state.is_open = False
        state.closer = event.actor
    elif event.event == "merged":
        state.is_open = False
        state.merged = True
        state.merger = event.actor
    elif event.event == "reopened":
        state.is_open = True
        state.merged = False


def _record(history: list[StageEntry], stage: Stage, at: datetime | None) -> None:
    """Append a stage change; changes at the same instant collapse into the last one."""
    if history and history[-1].stage == stage:
        return
    if history and at is not None and history[-1].entered_at == at:
        history.pop()
        if history and history[-1].stage == stage:
            return
    history.append(StageEntry(stage, at))


def _replay(
    pull: PullRequest, events: Sequence[IssueEvent], supersessions: Sequence[Supersession]
) -> tuple[list[StageEntry], _PullState]:
    author = pull.author.login if pull.author else None
    state = _PullState()
    history = [StageEntry(Stage.SUBMITTED, pull.created_at)]
    timeline: list[tuple[datetime, int, IssueEvent | Supersession]] = [
        (event.created_at, 0, event) for event in events
    ]
    timeline += [(max(ref.at, pull.created_at), 1, ref) for ref in supersessions]
    timeline.sort(key=lambda item: (item[0], item[1]))
    for at, _, item in timeline:
        if isinstance(item, Supersession):
            state.supersessions.append(item)
        else:
            _apply(state, item)
        stage, _, _ = _stage_of(state, author)
        _record(history, stage, at)
    return history, state


def _current_state(
    pull: PullRequest,
    replayed: _PullState,
    closed_by: str | None,
    supersessions: Sequence[Supersession],
) -> _PullState:
    """The PR's state as GitHub lists it now, with the actors the events told us."""
    return _PullState(
        is_open=pull.state == "open",
        merged=pull.merged,
        labels={label.name.strip().lower(): label.name.strip() for label in pull.labels},
        closer=closed_by or replayed.closer,
        merger=replayed.merger,
        supersessions=list(supersessions),
    )


def _entered_at_from_listing(
    pull: PullRequest, stage: Stage, rule: Rule, supersessions: Sequence[Supersession]
) -> datetime | None:
    if stage == Stage.ACCEPTED:
        return pull.merged_at or pull.closed_at
    if rule == Rule.SUPERSEDED_BY_REFERENCE and pull.closed_at is not None:
        first = min(ref.at for ref in supersessions)
        return max(first, pull.closed_at)
    if stage not in OPEN_STAGES and rule != Rule.LABEL:
        return pull.closed_at
    return None


def derive_lifecycle(
    pull: PullRequest,
    events: Sequence[IssueEvent],
    supersessions: Sequence[Supersession] = (),
    closed_by: str | None = None,
) -> Lifecycle:
    """Stage, outcome, history and provenance of an RFC pull request.

    Args:
        events: the PR's issue events, any order.
        supersessions: later PRs whose bodies say they replace this one.
        closed_by: who closed it, from the issue record, when known.
    """
    history, replayed = _replay(pull, events, supersessions)
    author = pull.author.login if pull.author else None
    current = _current_state(pull, replayed, closed_by, supersessions)
    stage, rule, evidence = _stage_of(current, author)
    if history[-1].stage != stage:
        history.append(
            StageEntry(stage, _entered_at_from_listing(pull, stage, rule, supersessions))
        )
    since = history[-1].entered_at
    return Lifecycle(
        stage=stage,
        outcome=stage if stage in OUTCOMES else None,
        history=tuple(history),
        reason=StageReason(rule=rule, evidence=evidence, at=since),
    )
