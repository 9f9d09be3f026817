"""Tests of alesco/upstream/roster.py: the bundled roster, and errors reported at file and line."""

from __future__ import annotations

from datetime import date

import pytest

from alesco.upstream.roster import RosterError, bundled_roster_text, parse_roster


def test_bundled_roster_is_the_real_committee():
    members = parse_roster(bundled_roster_text(), "roster.yaml")
    today = date(2026, 11, 21)
    assert [m.name for m in members if m.is_current(today)] == [
        "Andrew Lukoshko",
        "Ben Thomas",
        "Jonathan Wright",
        "Neal Gompa",
        "Lance Albertson",
    ]
    assert [m.name for m in members if m.is_chair(today)] == ["Jonathan Wright"]
    assert [m.name for m in members if m.is_chair(date(2025, 1, 1))] == ["Cody Robertson"]
    assert [m.name for m in members if m.is_chair(date(2026, 3, 12))] == ["Andrew Lukoshko"]
    cody = next(m for m in members if m.github == "codyro")
    assert (cody.is_current(date(2026, 3, 11)), cody.is_current(date(2026, 3, 12))) == (True, False)
    assert cody.avatar_url == "https://github.com/codyro.png"


BROKEN = """\
members:
  - name: Ann
    github: ann
    joined: 2024-05-08
  - name: Bo
    github: -bad-
    joined: not-a-date
    colour: red
    chair_terms:
      - {from: 2025-01-01, to: 2024-01-01}
"""


def test_every_problem_is_reported_with_its_line():
    with pytest.raises(RosterError) as error:
        parse_roster(BROKEN, "roster.yaml")
    assert sorted(error.value.problems) == sorted(
        [
            "roster.yaml:6: members[1].github: String should match pattern "
            "'^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$'",
            "roster.yaml:7: members[1].joined: Input should be a valid date or datetime, "
            "invalid character in year",
            "roster.yaml:8: members[1].colour: Extra inputs are not permitted",
            "roster.yaml:10: members[1].chair_terms[0]: a chair term cannot end before it starts",
        ]
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("members: [", "roster.yaml:1: not valid YAML"),
        ("- just\n- a list of strings\n", "roster.yaml:1: members[0]"),
        ("42", "roster.yaml:1: expected a mapping with a `members` list"),
        ("members:\n  - name: A\n  - name: a\n", "roster.yaml:1: name 'a' appears twice"),
        (
            "members:\n  - name: A\n    joined: 2025-01-02\n    left: 2025-01-01\n",
            "roster.yaml:2: members[0]: left is before joined",
        ),
        ("members:\n  - github: nameless\n", "roster.yaml:2: members[0].name: Field required"),
        (
            "members:\n  - name: A\n    joined: 2026-13-45\n",
            "roster.yaml:3: members[0].joined: Input should be a valid date",
        ),
        (
            "members:\n  - name: A\n    chair_terms: [{from: 2026-02-30}]\n",
            "roster.yaml:3: members[0].chair_terms[0].from: Input should be a valid date",
        ),
    ],
)
def test_invalid_rosters(text, problem):
    with pytest.raises(RosterError) as error:
        parse_roster(text, "roster.yaml")
    assert any(p.startswith(problem) for p in error.value.problems), error.value.problems


def test_a_bare_list_is_accepted():
    (member,) = parse_roster("- name: Ann\n  aliases: [Annie]\n", "r.yaml")
    assert member.names == ("Ann", "Annie")
