"""Tests of alesco/domain/decisions.py: the real minutes' decisions tied to the real pull
requests of AlmaLinux/ALESCo (titles, opening dates and RFC files as in the bundled
snapshot and ../shared/data/alesco_facts.md), and votes tied to the members present."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alesco.domain.decisions import (
    Candidate,
    Candidates,
    ConcernedProposal,
    Decision,
    Present,
    ProposalLink,
    decide,
    with_minutes_outcomes,
)
from alesco.domain.lifecycle import Rule, Stage, StageEntry
from alesco.upstream.minutes.decisions import Verdict, Vote
from alesco.upstream.minutes.parse import parse_minutes
from tests.factories import event, facts, pull, stored

MINUTES = Path(__file__).parent.parent / "data" / "minutes"
REPO = "AlmaLinux/ALESCo"


def candidate(number: int, opened: str, rfc: int | None, title: str, is_rfc: bool = True):
    return Candidate(REPO, number, title, date.fromisoformat(opened), rfc, is_rfc)


# The RFC numbers are those of the files each PR added; #3 and #4 both added an RFC 0002.
CANDIDATES = [
    candidate(
        2, "2025-01-29", 1, "RFC: Build Fedora EPEL for AlmaLinux and AlmaLinux Kitten x86_64_v2"
    ),
    candidate(3, "2025-02-14", 2, "RFC: Enable KVM on AlmaLinux 9 on ppc64le"),
    candidate(4, "2025-03-21", 2, "RFC: Introduce x86_64-v1 compatibility for AlmaLinux 10"),
    candidate(5, "2025-04-01", None, "Add process updates", is_rfc=False),
    candidate(6, "2025-04-18", 3, "RFC: Use dynamic workspace indicator on GNOME"),
    candidate(
        8,
        "2025-05-07",
        4,
        "RFC: Build NVIDIA Open Source Drivers and Ship Repo Config for AlmaLinux",
    ),
    candidate(9, "2025-05-08", 5, "RFC: Enable Btrfs as a tech preview"),
    candidate(10, "2025-05-13", 6, "RFC: Enable CRB by default for AlmaLinux 10+"),
    candidate(15, "2025-10-15", None, "RFC: Add alternative signed newer kernels"),
]
MEMBERS = [
    Present("Andrew Lukoshko", "andrewlukoshko"),
    Present("Ben Thomas", "bathomas"),
    Present("Cody Robertson", "codyro"),
    Present("Jonathan Wright", "jonathanspw"),
    Present("Neal Gompa", "Conan-Kudo"),
]


def decisions_of(day: str, present=MEMBERS):
    name = f"{day}.md"
    minutes = parse_minutes((MINUTES / name).read_text(), name)
    assert minutes.written_decisions is not None
    url = f"https://wiki.example/{day}"
    written = [(url, decision) for decision in minutes.written_decisions]
    return decide(
        day, date.fromisoformat(day), written, Candidates(CANDIDATES), [REPO], present, MEMBERS
    )


def about_prs(day: str):
    return [
        (decision.verdict.value, [(p.number, p.link.value) for p in decision.proposals])
        for decision in decisions_of(day)
        if decision.proposals
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(
            "2025-04-02",
            [("approved", [(5, "in_decision")]), ("postponed", [(3, "in_section")]),
             ("tabled", [(4, "in_section")])],
            id="2025-04-02-five-merged-three-postponed-four-tabled",
        ),
        pytest.param(
            "2025-04-16",
            [("rejected", [(4, "in_section")]), ("postponed", [(3, "in_section")])],
            id="2025-04-16-four-rejected-three-deferred",
        ),
        pytest.param(
            "2025-05-14",
            [("approved", [(3, "in_section")]), ("approved", [(8, "in_section")]),
             ("approved", [(9, "in_section")]), ("postponed", [(10, "in_section")])],
            id="2025-05-14-three-eight-nine-approved-ten-postponed",
        ),
        pytest.param(
            "2025-05-28",
            [("approved", [(10, "in_section")]), ("approved", [(6, "in_section")]),
             ("postponed", [(9, "in_section")])],
            id="2025-05-28-ten-six-approved-nine-postponed",
        ),
    ],
)  # fmt: skip
def test_the_decisions_that_concern_a_pull_request(day, expected):
    assert about_prs(day) == expected


@pytest.mark.parametrize(
    "day",
    [path.stem for path in sorted(MINUTES.glob("*.md"))
     if path.stem not in {"2025-04-02", "2025-04-16", "2025-05-14", "2025-05-28"}],
)  # fmt: skip
def test_no_other_meeting_decided_about_a_pull_request(day):
    """Before the RFC repository existed, a title alike ("x86_64_v2", "KVM on POWER") is
    no tie: a proposal opened after the meeting cannot be what it decided."""
    assert about_prs(day) == []


def test_the_rejection_of_four_folds_the_vote_into_the_stated_decision():
    rejected, _deferred = decisions_of("2025-04-16")
    assert rejected.text == "The RFC to build an x86_64-v1 variant of AlmaLinux 10 was REJECTED"
    assert rejected.id == "2025-04-16.1"
    assert rejected.line == 31
    assert rejected.minutes_url == "https://wiki.example/2025-04-16"
    assert rejected.tally is not None
    assert rejected.tally.unanimous is True
    assert {(v.member, v.vote, v.inferred) for v in rejected.votes} == {
        (member.name, Vote.AGAINST, True) for member in MEMBERS
    }


def test_named_votes_are_members_and_are_not_inferred():
    # Cody voted asynchronously: not present, but a member all the same.
    not_cody = [member for member in MEMBERS if member.github != "codyro"]
    crb = decisions_of("2025-05-28", present=not_cody)[0]
    assert crb.tally is not None
    assert (crb.tally.votes_for, crb.tally.against, crb.tally.abstain) == (4, 1, 0)
    assert [(v.member, v.github, v.vote, v.inferred) for v in crb.votes] == [
        ("Cody Robertson", "codyro", Vote.FOR, False),
        ("Andrew Lukoshko", "andrewlukoshko", Vote.AGAINST, False),
    ]


def test_a_nullified_election_infers_no_votes():
    (chair,) = decisions_of("2025-07-09")[:1]
    assert chair.verdict == Verdict.ELECTED
    assert chair.nullified is True
    assert chair.votes == ()


def test_ids_number_the_meeting_s_decisions_in_order():
    assert [d.id for d in decisions_of("2025-05-14")] == [f"2025-05-14.{n}" for n in (1, 2, 3, 4)]


def test_a_tie_of_titles_ties_nothing():
    twins = [
        candidate(30, "2025-01-01", None, "RFC: Ship widget frobs"),
        candidate(31, "2025-01-01", None, "RFC: Ship widget frobs"),
    ]
    minutes = parse_minutes("## Decisions\n\n- Ship widget frobs: APPROVED\n", "2025-02-01.md")
    assert minutes.written_decisions is not None
    (decision,) = decide(
        "2025-02-01",
        date(2025, 2, 1),
        [(None, d) for d in minutes.written_decisions],
        Candidates(twins),
        [REPO],
        [],
    )
    assert decision.proposals == ()


def test_links_to_other_repositories_tie_nothing():
    minutes = parse_minutes(
        "## Minutes\n\n- Decision: merge https://github.com/other/repo/pull/3\n", "2025-02-01.md"
    )
    assert minutes.written_decisions is not None
    (decision,) = decide(
        "2025-02-01",
        date(2025, 2, 1),
        [(None, d) for d in minutes.written_decisions],
        Candidates(CANDIDATES),
        [REPO],
        [],
    )
    assert decision.proposals == ()


def test_a_section_decision_alone_is_tied_by_its_title():
    minutes = parse_minutes(
        "## Decisions Adopted\n\n- The RFC to build an x86_64-v1 variant of AlmaLinux 10 "
        "was REJECTED\n",
        "2025-04-16.md",
    )
    assert minutes.written_decisions is not None
    (decision,) = decide(
        "2025-04-16",
        date(2025, 4, 16),
        [(None, d) for d in minutes.written_decisions],
        Candidates(CANDIDATES),
        [REPO],
        [],
    )
    assert [(p.number, p.link) for p in decision.proposals] == [(4, ProposalLink.BY_TITLE)]


def _decision(number: int, verdict: Verdict, on: date, nullified: bool = False) -> Decision:
    return Decision(
        id=f"{on}.1",
        meeting_id=str(on),
        date=on,
        text=f"RFC {verdict.value}",
        details=(),
        verdict=verdict,
        tally=None,
        proposals=(ConcernedProposal("o/r", number, ProposalLink.IN_SECTION),),
        votes=(),
        nullified=nullified,
        minutes_url=None,
        line=1,
    )


CLOSED_UNKNOWN = facts(pull(4, created=1, closed=20), (event("closed", 20, actor="maintainer"),))
BY_AUTHOR = facts(pull(7, created=1, closed=20), (event("closed", 20, actor="alice"),), "alice")
LABELLED = facts(pull(5, labels=("rejected",), created=1, closed=20), (event("closed", 20),))
MERGED = facts(pull(6, created=1, merged=20), (event("merged", 20),))


@pytest.mark.parametrize(
    ("pull_facts", "decisions", "stage", "rule"),
    [
        pytest.param(CLOSED_UNKNOWN, [_decision(4, Verdict.REJECTED, date(2025, 1, 10))],
                     Stage.REJECTED, Rule.MINUTES_DECISION, id="unknown-rejected"),
        pytest.param(BY_AUTHOR, [_decision(7, Verdict.WITHDRAWN, date(2025, 1, 10))],
                     Stage.WITHDRAWN, Rule.MINUTES_DECISION, id="by-author-withdrawn"),
        pytest.param(CLOSED_UNKNOWN, [_decision(4, Verdict.REJECTED, date(2025, 1, 10)),
                                      _decision(4, Verdict.POSTPONED, date(2025, 1, 24))],
                     Stage.CLOSED, Rule.UNKNOWN, id="latest-decision-not-an-outcome"),
        pytest.param(CLOSED_UNKNOWN, [_decision(4, Verdict.REJECTED, date(2025, 1, 10), True)],
                     Stage.CLOSED, Rule.UNKNOWN, id="nullified-decision-ignored"),
        pytest.param(LABELLED, [_decision(5, Verdict.WITHDRAWN, date(2025, 1, 10))],
                     Stage.REJECTED, Rule.LABEL, id="a-label-wins"),
        pytest.param(MERGED, [_decision(6, Verdict.REJECTED, date(2025, 1, 10))],
                     Stage.ACCEPTED, Rule.MERGED, id="a-merge-wins"),
    ],
)  # fmt: skip
def test_the_lifecycle_listens_to_the_minutes(pull_facts, decisions, stage, rule):
    ((proposal, _),) = stored("o/r", pull_facts)
    (after,) = with_minutes_outcomes([proposal], decisions)
    assert after.stage == stage
    assert after.stage_reason is not None
    assert after.stage_reason.rule == rule
    if rule == Rule.MINUTES_DECISION:
        entered = datetime(2025, 1, 10, tzinfo=UTC)
        assert after.outcome == stage
        assert after.stage_since == entered
        assert after.stage_history[-1] == StageEntry(stage, entered)
        assert Stage.CLOSED not in [entry.stage for entry in after.stage_history]
        assert after.stage_reason.evidence == "2025-01-10.1: " + decisions[0].text
    else:
        assert after == proposal
