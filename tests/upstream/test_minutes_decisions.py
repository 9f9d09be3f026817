"""Tests of alesco/upstream/minutes/decisions.py: every decision of the 17 real minutes
files, written down by hand, then one synthetic case per format rule.

The truth table was checked line by line against the files (tests/data/minutes, copied from
../shared/data/alesco/minutes) and `alesco_facts.md`: the seven decisions that concern a
pull request are #5 merged, #3 postponed and #4 tabled (2025-04-02); #4 rejected and #3
deferred (2025-04-16); #3 and #8 approved unanimously, #9 approved for Kitten only, #10
postponed (2025-05-14); #10 approved +4/0/-1, #6 approved, #9 postponed (2025-05-28).
Which PR a section decision concerns by its title alone ("The RFC to build an x86_64-v1
variant … was REJECTED" is #4) needs the proposals, and is tested in the domain.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from alesco.upstream.minutes.decisions import Verdict, Vote, WrittenDecision
from alesco.upstream.minutes.parse import parse_minutes

MINUTES = Path(__file__).parent.parent / "data" / "minutes"


class D(NamedTuple):
    line: int
    verdict: str
    text_start: str
    tally: tuple[int | None, int | None, int | None, bool | None] | None
    pulls: tuple[int, ...]
    rfc_numbers: tuple[int, ...]
    everyone: str | None
    named_votes: tuple[tuple[str, str], ...]
    nullified: bool


def observed(decision: WrittenDecision) -> D:
    tally = decision.tally
    return D(
        decision.line,
        decision.verdict.value,
        decision.text[: len(decision.text)],
        None if tally is None else (tally.votes_for, tally.against, tally.abstain, tally.unanimous),
        tuple(
            sorted({p.number for p in (*decision.pulls_in_decision, *decision.pulls_in_section)})
        ),
        decision.rfc_numbers,
        decision.everyone.value if decision.everyone else None,
        tuple((vote.name, vote.vote.value) for vote in decision.named_votes),
        decision.nullified,
    )


EXPECTED: dict[str, list[D]] = {
    "2024-07-24.md": [
        D(
            24,
            "approved",
            "AlmaLinux 10's default x86_64 microarchitecture ",
            (None, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
        D(
            26,
            "approved",
            "AlmaLinux 10 will have frame pointers enabled, d",
            (None, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
        D(
            28,
            "approved",
            "AlmaLinux will publish a rolling-style distro bu",
            (None, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
    ],
    "2024-08-21.md": [
        D(
            27,
            "approved",
            "SPICE support to be added back to AlmaLinux 10",
            (None, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
        D(
            74,
            "approved",
            "Neal: Anything we sign should be AlmaLinux-hoste",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
        D(
            81,
            "postponed",
            "Jonathan: Motion to revisit this at a later time",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2024-09-04.md": [
        D(
            28,
            "approved",
            "KVM will be supported on POWER in AlmaLinux 10.",
            (None, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
        D(
            35,
            "tabled",
            "Cody: will table indefinitely/for a month or two",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
        D(37, "elected", "Cody: alesco chair", (None, None, None, True), (), (), "for", (), False),
    ],
    "2024-10-02.md": [
        D(32, "tabled", "Rebuilding EPEL for x86_64_v2", None, (), (), None, (), False),
        D(
            68,
            "approved",
            "All: Decided to use the existing ALESCo reposito",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
        D(
            75,
            "postponed",
            "All: Agreed to put the idea on the back burner a",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-01-08.md": [
        D(
            30,
            "other",
            "Confirm marketing requests (Reddit AMA, Q&A Vide",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
        D(
            31,
            "other",
            "Official security reporting workflows, starting ",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-01-22.md": [],
    "2025-04-02.md": [
        D(
            29,
            "approved",
            "Merged updated ALESCo Policy/Workflow for RFCs",
            None,
            (5,),
            (),
            None,
            (),
            False,
        ),
        D(
            52,
            "postponed",
            "All: Will revisit after receiving Lance's feedba",
            None,
            (3,),
            (),
            None,
            (),
            False,
        ),
        D(
            63,
            "tabled",
            "Jonathan: Tabling for vote at next meeting.",
            None,
            (4,),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-04-16.md": [
        D(
            31,
            "rejected",
            "The RFC to build an x86_64-v1 variant of AlmaLin",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
        D(
            39,
            "rejected",
            "RFC was put up to a vote",
            (None, None, None, True),
            (4,),
            (),
            "against",
            (),
            False,
        ),
        D(
            47,
            "postponed",
            "ALESCo will defer discussion until the next meet",
            None,
            (3,),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-05-14.md": [
        D(
            37,
            "approved",
            "Enable KVM on PPC64LE for AlmaLinux 9",
            (None, None, None, True),
            (3,),
            (2,),
            "for",
            (),
            False,
        ),
        D(
            38,
            "approved",
            "Ship NVIDIA open-source driver via AlmaLinux add",
            (None, None, None, True),
            (8,),
            (4,),
            "for",
            (),
            False,
        ),
        D(
            39,
            "approved",
            'Offer btrfs as a Tech Preview (initially in "Kit',
            None,
            (9,),
            (5,),
            None,
            (),
            False,
        ),
        D(
            62,
            "postponed",
            "Outcome: Vote postponed to next meeting.",
            None,
            (10,),
            (6,),
            None,
            (),
            False,
        ),
    ],
    "2025-05-28.md": [
        D(
            33,
            "approved",
            "The RFC to enable CRB by default for AlmaLinux 1",
            (4, 1, 0, None),
            (10,),
            (),
            None,
            (("Cody", "for"), ("Andrew", "against")),
            False,
        ),
        D(
            34,
            "approved",
            "The RFC to show the GNOME dynamic workspace indi",
            (None, None, None, True),
            (6,),
            (),
            "for",
            (),
            False,
        ),
        D(
            56,
            "postponed",
            "Vote punted until proof of concept is built",
            None,
            (9,),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-07-09.md": [
        D(33, "elected", "New ALESCo Chair - Jonathan Wright", None, (), (), None, (), True),
        D(
            44,
            "approved",
            "There was a consensus to proceed with Raspberry ",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-08-20.md": [
        D(
            27,
            "elected",
            "New ALESCo Chair - Andrew Lukoshko",
            (5, None, None, True),
            (),
            (),
            "for",
            (),
            False,
        ),
        D(30, "other", "New Meeting Time", None, (), (), None, (), False),
        D(
            32,
            "other",
            "Elkhan opted to step down from ALESCo on 2025-07",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-09-04.md": [],
    "2025-10-02.md": [
        D(
            30,
            "rejected",
            "Microsoft wants us to backport mainline kernel c",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
    "2025-10-16.md": [],
    "2025-10-30.md": [],
    "2025-11-13.md": [
        D(
            41,
            "approved",
            "Agreed to update policy with at least 5 business",
            None,
            (),
            (),
            None,
            (),
            False,
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_decision(name):
    minutes = parse_minutes((MINUTES / name).read_text(), name)
    assert minutes.written_decisions is not None
    found = [observed(decision) for decision in minutes.written_decisions]
    expected = EXPECTED[name]
    assert [d._replace(text_start="") for d in found] == [
        d._replace(text_start="") for d in expected
    ]
    for seen, wanted in zip(found, expected, strict=True):
        assert seen.text_start.startswith(wanted.text_start)


def test_the_table_covers_every_real_file():
    assert sorted(EXPECTED) == sorted(path.name for path in MINUTES.glob("*.md"))


def decisions_of(text: str) -> list[WrittenDecision]:
    minutes = parse_minutes(text, "2026-12-03.md")
    assert minutes.written_decisions is not None
    return list(minutes.written_decisions)


def test_an_empty_decisions_heading_does_not_hide_body_decisions():
    found = decisions_of(
        "# Minutes\n\n## Decisions Adopted\n\n## Minutes\n\n"
        "- Decision: adopt the new template\n- Decided to meet weekly\n"
    )
    assert [(d.text, d.verdict) for d in found] == [
        ("Decision: adopt the new template", Verdict.OTHER),
        ("Decided to meet weekly", Verdict.APPROVED),
    ]


def test_action_items_are_never_decisions():
    found = decisions_of(
        "## Decisions\n\n- ACTION: Neal to draft it\n- AI(neal): write it\n\n"
        "## Minutes\n\n- Action items: Decided to do it\n"
    )
    assert found == []


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        pytest.param("Outcome: RFC accepted unanimously.", Verdict.APPROVED, id="outcome-accepted"),
        pytest.param("Outcome: Vote postponed to next meeting.", Verdict.POSTPONED, id="postponed"),
        pytest.param("Jonathan: Tabling for vote at next meeting.", Verdict.TABLED, id="tabling"),
        pytest.param("The RFC was rejected.", Verdict.REJECTED, id="rfc-rejected"),
        pytest.param(
            "Decision: proposal withdrawn by its author", Verdict.WITHDRAWN, id="withdrawn"
        ),
        pytest.param(
            "ALESCo will defer discussion until the next meeting.", Verdict.POSTPONED, id="defer"
        ),
        pytest.param("All: Will revisit after the feedback.", Verdict.POSTPONED, id="all-revisit"),
        pytest.param("Vote punted until a proof of concept exists", Verdict.POSTPONED, id="punted"),
    ],
)
def test_body_decision_lines(line, verdict):
    found = decisions_of(f"## Minutes\n\n### Some RFC\n\n- {line}\n")
    assert [(d.text, d.verdict) for d in found] == [(line, verdict)]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Cody: Agreed to incorporate the feedback", id="one-person-agrees"),
        pytest.param("Cody: will revisit times for meetings this week", id="one-person-revisits"),
        pytest.param("Jonathan asked if everyone is ready to vote, everyone assented", id="asked"),
        pytest.param("Needs a new patch; no vote yet.", id="no-vote-yet"),
        pytest.param("Jonathan: Premature to vote right now.", id="premature"),
        pytest.param("Alex: Agreed with Andrew's concerns.", id="agreed-with"),
    ],
)
def test_lines_that_are_not_decisions(line):
    assert decisions_of(f"## Minutes\n\n- {line}\n") == []


def test_a_vote_with_its_results_named_votes_and_fate():
    found = decisions_of(
        "## Minutes\n\n### RFC: Thing\n\n"
        "- Discussed RFC (https://github.com/o/r/pull/12)\n"
        "  - RFC was put to a vote\n"
        "    - Vote results: +3, 1, -2 (3 in favor, 1 abstained, 2 not in favor)\n"
        "      - Ann voted +1\n"
        "      - Bob Smith voted -1\n"
        "    - RFC approved\n"
    )
    assert [observed(d)._replace(text_start="") for d in found] == [
        D(
            6,
            "approved",
            "",
            (3, 2, 1, None),
            (12,),
            (),
            None,
            (("Ann", "for"), ("Bob Smith", "against")),
            False,
        )
    ]


def test_all_attending_members_voting_is_everyone_and_unanimous():
    (decision,) = decisions_of(
        "## Minutes\n\n- Discussed RFC (https://github.com/o/r/pull/4)\n"
        "  - RFC was put up to a vote\n"
        "    - All attending ALESCo members voted to decline to implement the proposal\n"
    )
    assert decision.verdict == Verdict.REJECTED
    assert decision.everyone == Vote.AGAINST
    assert decision.tally is not None
    assert decision.tally.unanimous is True
    assert decision.tally.votes_for is None  # never invented


def test_a_chair_election_qualified_by_its_vote_and_later_nullified():
    found = decisions_of(
        "## Minutes\n\n- Cody: alesco chair\n  - Jonathan: nominates Cody\n  - vote: unanimous\n"
        "\n## Decisions\n\n- New Chair - Ann\n  - This vote was later nullified.\n"
    )
    assert [(d.text, d.verdict, d.nullified) for d in found] == [
        ("Cody: alesco chair", Verdict.ELECTED, False),
        ("New Chair - Ann", Verdict.ELECTED, True),
    ]
    assert found[1].tally is None  # the nullification is no tally


def test_rfc_numbers_are_not_pull_numbers():
    (decision,) = decisions_of(
        "## Minutes\n\n### Enable KVM (RFC [#0002](https://github.com/o/r/pull/3))\n\n"
        "- Outcome: RFC accepted unanimously.\n"
    )
    assert decision.rfc_numbers == (2,)
    assert [link.number for link in decision.pulls_in_section] == [3]


def test_a_body_decision_on_a_section_decision_s_matter_is_folded_in():
    (decision,) = decisions_of(
        "## Decisions Adopted\n\n- Enable KVM on PPC64LE for AlmaLinux 9\n\n## Minutes\n\n"
        "### Enable KVM on PPC64LE\n\n- Outcome: RFC accepted unanimously.\n"
    )
    assert decision.text == "Enable KVM on PPC64LE for AlmaLinux 9"
    assert decision.verdict == Verdict.APPROVED
    assert decision.details == ("Outcome: RFC accepted unanimously.",)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "## Decisions\n\n| Topic | Decision |\n|---|---|\n| X | Approved it |\n",
        "## Decisions\n\n" + "- a\n  " * 50 + "- deep\n",
        "<details><summary>Decisions</summary>\n\n- Decided to go\n\n</details>\n",
        "## Minutes\n\n- vote: unanimous\n",
        "Decision:\n\n---\n\n# \n\n- Outcome:\n",
    ],
    ids=["empty", "table", "deep", "html", "orphan-qualifier", "bare-labels"],
)
def test_unseen_layouts_keep_the_text_and_never_fail(text):
    found = decisions_of(text)
    assert all(isinstance(d.verdict, Verdict) and d.text for d in found)


def test_mentions_are_the_lines_of_the_part_that_discusses_a_pull_request():
    minutes = parse_minutes(
        "## Minutes\n\n### RFC: One\n\nhttps://github.com/o/r/pull/3\n\n- Ann: fine\n"
        "  - Bo: agreed\n\n### Other\n\n- Discussed [it](https://github.com/o/r/pull/4)\n"
        "  - Cy: later\n- Unrelated line\n",
        "2026-12-03.md",
    )
    assert minutes.pull_mentions is not None
    said = {(m.pull.number, m.line, m.text) for m in minutes.pull_mentions}
    assert said == {
        (3, 5, "https://github.com/o/r/pull/3"),
        (3, 7, "Ann: fine"),
        (3, 8, "Bo: agreed"),
        (4, 12, "Discussed it"),
        (4, 13, "Cy: later"),
    }


def test_a_body_decision_with_an_unread_verdict_is_kept_and_warned_about():
    minutes = parse_minutes(
        "## Attendees\n\n- Ann\n\n## Minutes\n\n- Decision: the logo becomes purple\n"
        "- Decided to meet weekly\n",
        "2026-12-03.md",
    )
    assert minutes.written_decisions is not None
    assert [(d.text, d.verdict) for d in minutes.written_decisions] == [
        ("Decision: the logo becomes purple", Verdict.OTHER),
        ("Decided to meet weekly", Verdict.APPROVED),
    ]
    assert minutes.warnings == (
        "line 7: decision kept with verdict other (not recognised): "
        "Decision: the logo becomes purple",
    )


def test_the_real_minutes_warn_of_no_unread_decision():
    for path in sorted(MINUTES.glob("*.md")):
        minutes = parse_minutes(path.read_text(), path.name)
        assert not [w for w in minutes.warnings if "decision kept" in w], path.name
