"""Tests of alesco/domain/supersession.py: phrases that make a later PR replace an earlier one."""

from __future__ import annotations

import pytest

from alesco.domain.supersession import find_replaced_numbers, resolve_supersessions
from tests.factories import pull

REPO = "AlmaLinux/ALESCo"


@pytest.mark.parametrize(
    ("body", "numbers"),
    [
        pytest.param("Supersedes #15", [15], id="supersedes"),
        pytest.param("This RFC replaces #15.", [15], id="replaces-in-a-sentence"),
        pytest.param("replaces: #3, #4 and #5", [3, 4, 5], id="list"),
        pytest.param("Replaces PR #7 and PR #8", [7, 8], id="pr-word"),
        pytest.param("Supersedes AlmaLinux/ALESCo#15", [15], id="qualified-same-repo"),
        pytest.param("supersedes https://github.com/AlmaLinux/ALESCo/pull/15", [15], id="url"),
        pytest.param("SUPERSEDES\n#10", [10], id="newline-and-case"),
        pytest.param("Replaces other/repo#3", [], id="other-repo-ignored"),
        pytest.param("replace #4 later", [], id="verb-must-be-third-person"),
        pytest.param("See #15; it replaces nothing", [], id="mention-is-not-replacement"),
        pytest.param("supersedes #12abc", [], id="not-a-number"),
        pytest.param(None, [], id="no-body"),
        # Anyone can write a PR body: int() of it must neither raise nor overflow a column.
        pytest.param("Supersedes #" + "9" * 5000, [], id="5000-digits-past-int-str-limit"),
        pytest.param("Supersedes #2147483648 and #3", [3], id="past-int32-skipped"),
        pytest.param("Supersedes #2147483647", [2147483647], id="largest-int32"),
        pytest.param("Supersedes #\u0661\u0662", [], id="arabic-indic-digits-are-no-number"),
    ],
)
def test_find_replaced_numbers(body, numbers):
    assert find_replaced_numbers(body, REPO) == numbers


def test_only_later_prs_supersede_existing_ones():
    earlier = pull(15, created=0, closed=10)
    later = pull(18, created=5, body="Replaces #15 and #99")
    self_ref = pull(20, created=6, body="supersedes #20")
    backwards = pull(3, created=-5, body="supersedes #15")
    replaced_by, replaces = resolve_supersessions([earlier, later, self_ref, backwards], REPO)
    assert [ref.by_number for ref in replaced_by[15]] == [18]
    assert replaces == {18: [15]}
    assert 20 not in replaced_by


def test_same_creation_time_falls_back_to_the_pr_number():
    """Servers that stamp every PR alike still order them: numbers are opening order."""
    earlier = pull(3, created=0, closed=1)
    later = pull(4, created=0, body="replaces #3")
    claims_backwards = pull(2, created=0, body="replaces #3")
    replaced_by, _ = resolve_supersessions([earlier, later, claims_backwards], REPO)
    assert [ref.by_number for ref in replaced_by[3]] == [4]
