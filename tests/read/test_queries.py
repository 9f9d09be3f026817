"""Tests of alesco/read/queries.py: filters, sort orders and keyset pages over the index."""

from __future__ import annotations

import pytest

from alesco.domain.lifecycle import Stage
from alesco.read.queries import (
    KindFilter,
    ProposalIndex,
    ProposalQuery,
    SortOrder,
    StateFilter,
    list_proposals,
)
from alesco.upstream.rfc_document import RfcDocument
from tests.factories import event, facts, pull, stored

REPO = "AlmaLinux/ALESCo"
OTHER_REPO = "AlmaLinux/other"


@pytest.fixture
def proposals():
    kernel_doc = RfcDocument(
        "rfcs/0007-k.md",
        "RFC: Signed kernels",
        "0007",
        (),
        None,
        None,
        None,
        "Ship Secure Boot signed alternative kernels.",
    )
    rows = stored(
        REPO,
        facts(pull(1, "RFC: Alpha", created=1, updated=20)),
        facts(
            pull(2, "RFC: Beta 100%", labels=("accepted for discussion",), created=2, updated=19)
        ),
        facts(pull(3, "RFC: Gamma", labels=("vote at next meeting",), created=3, updated=18)),
        facts(pull(4, "RFC: Delta", created=4, merged=10)),
        facts(pull(5, "RFC: Epsilon", created=5, closed=11), (event("closed", 11, actor="alice"),)),
        facts(pull(6, "Fix typo", created=6, updated=17)),
        facts(
            pull(7, "Proposal with file", created=7, updated=16),
            added=("rfcs/0007-k.md",),
            document=kernel_doc,
        ),
    ) + stored(OTHER_REPO, facts(pull(1, "RFC: Elsewhere", created=8, updated=15)))
    return ProposalIndex(proposal for proposal, _ in rows)


def numbers(index, **fields) -> list[tuple[str, int]]:
    page = list_proposals(index, ProposalQuery(**fields))
    return [(p.repo.split("/")[1], p.number) for p in page.items]


def test_default_is_open_rfcs_by_latest_activity(proposals):
    assert numbers(proposals) == [
        ("ALESCo", 1),
        ("ALESCo", 2),
        ("ALESCo", 3),
        ("ALESCo", 7),
        ("other", 1),
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"state": StateFilter.CLOSED}, {4, 5}, id="closed"),
        pytest.param({"state": StateFilter.ALL, "repo": REPO}, {1, 2, 3, 4, 5, 7}, id="all"),
        pytest.param({"stages": frozenset({Stage.FCP})}, {3}, id="stage-fcp"),
        pytest.param(
            {"stages": frozenset({Stage.ACCEPTED, Stage.WITHDRAWN})},
            {4, 5},
            id="outcome-stages-search-all-states",
        ),
        pytest.param({"kind": KindFilter.OTHER}, {6}, id="kind-other"),
        pytest.param({"kind": KindFilter.ALL, "repo": REPO}, {1, 2, 3, 6, 7}, id="kind-all"),
        pytest.param({"search": "SECURE boot"}, {7}, id="search-abstract-words-and"),
        pytest.param({"search": "beta"}, {2}, id="search-title"),
        pytest.param({"search": "100%"}, {2}, id="search-wildcards-are-literal"),
        pytest.param({"search": "#3"}, {3}, id="search-number"),
        pytest.param({"search": "0007"}, {7}, id="search-rfc-number"),
        pytest.param({"repo": "almalinux/OTHER"}, {1}, id="repo-case-insensitive"),
    ],
)
def test_filters(proposals, fields, expected):
    assert {number for _, number in numbers(proposals, **fields)} == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (SortOrder.NUMBER, [1, 2, 3, 4, 5, 7]),
        (SortOrder.NUMBER_DESC, [7, 5, 4, 3, 2, 1]),
        (SortOrder.CREATED, [1, 2, 3, 4, 5, 7]),
        (SortOrder.CREATED_DESC, [7, 5, 4, 3, 2, 1]),
        (SortOrder.UPDATED, [4, 5, 7, 3, 2, 1]),
        (SortOrder.UPDATED_DESC, [1, 2, 3, 7, 5, 4]),
    ],
)
def test_sort_orders(proposals, sort, expected):
    got = numbers(proposals, state=StateFilter.ALL, repo=REPO, sort=sort)
    assert [number for _, number in got] == expected


@pytest.mark.parametrize("sort", list(SortOrder))
def test_pages_cover_everything_once(proposals, sort):
    seen, cursor, totals = [], None, set()
    while True:
        page = list_proposals(
            proposals,
            ProposalQuery(
                state=StateFilter.ALL, kind=KindFilter.ALL, sort=sort, limit=3, after=cursor
            ),
        )
        seen += [(p.repo, p.number) for p in page.items]
        totals.add(page.total)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert totals == {8}
    assert len(seen) == 8
    assert len(set(seen)) == 8


def test_ties_page_cleanly():
    """Many proposals updated at the same instant still page without loss or repeats."""
    index = ProposalIndex(
        p for p, _ in stored(REPO, *(facts(pull(n, updated=5)) for n in range(1, 12)))
    )
    seen, cursor = [], None
    while True:
        page = list_proposals(index, ProposalQuery(limit=4, after=cursor))
        seen += [p.number for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == list(range(1, 12))
    assert len(seen) == 11
