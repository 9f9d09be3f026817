"""Table-driven tests of alesco/domain/lifecycle.py: a case per rule, and the real ALESCo cases."""

from __future__ import annotations

import pytest

from alesco.domain.lifecycle import (
    Kind,
    Rule,
    Stage,
    StageEntry,
    Supersession,
    derive_kind,
    derive_lifecycle,
)
from tests.factories import day, event, pull

FCP = "vote at next meeting"
DISCUSSION = "accepted for discussion"

STAGE_CASES = [
    # Open pull requests: labels decide.
    pytest.param(
        pull(),
        [],
        (),
        None,
        Stage.SUBMITTED,
        Rule.NO_STAGE_LABEL,
        None,
        id="open-no-label-submitted",
    ),
    pytest.param(
        pull(draft=True),
        [],
        (),
        None,
        Stage.SUBMITTED,
        Rule.NO_STAGE_LABEL,
        None,
        id="open-draft-submitted",
    ),
    pytest.param(
        pull(labels=(DISCUSSION,)),
        [event("labeled", 1, DISCUSSION)],
        (),
        None,
        Stage.DISCUSSION,
        Rule.LABEL,
        DISCUSSION,
        id="open-discussion-label",
    ),
    pytest.param(
        pull(labels=(FCP,)),
        [event("labeled", 1, FCP)],
        (),
        None,
        Stage.FCP,
        Rule.LABEL,
        FCP,
        id="open-vote-label-fcp",
    ),
    pytest.param(
        pull(labels=(DISCUSSION, FCP)),
        [],
        (),
        None,
        Stage.FCP,
        Rule.LABEL,
        FCP,
        id="open-both-stage-labels-fcp-wins",
    ),
    pytest.param(
        pull(labels=("Vote At Next Meeting",)),
        [],
        (),
        None,
        Stage.FCP,
        Rule.LABEL,
        "Vote At Next Meeting",
        id="label-case-insensitive",
    ),
    pytest.param(
        pull(draft=True, labels=(DISCUSSION,)),
        [],
        (),
        None,
        Stage.DISCUSSION,
        Rule.LABEL,
        DISCUSSION,
        id="open-draft-with-label-discussion",
    ),
    pytest.param(
        pull(labels=("rejected",)),
        [],
        (),
        None,
        Stage.SUBMITTED,
        Rule.NO_STAGE_LABEL,
        None,
        id="open-outcome-label-ignored",
    ),
    # Closed pull requests: merged, then labels, then references, then the closer.
    pytest.param(
        pull(merged=5),
        [event("merged", 5, actor="chair"), event("closed", 5, actor="chair")],
        (),
        None,
        Stage.ACCEPTED,
        Rule.MERGED,
        "chair",
        id="closed-merged-accepted",
    ),
    pytest.param(
        pull(merged=5, labels=("rejected",)),
        [],
        (),
        None,
        Stage.ACCEPTED,
        Rule.MERGED,
        None,
        id="merged-beats-rejected-label",
    ),
    pytest.param(
        pull(closed=5, labels=("rejected",)),
        [event("closed", 5)],
        (),
        None,
        Stage.REJECTED,
        Rule.LABEL,
        "rejected",
        id="closed-rejected-label",
    ),
    pytest.param(
        pull(closed=5, labels=("Withdrawn",)),
        [event("closed", 5, actor="alice")],
        (),
        None,
        Stage.WITHDRAWN,
        Rule.LABEL,
        "Withdrawn",
        id="closed-withdrawn-label",
    ),
    pytest.param(
        pull(closed=5, labels=("superseded",)),
        [event("closed", 5)],
        (),
        None,
        Stage.SUPERSEDED,
        Rule.LABEL,
        "superseded",
        id="closed-superseded-label",
    ),
    pytest.param(
        pull(closed=5, labels=("rejected",)),
        [event("closed", 5, actor="alice")],
        (Supersession(9, day(6)),),
        None,
        Stage.REJECTED,
        Rule.LABEL,
        "rejected",
        id="label-beats-reference",
    ),
    pytest.param(
        pull(closed=5),
        [event("closed", 5)],
        (Supersession(9, day(6)),),
        None,
        Stage.SUPERSEDED,
        Rule.SUPERSEDED_BY_REFERENCE,
        "#9",
        id="closed-superseded-by-reference",
    ),
    pytest.param(
        pull(closed=5),
        [event("closed", 5, actor="alice")],
        (Supersession(9, day(3)),),
        None,
        Stage.SUPERSEDED,
        Rule.SUPERSEDED_BY_REFERENCE,
        "#9",
        id="reference-beats-closed-by-author",
    ),
    pytest.param(
        pull(closed=5),
        [event("closed", 5, actor="alice")],
        (),
        None,
        Stage.WITHDRAWN,
        Rule.CLOSED_BY_AUTHOR,
        "alice",
        id="closed-unmerged-by-author-withdrawn",
    ),
    pytest.param(
        pull(closed=5, author="Alice"),
        [event("closed", 5, actor="alice")],
        (),
        None,
        Stage.WITHDRAWN,
        Rule.CLOSED_BY_AUTHOR,
        "alice",
        id="author-login-case-insensitive",
    ),
    pytest.param(
        pull(closed=5),
        [event("closed", 5, actor="chair")],
        (),
        None,
        Stage.CLOSED,
        Rule.UNKNOWN,
        "chair",
        id="closed-by-other-outcome-unknown",
    ),
    pytest.param(
        pull(closed=5), [], (), None, Stage.CLOSED, Rule.UNKNOWN, None, id="closed-closer-unknown"
    ),
    pytest.param(
        pull(closed=5),
        [],
        (),
        "alice",
        Stage.WITHDRAWN,
        Rule.CLOSED_BY_AUTHOR,
        "alice",
        id="closer-from-issue-record",
    ),
    pytest.param(
        pull(closed=5, author=None),
        [event("closed", 5, actor="ghost")],
        (),
        None,
        Stage.CLOSED,
        Rule.UNKNOWN,
        "ghost",
        id="deleted-author-never-withdrawn",
    ),
    pytest.param(
        pull(labels=(DISCUSSION,)),
        [
            event("closed", 2, actor="alice"),
            event("reopened", 3, actor="alice"),
            event("labeled", 4, DISCUSSION),
        ],
        (),
        None,
        Stage.DISCUSSION,
        Rule.LABEL,
        DISCUSSION,
        id="reopened-back-to-open-stage",
    ),
]


@pytest.mark.parametrize(
    ("pr", "events", "supersessions", "closed_by", "stage", "rule", "evidence"), STAGE_CASES
)
def test_stage_rules(pr, events, supersessions, closed_by, stage, rule, evidence):
    lifecycle = derive_lifecycle(pr, events, supersessions, closed_by)
    assert lifecycle.stage == stage
    assert lifecycle.reason.rule == rule
    assert lifecycle.reason.evidence == evidence
    assert lifecycle.outcome == (
        stage
        if stage in {Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN, Stage.SUPERSEDED}
        else None
    )
    assert lifecycle.history[-1].stage == stage
    assert lifecycle.stage_since == lifecycle.history[-1].entered_at


def test_history_follows_label_events_in_time():
    pr = pull(merged=9)
    events = [
        event("labeled", 2, DISCUSSION),
        event("labeled", 5, FCP),
        event("unlabeled", 6, DISCUSSION),  # no stage change: FCP already wins
        event("merged", 9, actor="chair"),
        event("closed", 9, actor="chair"),
    ]
    lifecycle = derive_lifecycle(pr, list(reversed(events)))
    assert lifecycle.history == (
        StageEntry(Stage.SUBMITTED, day(0)),
        StageEntry(Stage.DISCUSSION, day(2)),
        StageEntry(Stage.FCP, day(5)),
        StageEntry(Stage.ACCEPTED, day(9)),
    )
    assert lifecycle.stage_since == day(9)
    assert lifecycle.reason.at == day(9)


def test_history_collapses_changes_at_the_same_instant():
    """GitHub records `closed` and `merged` in the same second: one accepted entry."""
    lifecycle = derive_lifecycle(
        pull(merged=4), [event("closed", 4, actor="alice"), event("merged", 4, actor="alice")]
    )
    assert [entry.stage for entry in lifecycle.history] == [Stage.SUBMITTED, Stage.ACCEPTED]


def test_opened_with_label_starts_in_that_stage():
    lifecycle = derive_lifecycle(pull(labels=(DISCUSSION,)), [event("labeled", 0, DISCUSSION)])
    assert lifecycle.history == (StageEntry(Stage.DISCUSSION, day(0)),)


def test_stage_without_events_is_entered_at_an_unknown_time():
    """A label with no event: the stage is right now, but when it began is not invented."""
    lifecycle = derive_lifecycle(pull(labels=(FCP,)), [])
    assert lifecycle.history == (StageEntry(Stage.SUBMITTED, day(0)), StageEntry(Stage.FCP, None))
    assert lifecycle.stage_since is None


def test_merged_without_events_is_entered_at_merged_at():
    lifecycle = derive_lifecycle(pull(merged=7), [])
    assert lifecycle.history[-1] == StageEntry(Stage.ACCEPTED, day(7))


def test_superseded_is_entered_when_both_closed_and_referenced():
    lifecycle = derive_lifecycle(
        pull(closed=5), [event("closed", 5, actor="alice")], [Supersession(9, day(8))]
    )
    assert [(e.stage, e.entered_at) for e in lifecycle.history] == [
        (Stage.SUBMITTED, day(0)),
        (Stage.WITHDRAWN, day(5)),
        (Stage.SUPERSEDED, day(8)),
    ]


def test_real_alesco_15_superseded_by_18():
    """#15 was closed by its author hanthor; #18 replaces it (minutes 2026-07-30, -08-13)."""
    pr15 = pull(
        15, "RFC: Add alternative signed newer kernels", author="hanthor", created=0, closed=300
    )
    lifecycle = derive_lifecycle(
        pr15, [event("closed", 300, actor="hanthor")], [Supersession(18, day(290))]
    )
    assert lifecycle.stage == Stage.SUPERSEDED
    assert lifecycle.outcome == Stage.SUPERSEDED
    assert lifecycle.reason.evidence == "#18"


def test_real_alesco_4_closed_unmerged_outcome_unknown():
    """#4 was rejected at a meeting, but no label or closer is known: never guess."""
    pr4 = pull(
        4, "RFC: Introduce x86_64-v1 compatibility for AlmaLinux 10", author="bkhomuts", closed=30
    )
    lifecycle = derive_lifecycle(pr4, [event("closed", 30, actor=None)])
    assert lifecycle.stage == Stage.CLOSED
    assert lifecycle.outcome is None


KIND_CASES = [
    pytest.param("RFC: Enable KVM on AlmaLinux 9 on ppc64le", (), Kind.RFC, id="title-rfc-colon"),
    pytest.param("rfc - lower case", (), Kind.RFC, id="title-case-insensitive"),
    pytest.param("[RFC] bracketed", (), Kind.RFC, id="title-bracketed"),
    pytest.param("RFC0009 no space", (), Kind.RFC, id="title-rfc-number-glued"),
    pytest.param("RFCs: list them in the README", (), Kind.OTHER, id="title-rfcs-word-other"),
    pytest.param(
        "Adding proposal for github org management",
        ("rfcs/0000-declarative-github-org-management.md",),
        Kind.RFC,
        id="real-16-adds-rfc-file",
    ),
    pytest.param("Add process updates", (), Kind.OTHER, id="real-5-process-other"),
    pytest.param("Mark as accepted", (), Kind.OTHER, id="real-11-status-update-other"),
    pytest.param("This was approved", (), Kind.OTHER, id="real-12-status-update-other"),
    pytest.param(
        "rfcs/0004-build-and-ship-nvidia-drivers.md: Fix release package name per alesco meeting",
        (),
        Kind.OTHER,
        id="real-13-rfcs-path-title-other",
    ),
    pytest.param(
        "Voting procedure PoC", ("voting-procedures.md",), Kind.OTHER, id="real-14-process-other"
    ),
    pytest.param(
        "Add new member procedure document",
        ("new-member-procedures.md",),
        Kind.OTHER,
        id="real-17-docs-other",
    ),
    pytest.param(
        "Refresh template",
        ("rfcs/0000-template.md",),
        Kind.OTHER,
        id="adding-the-template-is-not-an-rfc",
    ),
    pytest.param(
        "Rework the RFC template", ("rfcs/template.md",), Kind.OTHER, id="unnumbered-template"
    ),
    pytest.param(
        "Adopt a template engine for docs",
        ("rfcs/0011-template-engine.md",),
        Kind.RFC,
        id="an-rfc-about-templates-is-an-rfc",
    ),
]


@pytest.mark.parametrize(("title", "added", "kind"), KIND_CASES)
def test_kind(title, added, kind):
    assert derive_kind(title, added) == kind


def test_merged_flag_without_a_time_is_accepted_at_the_close():
    """A `merged: true` record without `merged_at` (single-PR shape) is still accepted."""
    from dataclasses import replace

    pr = replace(pull(closed=6), merged=True)
    lifecycle = derive_lifecycle(pr, [])
    assert lifecycle.stage == Stage.ACCEPTED
    assert lifecycle.history[-1] == StageEntry(Stage.ACCEPTED, day(6))
