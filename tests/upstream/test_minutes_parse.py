"""Tests of alesco/upstream/minutes/parse.py: every real ALESCo minutes file, with what it must yield
written out (from the public record), then formats the real files do not show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from alesco.upstream.minutes.parse import Attendee, PullLink, is_minutes_file, parse_minutes

MINUTES = Path(__file__).parent.parent / "data" / "minutes"
ALESCO = "AlmaLinux/ALESCo"

Person = str | tuple[str, str]  # a name, or (name, note)


@dataclass
class Expected:
    recorder: str | None
    editors: list[str]
    members: list[str]
    absent: list[str]
    board: list[Person]
    community: list[Person]
    decisions: list[str]
    prs: list[int] = field(default_factory=list)


def people(expected: list[Person]) -> tuple[Attendee, ...]:
    return tuple(
        Attendee(*entry) if isinstance(entry, tuple) else Attendee(entry) for entry in expected
    )


REAL_FILES = [
    pytest.param(
        "2024-07-24.md",
        Expected(
            recorder="Cody Robertson",
            editors=["Cody Robertson", "Jonathan Wright"],
            members=[
                "Jonathan Wright",
                "Cody Robertson",
                "Andrew Lukoshko",
                "Elkhan Mammadli",
                "Ben Thomas",
                "Neal Gompa",
            ],
            absent=[],
            board=[],
            community=["Michel Lind"],
            decisions=[
                "AlmaLinux 10's default x86_64 microarchitecture build will be v3, following RHEL. Approved building and maintaining x86_64_v2 as a separate architecture for AlmaLinux 10.",
                "AlmaLinux 10 will have frame pointers enabled, diverging from RHEL 10 which will not have frame pointers.",
                "AlmaLinux will publish a rolling-style distro build, serving as a continuous beta release, starting with AlmaLinux 10.",
            ],
            prs=[],
        ),
        id="2024-07-24",
    ),
    pytest.param(
        "2024-08-21.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Jonathan Wright",
                "Cody Robertson",
                "Andrew Lukoshko",
                "Elkhan Mammadli",
                "Ben Thomas",
                "Neal Gompa",
            ],
            absent=[],
            board=["benny Vasquez", "Alex Iribarren"],
            community=[],
            decisions=["SPICE support to be added back to AlmaLinux 10"],
            prs=[],
        ),
        id="2024-08-21",
    ),
    pytest.param(
        "2024-09-04.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Jonathan Wright",
                "Cody Robertson",
                "Andrew Lukoshko",
                "Elkhan Mammadli",
                "Ben Thomas",
                "Neal Gompa",
            ],
            absent=[],
            board=["benny Vasquez"],
            community=["Lance Albertson"],
            decisions=["KVM will be supported on POWER in AlmaLinux 10."],
            prs=[],
        ),
        id="2024-09-04",
    ),
    pytest.param(
        "2024-10-02.md",
        Expected(
            recorder="Cody Robertson",
            editors=["Cody Robertson"],
            members=[
                "Andrew Lukoshko",
                "Cody Robertson",
                "Elkhan Mammadli",
                "Jonathan Wright",
                "Neal Gompa",
            ],
            absent=["Ben Thomas"],
            board=["Alex Iribarren", "benny Vasquez"],
            community=[],
            decisions=["Rebuilding EPEL for x86_64_v2"],
            prs=[],
        ),
        id="2024-10-02",
    ),
    pytest.param(
        "2025-01-08.md",
        Expected(
            recorder="Cody Robertson",
            editors=[],
            members=[
                "Andrew Lukoshko",
                "Ben Thomas",
                "Cody Robertson",
                "Elkhan Mammadli",
                "Neal Gompa",
            ],
            absent=["Jonathan Wright"],
            board=["Alex Iribarren", "benny Vasquez"],
            community=["Luna Jernberg"],
            decisions=[
                "Confirm marketing requests (Reddit AMA, Q&A Video, updated ALESCo blog post)",
                "Official security reporting workflows, starting with security.txt publishing",
            ],
            prs=[],
        ),
        id="2025-01-08",
    ),
    pytest.param(
        "2025-01-22.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Andrew Lukoshko",
                "Elkhan Mammadli",
                "Jonathan Wright",
                "Neal Gompa",
                "Ben Thomas",
            ],
            absent=["Cody Robertson"],
            board=[],
            community=["Luna Jernberg"],
            decisions=[],
            prs=[],
        ),
        id="2025-01-22",
    ),
    pytest.param(
        "2025-04-02.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Andrew Lukoshko",
                "Elkhan Mammadli",
                "Jonathan Wright",
                "Neal Gompa",
                "Ben Thomas",
            ],
            absent=["Cody Robertson"],
            board=["benny Vasquez"],
            community=[],
            decisions=["Merged updated ALESCo Policy/Workflow for RFCs"],
            prs=[3, 4, 5],
        ),
        id="2025-04-02",
    ),
    pytest.param(
        "2025-04-16.md",
        Expected(
            recorder="Neal Gompa",
            editors=["Neal Gompa"],
            members=["Neal Gompa", "Ben Thomas", "Elkhan Mammadli", "Jonathan Wright"],
            absent=["Andrew Lukoshko", "Cody Robertson"],
            board=[],
            community=["Lance Albertson"],
            decisions=["The RFC to build an x86_64-v1 variant of AlmaLinux 10 was REJECTED"],
            prs=[3, 4],
        ),
        id="2025-04-16",
    ),
    pytest.param(
        "2025-05-14.md",
        Expected(
            recorder="Cody Robertson",
            editors=["Cody Robertson"],
            members=[
                "Andrew Lukoshko",
                "Ben Thomas",
                "Cody Robertson",
                "Elkhan Mammadli",
                "Jonathan Wright",
                "Neal Gompa",
            ],
            absent=[],
            board=[("benny Vasquez", "not present for full meeting")],
            community=[
                "Boris Burkov",
                "Davide Cavalca",
                "Koichiro Iwao",
                "Lance Albertson",
                "Luna Jernberg",
                "Michel Lind",
            ],
            decisions=[
                "Enable KVM on PPC64LE for AlmaLinux 9",
                "Ship NVIDIA open-source driver via AlmaLinux add-on repo (AlmaLinux 9 & AlmaLinux 10)",
                'Offer btrfs as a Tech Preview (initially in "Kitten" branch)',
            ],
            prs=[3, 6, 8, 9, 10],
        ),
        id="2025-05-14",
    ),
    pytest.param(
        "2025-05-28.md",
        Expected(
            recorder="Neal Gompa",
            editors=["Neal Gompa"],
            members=["Neal Gompa", "Andrew Lukoshko", "Ben Thomas", "Jonathan Wright"],
            absent=["Elkhan Mammadli", "Cody Robertson"],
            board=[],
            community=["Davide Cavalca", "Lance Albertson", "Luna Jernberg"],
            decisions=[
                "The RFC to enable CRB by default for AlmaLinux 10+ was APPROVED",
                "The RFC to show the GNOME dynamic workspace indicator on GNOME was APPROVED",
            ],
            prs=[6, 9, 10],
        ),
        id="2025-05-28",
    ),
    pytest.param(
        "2025-07-09.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Neal Gompa",
                "Andrew Lukoshko",
                "Ben Thomas",
                "Jonathan Wright",
                "Cody Robertson",
                "Elkhan Mammadli",
            ],
            absent=[],
            board=["Alex Iribarren"],
            community=["Luna Jernberg", "Kevin Fox", "Lance Albertson", ("TJ Walton", "briefly")],
            decisions=["New ALESCo Chair - Jonathan Wright"],
            prs=[],
        ),
        id="2025-07-09",
    ),
    pytest.param(
        "2025-08-20.md",
        Expected(
            recorder="Jonathan Wright",
            editors=["Jonathan Wright"],
            members=[
                "Neal Gompa",
                "Andrew Lukoshko",
                "Ben Thomas",
                "Jonathan Wright",
                "Cody Robertson",
            ],
            absent=[],
            board=[],
            community=["Brynn Macpherson"],
            decisions=[
                "New ALESCo Chair - Andrew Lukoshko",
                "New Meeting Time",
                "Elkhan opted to step down from ALESCo on 2025-07-31",
            ],
            prs=[],
        ),
        id="2025-08-20",
    ),
    pytest.param(
        "2025-09-04.md",
        Expected(
            recorder="Andrew Lukoshko",
            editors=["Andrew Lukoshko"],
            members=["Neal Gompa", "Andrew Lukoshko", "Ben Thomas", "Cody Robertson"],
            absent=["Jonathan Wright"],
            board=[],
            community=["Lance Albertson"],
            decisions=[],
            prs=[],
        ),
        id="2025-09-04",
    ),
    pytest.param(
        "2025-10-02.md",
        Expected(
            recorder="Andrew Lukoshko",
            editors=["Andrew Lukoshko"],
            members=["Neal Gompa", "Andrew Lukoshko", "Ben Thomas", "Cody Robertson"],
            absent=["Jonathan Wright"],
            board=[],
            community=["Lance Albertson"],
            decisions=[],
            prs=[],
        ),
        id="2025-10-02",
    ),
    pytest.param(
        "2025-10-16.md",
        Expected(
            recorder="Andrew Lukoshko",
            editors=["Andrew Lukoshko"],
            members=["Andrew Lukoshko", "Ben Thomas", "Jonathan Wright"],
            absent=["Cody Robertson", "Neal Gompa"],
            board=[],
            community=["Lance Albertson"],
            decisions=[],
            prs=[15],
        ),
        id="2025-10-16",
    ),
    pytest.param(
        "2025-10-30.md",
        Expected(
            recorder="Andrew Lukoshko",
            editors=["Andrew Lukoshko"],
            members=[
                "Andrew Lukoshko",
                "Ben Thomas",
                "Cody Robertson",
                "Jonathan Wright",
                "Neal Gompa",
            ],
            absent=[],
            board=[],
            community=["Davide Cavalca", "Lance Albertson"],
            decisions=[],
            prs=[15],
        ),
        id="2025-10-30",
    ),
    pytest.param(
        "2025-11-13.md",
        Expected(
            recorder="Andrew Lukoshko",
            editors=["Andrew Lukoshko"],
            members=["Andrew Lukoshko", "Ben Thomas", "Jonathan Wright", "Neal Gompa"],
            absent=["Cody Robertson"],
            board=[],
            community=["Lance Albertson"],
            decisions=[],
            prs=[15],
        ),
        id="2025-11-13",
    ),
]


@pytest.mark.parametrize(("name", "expected"), REAL_FILES)
def test_real_minutes(name, expected):
    minutes = parse_minutes((MINUTES / name).read_text(), f"docs/alesco/meeting-minutes/{name}")
    assert minutes.date == date.fromisoformat(name.removesuffix(".md"))
    assert minutes.recorder == expected.recorder
    assert list(minutes.editors) == expected.editors
    assert minutes.member_attendees == people(expected.members)
    assert minutes.absentees == people(expected.absent)
    assert minutes.board_attendees == people(expected.board)
    assert minutes.community_attendees == people(expected.community)
    assert list(minutes.decisions) == expected.decisions
    assert [link.number for link in minutes.pull_links if link.repo == ALESCO] == expected.prs
    assert minutes.other_attendees == ()
    assert minutes.warnings == ()


def test_every_real_file_has_a_case():
    covered = {param.values[0] for param in REAL_FILES}
    assert covered == {path.name for path in MINUTES.glob("*.md")}


def test_generic_attendees_front_matter_and_short_references():
    text = """---
title: ALESCo weekly sync
date: 2026-10-01
---

# ALESCo weekly sync

## Attendees

- Ann Member
- Guest Person (first time)

## Decisions

1. Adopt [RFC 12](https://github.com/AlmaLinux/ALESCo/pull/12)
2. Close AlmaLinux/ALESCo#13 in favour of #14
"""
    minutes = parse_minutes(text, "minutes/weekly-sync.md")
    assert minutes.date == date(2026, 10, 1)
    assert minutes.title == "ALESCo weekly sync"
    assert minutes.member_attendees == ()
    assert minutes.other_attendees == (
        Attendee("Ann Member"),
        Attendee("Guest Person", "first time"),
    )
    assert minutes.decisions == ("Adopt RFC 12", "Close AlmaLinux/ALESCo#13 in favour of #14")
    assert minutes.pull_links == (PullLink(ALESCO, 12), PullLink(ALESCO, 13))
    assert minutes.warnings == ()


def test_inline_labelled_lines():
    text = (
        "# Minutes 2026-10-15\n\n**Present:** Ann Member, Bo Member and Cy Member  \n"
        "**Regrets:** Di Member\n**Guests:** Ed Visitor; Flo Visitor\n\n"
        "Decision: ship the thing\n"
    )
    minutes = parse_minutes(text, "2026-10-15.md")
    assert [a.name for a in minutes.other_attendees] == ["Ann Member", "Bo Member", "Cy Member"]
    assert minutes.absentees == (Attendee("Di Member"),)
    assert minutes.community_attendees == (Attendee("Ed Visitor"), Attendee("Flo Visitor"))
    assert minutes.decisions == ("ship the thing",)


def test_bold_lines_act_as_headings():
    text = (
        "# 2026-10-29\n\n**Members present:**\n\n- Ann Member\n- Bo Member\n\n"
        "**Board**\n\n- Cat Board\n\nDiscussed policy for adding new members:\n\n- not a person\n"
    )
    minutes = parse_minutes(text, "2026-10-29.md")
    assert minutes.member_attendees == (Attendee("Ann Member"), Attendee("Bo Member"))
    assert minutes.board_attendees == (Attendee("Cat Board"),)


def test_attendance_table_with_roles():
    text = (
        "# Meeting 2026-11-12\n\n## Attendance\n\n| Name | Role |\n|---|---|\n"
        "| Ann Member | ALESCo member |\n| Cat Board | Board |\n| Ed Visitor | Community |\n"
        "| Di Member | Absent |\n"
    )
    minutes = parse_minutes(text, "2026-11-12.md")
    assert minutes.member_attendees == (Attendee("Ann Member"),)
    assert minutes.board_attendees == (Attendee("Cat Board"),)
    assert minutes.community_attendees == (Attendee("Ed Visitor"),)
    assert minutes.absentees == (Attendee("Di Member"),)


@dataclass
class Probe:
    """What a file of an unseen layout must yield; every field is checked."""

    members: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    board: list[str] = field(default_factory=list)
    community: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    recorder: str | None = None
    prs: list[int] = field(default_factory=list)
    meeting_date: date | None = date(2026, 9, 24)
    warnings: list[str] = field(default_factory=list)


UNSEEN_LAYOUTS = [
    pytest.param(
        "\ufeff---\r\ndate: 2026-09-24\r\n---\r\n\r\n## Attendees\r\n\r\n- Ann Member\r\n"
        "- Bo Member\r\n\r\n## Decisions\r\n\r\n1. Ship it\r\n",
        Probe(other=["Ann Member", "Bo Member"], decisions=["Ship it"]),
        id="bom-and-crlf-front-matter",
    ),
    pytest.param(
        "# Sync 2026-09-24\r## Attendees\r- Ann Member\r",
        Probe(other=["Ann Member"]),
        id="bare-cr-line-ends",
    ),
    pytest.param(
        "---\ndate: 2026-09-24\n---",
        Probe(warnings=["no attendance section found"]),
        id="front-matter-alone-without-final-newline",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n### Resolved\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-resolved",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Agreed\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-agreed",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Outcomes\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-outcomes",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Resolutions\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-resolutions",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Votes\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-votes",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n**Decisions**\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-bold-decisions",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n**Decisions:**\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-under-bold-decisions-colon",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Board Resolutions\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="board-resolutions-are-decisions-not-board-attendees",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n**Attendees**\n\n- Ann Member\n\n**Decisions:**\n\n- Adopt RFC 4\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="bold-attendees-pseudo-heading-is-an-attendance-section",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n**Attendees:**\n\n**Decisions**\n\n## Notes\n\n- Agreed: in passing\n",
        Probe(),  # the empty decisions section stands, so "Agreed:" in the notes is no decision
        id="empty-bold-sections-still-count",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendance\n- Members\n  - Maria Kowalski (@mkowalski)\n"
        "  - Tran Nguyen\n- Guests\n  - Bob Guest\n- Apologies\n  - John Smith\n",
        Probe(
            members=["Maria Kowalski", "Tran Nguyen"],
            absent=["John Smith"],
            community=["Bob Guest"],
        ),
        id="nested-attendance-role-items-head-their-sub-items",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n**Attendance**\n\n1. **Board:**\n   1. Cat Board\n"
        "2. Unable to attend\n3. ALESCo members:\n   - Ann Member\n4. Dan Board\n",
        Probe(members=["Ann Member"], board=["Cat Board"], other=["Dan Board"]),
        id="nested-attendance-under-bold-heading-with-colons-and-an-empty-group",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n- Ann Member\n  - left early\n- Bob Guest\n"
        "  - first visit\n\n## Notes\n"
        "- Board update\n  - Alex reported the budget\n\n## Decisions\n"
        "- Welcome new members\n  - Unanimous\n",
        Probe(other=["Ann Member", "Bob Guest"], decisions=["Welcome new members"]),
        id="sub-items-outside-attendance-or-under-a-person-are-no-attendees",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Members\n- Present: Ann Member, Bo Member\n"
        "- Regrets: Di Member\n- Guests: none\n",
        Probe(members=["Ann Member", "Bo Member"], absent=["Di Member"]),
        id="labelled-items-in-an-attendance-list",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendance\n\n| Member | Present |\n|---|---|\n"
        "| Ann Member | yes |\n| Tran Nguyen | no |\n| Bo Member | ✓ |\n| Di Member | ✗ |\n"
        "| Ed Member | **N** |\n| Flo Member | |\n",
        Probe(
            other=["Ann Member", "Bo Member", "Flo Member"],
            absent=["Tran Nguyen", "Di Member", "Ed Member"],
        ),
        id="table-with-a-yes-no-present-column",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendance\n\n| Name | Role | Attended |\n|---|---|---|\n"
        "| Ann Member | Member | x |\n| Cat Board | Board | apologies |\n"
        "| Ed Visitor | Guest | [x] |\n| Di Member | Member | [ ] |\n",
        Probe(members=["Ann Member"], community=["Ed Visitor"], absent=["Cat Board", "Di Member"]),
        id="table-with-roles-and-an-attended-column",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Members\n\n| Name | Attendance status |\n|---|---|\n"
        "| Ann Member | present |\n| Di Member | excused |\n| Bo Member | No |\n",
        Probe(members=["Ann Member"], absent=["Di Member", "Bo Member"]),
        id="table-with-a-status-column-of-yes-no-marks",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Decisions\n\n- Adopt RFC 4\n\n"
        "Related: probe/rfcs#4\nSee also the [tracking issue](https://example.org/4)\n"
        "[RFC 4](https://github.com/AlmaLinux/ALESCo/pull/4)\nhttps://example.org/vote\n\n"
        "Vote was unanimous.\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4", "Vote was unanimous."], prs=[4]),
        id="labelled-and-link-lines-after-a-decisions-list-are-no-decisions",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Decisions\n\n"
        "RFC 4: adopted\nThe [RFC 5](https://example.org/5) draft was withdrawn\n",
        Probe(
            other=["Ann Member"],
            decisions=["RFC 4: adopted", "The RFC 5 draft was withdrawn"],
        ),
        id="labelled-lines-are-decisions-when-the-section-has-no-list",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Outcomes\n\n"
        "- **Decision:** Adopt RFC 4\n- Resolved: close RFC 5\n- **Agreed**: meet weekly\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4", "close RFC 5", "meet weekly"]),
        id="decision-prefix-is-stripped-under-a-decisions-heading-too",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Decisions\n\n"
        "| Topic | Decision | Vote |\n|---|---|---|\n"
        "| [#9](https://github.com/AlmaLinux/ALESCo/pull/9) | Drop i686 goes to discussion | 3-0 |\n"
        "| Budget | Approve the [budget](https://github.com/AlmaLinux/ALESCo/pull/10) | 4-0 |\n",
        Probe(
            other=["Ann Member"],
            decisions=["Drop i686 goes to discussion", "Approve the budget"],
            prs=[9, 10],
        ),
        id="decisions-table-serves-its-decision-column",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Votes\n\n"
        "| RFC | Outcome |\n|---|---|\n| RFC 4 | Adopted |\n",
        Probe(other=["Ann Member"], decisions=["Adopted"]),
        id="decisions-table-outcome-column",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Decisions\n\n"
        "| Item | Vote |\n|---|---|\n| Adopt RFC 4 | 3-0 |\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4"]),
        id="decisions-table-without-a-decision-column-serves-its-first",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\nMeeting summary\n---------------\n* Init  (ngompa, 17:00:03)\n\n"
        "People Present (lines said)\n---------------------------\n* ngompa (45)\n"
        "* zodbot (6)\n* dcavalca (12)\n* centbot (2)\n\n\n\nGenerated by `MeetBot`_ 0.4\n\n"
        ".. _`MeetBot`: https://wiki.debian.org/MeetBot\n",
        Probe(other=["ngompa", "dcavalca"]),
        id="meetbot-people-present-without-bots-or-footer",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n- Bo Member\n\n"
        "Discussed the RFC and #7.\nThe board was briefed on the budget\n"
        "See github.com/probe/rfcs/pull/14\n\n"
        "## Regrets\n\n- None received\n- (none)\n",
        Probe(other=["Ann Member", "Bo Member"]),
        id="prose-and-none-received-are-no-people",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- benny Vasquez\n- Ludwig van Beethoven\n"
        "- J. R. R. Tolkien Jr.\n- Neal Gompa, joined late.\n- Ann Member (left early)\n"
        "- dependabot\n- Abbot\n- @mkowalski\n",
        Probe(
            other=[
                "benny Vasquez",
                "Ludwig van Beethoven",
                "J. R. R. Tolkien Jr.",
                "Neal Gompa, joined late.",
                "Ann Member",
                "dependabot",
                "Abbot",
                "@mkowalski",
            ]
        ),
        id="names-like-sentences-or-bots-stay-people",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Neal Gompa<br>Velocity Limitless\n"
        "- Bo Member  \n  Example Org\n- Cy Member<br/>\n\n## Decisions\n\n- A<br>B\n",
        Probe(other=["Neal Gompa", "Bo Member", "Cy Member"], decisions=["A B"]),
        id="br-ends-a-name-and-separates-words-of-a-decision",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Decisions\n\n"
        "The council decided to approve RFC 5\nwith the amendment that mirrors keep 3 releases.\n\n"
        "Mirrors of RFC 6, 7 and\nRFC 8 are dropped.\n\nThe RFC 9 vote waits.\n",
        Probe(
            other=["Ann Member"],
            decisions=[
                "The council decided to approve RFC 5 with the amendment that mirrors keep 3 "
                "releases.",
                "Mirrors of RFC 6, 7 and RFC 8 are dropped.",
                "The RFC 9 vote waits.",
            ],
        ),
        id="a-wrapped-paragraph-is-one-decision",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n  left early\n\n## Decisions\n\n"
        "- Adopt RFC 4\n\n  with the amendment that mirrors keep 3 releases.\n- Close RFC 5\n",
        Probe(
            other=["Ann Member"],
            decisions=[
                "Adopt RFC 4 with the amendment that mirrors keep 3 releases.",
                "Close RFC 5",
            ],
        ),
        id="a-decision-items-second-paragraph-is-part-of-it",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\nMeeting summary\n---------------\n* Init  (ngompa, 17:00:03)\n"
        "* RFC 5 retention  (ngompa, 17:03:10)\n"
        "  * AGREED: RFC 5 moves to final comment period (+4, 0, -0)  (ngompa, 17:10:09)\n"
        "  * ACTION: ngompa to announce the FCP  (ngompa, 17:11:00)\n"
        "* #agreed Mirror retention is approved (+5, 0, -0)\n* #action dcavalca to update mirrors\n\n"
        "People Present (lines said)\n---------------------------\n* ngompa (45)\n",
        Probe(
            other=["ngompa"],
            decisions=[
                "RFC 5 moves to final comment period (+4, 0, -0)",
                "Mirror retention is approved (+5, 0, -0)",
            ],
        ),
        id="meetbot-agreed-lines-are-decisions-and-actions-are-not",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n**Attendees:** Ann Member\n\n**Decisions/AIs:**\n\n"
        "- Adopt RFC 4\n- AI(neal): write the announcement\n- ACTION: Bo to update the wiki\n"
        "- AI - Cy to book the room\n- #action Di to vote\n- Aim for a release in May\n",
        Probe(other=["Ann Member"], decisions=["Adopt RFC 4", "Aim for a release in May"]),
        id="action-items-under-decisions-and-ais-are-no-decisions",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n"
        "<details><summary>Apologies</summary>\n\n- Hiroshi Tanaka\n\n</details>\n\n- Bo Member\n",
        Probe(other=["Ann Member", "Bo Member"], absent=["Hiroshi Tanaka"]),
        id="details-summary-heads-what-the-details-hold",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n"
        "<details><summary><b>Apologies</b></summary> - Hiroshi Tanaka </details>\n",
        Probe(other=["Ann Member"], absent=["Hiroshi Tanaka"]),
        id="details-summary-on-one-line",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n<h2>Attendees</h2>\n\n- Ann Member\n\n<h3>Regrets</h3>\n\n"
        "- Di Member\n",
        Probe(other=["Ann Member"], absent=["Di Member"]),
        id="html-headings-are-headings",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\nWho was there 👥:\n---\n\n- Ann Member\n\n"
        "## Who attended from the board\n\n- Cat Board\n",
        Probe(other=["Ann Member"], board=["Cat Board"]),
        id="who-was-there-is-attendance",
    ),
    *(
        pytest.param(
            f"# Sync 2026-09-24\n\n{line}\n\n## Attendees\n\n- Ann Member\n",
            Probe(other=["Ann Member"], recorder=recorder),
            id=rule,
        )
        for line, recorder, rule in [
            ("Notes taken by @mkowalski", "mkowalski", "recorder-notes-taken-by-login"),
            ("Notes by Maria Kowalski.", "Maria Kowalski", "recorder-notes-by"),
            ("Minutes by Tran Nguyen", "Tran Nguyen", "recorder-minutes-by"),
            ("Minute taker: @tnguyen", "tnguyen", "recorder-minute-taker-label"),
            ("Minutes: Maria Kowalski", "Maria Kowalski", "recorder-minutes-label"),
            ("Minutes: approved as circulated last week", None, "minutes-label-with-a-sentence"),
            ("Minutes: https://example.org/2026-09-24", None, "minutes-label-with-a-link"),
            ("Notes: the room was booked late", None, "notes-label-names-no-recorder"),
        ]
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- Ann Member\n\n## Notes\n\n"
        "- Discussed <https://github.com/AlmaLinux/ALESCo/issues/4> and\n"
        "  [RFC 7](https://github.com/AlmaLinux/ALESCo/issues/7#issuecomment-1)\n"
        "- Not ours: https://github.com/probe/rfcs/issues/9\n",
        Probe(other=["Ann Member"], prs=[4, 7]),
        id="issue-links-count-as-pull-requests",
    ),
    pytest.param(
        "# Sync 2026-09-24\n\n## Attendees\n\n- @mkowalski\n- **@bmember**\n\n"
        "| Name | Role |\n|---|---|\n| @tnguyen | Member |\n\n**Regrets:** @jsmith and @dmember\n",
        Probe(
            members=["@tnguyen"], other=["@mkowalski", "@bmember"], absent=["@jsmith", "@dmember"]
        ),
        id="at-logins-pass-through-for-the-roster",  # committee.py matches names to the roster
    ),
]


@pytest.mark.parametrize(("text", "expected"), UNSEEN_LAYOUTS)
def test_unseen_layouts(text, expected):
    minutes = parse_minutes(text, "minutes/weekly.md")
    assert [a.name for a in minutes.member_attendees] == expected.members
    assert [a.name for a in minutes.absentees] == expected.absent
    assert [a.name for a in minutes.board_attendees] == expected.board
    assert [a.name for a in minutes.community_attendees] == expected.community
    assert [a.name for a in minutes.other_attendees] == expected.other
    assert list(minutes.decisions) == expected.decisions
    assert minutes.recorder == expected.recorder
    assert [link.number for link in minutes.pull_links if link.repo == ALESCO] == expected.prs
    assert minutes.date == expected.meeting_date
    assert list(minutes.warnings) == expected.warnings


PROBE = "probe/sc-rfcs"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "- Discussed ([PR][mr])\n\n[mr]: https://github.com/probe/sc-rfcs/pull/5\n",
            [5],
            id="reference-style-link",
        ),
        pytest.param(
            "1. [RFC: Drop i686][1]\n\n[1]: https://github.com/probe/sc-rfcs/pull/9 'RFC'\n",
            [9],
            id="numbered-reference-with-a-title",
        ),
        pytest.param(
            "[unused]: https://github.com/probe/sc-rfcs/pull/3\n", [3], id="unused-reference"
        ),
        pytest.param("See https://www.github.com/probe/sc-rfcs/pull/12\n", [12], id="www"),
        pytest.param("See github.com/probe/sc-rfcs/pull/14.\n", [14], id="scheme-less"),
        pytest.param("See www.github.com/probe/sc-rfcs/issues/15\n", [15], id="scheme-less-www"),
        pytest.param("See notgithub.com/probe/sc-rfcs/pull/16\n", [], id="other-host"),
        # int() refuses more than 4,300 digits; PR numbers fit 32 bits; digits are ASCII.
        pytest.param(f"See {PROBE}#{'9' * 5000}\n", [], id="5000-digits"),
        pytest.param(f"github.com/{PROBE}/pull/{'9' * 5000}\n", [], id="5000-digit-url"),
        pytest.param(f"{PROBE}#2147483648 {PROBE}#2147483647", [2**31 - 1], id="int32"),
        pytest.param(f"github.com/{PROBE}/pull/12345678901", [], id="not-a-prefix-of-a-run"),
        pytest.param(f"See {PROBE}#\u0661\u0662\n", [], id="arabic-indic-digits"),
    ],
)
def test_pull_request_links(text, expected):
    minutes = parse_minutes(f"# SC 2026-09-24\n\n{text}", "notes.md")
    assert minutes.pull_links == tuple(PullLink(PROBE, number) for number in expected)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("# ALESCo Meeting, 16 April 2025", date(2025, 4, 16)),
        ("# ALESCo Meeting: April 16th, 2025", date(2025, 4, 16)),
        ("# ALESCo Meeting (2025-04-16)", date(2025, 4, 16)),
        pytest.param(
            "# Probe SC Meeting Notes - Nov 12th, 2026", date(2026, 11, 12), id="abbreviated-month"
        ),
        pytest.param("# SC meeting, Sept 9, 2026", date(2026, 9, 9), id="sept-abbreviation"),
        pytest.param("# SC meeting, 9 Sept. 2026", date(2026, 9, 9), id="day-first-abbr-dot"),
        pytest.param(
            "# Probe SC — Dec 3rd, 2026", date(2026, 12, 3), id="abbreviated-month-with-ordinal"
        ),
        pytest.param(
            "# Steering Council update — 2026/10/07", date(2026, 10, 7), id="year-first-slashes"
        ),
        pytest.param(
            "# Steering Committee Minutes 19.11.2026", date(2026, 11, 19), id="day-first-dots"
        ),
        pytest.param(
            "# SC 2026-02-30, moved to 2026-03-01", date(2026, 3, 1), id="first-valid-date-wins"
        ),
        pytest.param("# SC 13/04/2026", date(2026, 4, 13), id="slashes-day-above-12-first"),
        pytest.param("# SC 04/13/2026", date(2026, 4, 13), id="slashes-day-above-12-second"),
        pytest.param("# SC 03/04/2026", None, id="slashes-ambiguous-day-and-month"),
        pytest.param("# SC release v1.2.2026", None, id="version-is-no-date"),
        pytest.param(
            "# Probe SC minutes\n\n## 2026-12-03",
            date(2026, 12, 3),
            id="date-only-in-a-level-2-heading",
        ),
        pytest.param(
            "# SC 2026-12-03\n\n## 2026-12-10",
            date(2026, 12, 3),
            id="title-date-before-heading-dates",
        ),
    ],
)
def test_dates_in_titles(title, expected):
    assert parse_minutes(f"{title}\n", "notes.md").date == expected


def test_title_and_file_name_disagree():
    minutes = parse_minutes("# ALESCo Meeting Minutes (2024-07-24)\n", "2024-09-04.md")
    assert minutes.date == date(2024, 9, 4)
    assert minutes.warnings == (
        "title says 2024-07-24, file name says 2024-09-04; using the name",
        "no attendance section found",
    )


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01 binary junk", "```\nunclosed code", "<table><tr><td>html</td></tr>", "# \n\n-"],
)
def test_unreadable_files_give_warnings_not_errors(text):
    minutes = parse_minutes(text, "notes.md")
    assert minutes.date is None
    assert "no meeting date in the file name or title" in minutes.warnings
    assert "no attendance section found" in minutes.warnings


@pytest.mark.parametrize(
    ("name", "expected"),
    [("2025-04-16.md", True), ("index.md", False), ("README.md", False), ("notes.txt", False)],
)
def test_is_minutes_file(name, expected):
    assert is_minutes_file(name) is expected
