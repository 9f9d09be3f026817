"""Tests of api/params.py: query strings to typed queries, and errors naming the parameter."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from alesco.domain.lifecycle import Stage
from alesco.read.cursor import Cursor
from alesco.read.queries import KindFilter, SortOrder, StateFilter
from api.formats.problems import BadParameter
from api.params import parse_number, parse_proposal_query


def parse(query: str):
    return parse_proposal_query(QueryParams(query))


def test_defaults():
    query = parse("")
    assert query.effective_state == StateFilter.OPEN
    assert query.kind == KindFilter.RFC
    assert query.sort == SortOrder.UPDATED_DESC
    assert query.limit == 30
    assert query.stages == frozenset()


def test_every_filter():
    cursor = Cursor("created", ("2025-01-01T00:00:00Z", "a/b", 3)).encode()
    query = parse(
        f"state=closed&stage=accepted&stage=rejected,withdrawn&kind=all&repo=AlmaLinux/ALESCo"
        f"&q=kernel&sort=created&limit=5&cursor={cursor}"
    )
    assert query.state == StateFilter.CLOSED
    assert query.stages == {Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN}
    assert query.kind == KindFilter.ALL
    assert query.repo == "AlmaLinux/ALESCo"
    assert query.search == "kernel"
    assert query.sort == SortOrder.CREATED
    assert query.limit == 5
    assert query.after == Cursor.decode(cursor, 3)


def test_stage_without_state_searches_all_states():
    assert parse("stage=accepted").effective_state == StateFilter.ALL
    assert parse("stage=accepted&state=open").effective_state == StateFilter.OPEN


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("state=opne", "state"),
        ("state=open&state=closed", "state"),
        ("stage=voting", "stage"),
        ("kind=issue", "kind"),
        ("repo=no-slash", "repo"),
        ("sort=popularity", "sort"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=garbage", "cursor"),
        (f"sort=number&cursor={Cursor('-updated', ('x', 'a/b', 1)).encode()}", "cursor"),
        ("stat=open", "stat"),
        ("q=" + "x" * 201, "q"),
        ("pretty=maybe", "pretty"),
    ],
)
def test_bad_parameters_are_named(query, parameter):
    with pytest.raises(BadParameter) as error:
        parse(query)
    assert error.value.parameter == parameter


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "9999999999"])
def test_bad_numbers(raw):
    with pytest.raises(BadParameter):
        parse_number(raw)
