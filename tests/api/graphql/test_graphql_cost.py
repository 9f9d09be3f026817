"""The static cost of GraphQL operations (`api.graphql.cost`): one case per rule, on the
real schema, and introspection counted exactly."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import (
    GraphQLList,
    build_schema,
    get_introspection_query,
    get_nullable_type,
    graphql_sync,
    parse,
)

from alesco.read.queries import DEFAULT_LIMIT
from api.graphql.cost import DEFAULT_LIST_SIZE, LIST_SIZES, MAX_REPORTED_COST, PAGE_SIZED
from api.graphql.cost import operation_cost as cost_of
from api.graphql.schema import schema

SCHEMA = schema._schema


def cost(query: str, variables: dict[str, Any] | None = None) -> int | None:
    return cost_of(SCHEMA, parse(query), None, variables)


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        pytest.param("{ status { dataVersion } }", None, 2, id="a-field-is-one"),
        pytest.param(
            "{ status { sources { warnings } } }", None, 1 + 1 + 4 * (1 + 1 + 10), id="scalar-lists"
        ),
        pytest.param("{ meetings(first: 3) { id } }", None, 1 + 3 * 2, id="first-sizes-a-list"),
        pytest.param("{ meetings { id } }", None, 1 + DEFAULT_LIMIT * 2, id="first-by-default"),
        pytest.param("{ meetings(first: -5) { id } }", None, 1, id="first-never-negative"),
        pytest.param(
            "{ proposals(first: 5) { totalCount edges { node { number } } } }",
            None,
            1 + 1 + (1 + 5 * (1 + 1 + 1)),
            id="edges-sized-by-the-connection-first",
        ),
        pytest.param("{ members { name } }", None, 1 + 30 * 2, id="estimated-list"),
        pytest.param(
            "{ meetings(first: 2) { attendees { name } } }",
            None,
            1 + 2 * (1 + 1 + 15 * 2),
            id="nested-lists-multiply",
        ),
        pytest.param(
            "{ a: status { dataVersion } b: status { dataVersion } }", None, 4, id="each-alias"
        ),
        pytest.param(
            "{ meetings(first: 2) { ...M } } fragment M on Meeting { id title }",
            None,
            1 + 2 * (1 + 2),
            id="named-fragment-as-written",
        ),
        pytest.param(
            "{ meetings(first: 2) { ...M ...M } } fragment M on Meeting { id }",
            None,
            1 + 2 * (1 + 2),
            id="a-fragment-each-time-it-is-spread",
        ),
        pytest.param(
            "{ meetings(first: 2) { ... on Meeting { id title } } }",
            None,
            1 + 2 * (1 + 2),
            id="inline-fragment-as-written",
        ),
        pytest.param(
            "query($n: Int!) { meetings(first: $n) { id } }", {"n": 7}, 1 + 7 * 2, id="variable"
        ),
        pytest.param(
            "query($n: Int = 9) { meetings(first: $n) { id } }",
            {},
            1 + 9 * 2,
            id="variable-default",
        ),
        pytest.param(
            "query($s: Boolean!) { status { dataVersion } meetings @skip(if: $s) { id } }",
            {"s": True},
            2,
            id="skip",
        ),
        pytest.param(
            "{ status { dataVersion @include(if: false) dataChangedAt } }", None, 2, id="include"
        ),
        pytest.param("{ __typename status { __typename } }", None, 3, id="typename"),
        pytest.param(
            '{ __type(name: "Status") { name fields { name } } }',
            None,
            1 + 1 + (1 + 3 * 2),
            id="introspection-exact",
        ),
        pytest.param('{ __type(name: "Nope") { name } }', None, 1, id="introspection-null"),
    ],
)
def test_cost(query, variables, expected):
    assert cost(query, variables) == expected


@pytest.mark.parametrize("variables", [{}, {"n": "x"}, {"n": 2**40}])
def test_invalid_variables_cost_nothing_as_nothing_runs(variables):
    assert cost("query($n: Int!) { meetings(first: $n) { id } }", variables) is None


def test_a_list_without_an_estimate_gets_the_default():
    unlisted = build_schema("type Query { things: [Thing!]! } type Thing { name: String }")
    assert cost_of(unlisted, parse("{ things { name } }"), None, None) == 1 + DEFAULT_LIST_SIZE * 2


def test_every_estimate_names_a_list_of_the_schema():
    for key in [*LIST_SIZES, *PAGE_SIZED]:
        type_name, field_name = key.split(".")
        field = SCHEMA.get_type(type_name).fields[field_name]  # type: ignore[union-attr]
        assert isinstance(get_nullable_type(field.type), GraphQLList), key
        assert "first" not in field.args, f"{key} takes first: its size needs no estimate"


def test_a_fragment_cycle_ends():
    query = (
        "{ meetings(first: 1) { ...A } } "
        "fragment A on Meeting { id ...B } fragment B on Meeting { title ...A }"
    )
    assert cost(query) == 1 + 1 * (1 + 1 + 1)


def test_fragments_spread_exponentially_are_costed_quickly():
    fragments = ["fragment F0 on Meeting { id }"] + [
        f"fragment F{level} on Meeting {{ {f' ...F{level - 1}' * 10} }}" for level in range(1, 60)
    ]
    started = time.perf_counter()
    assert cost("{ meetings { ...F59 } } " + " ".join(fragments)) == MAX_REPORTED_COST
    assert time.perf_counter() - started < 1


def count_values(value: Any) -> int:
    """The values of an answer as the cost counts them: each field, each list item."""

    def inner(item: Any) -> int:
        if isinstance(item, dict):
            return count_values(item)
        if isinstance(item, list):
            return sum(1 + (count_values(x) if isinstance(x, dict) else 0) for x in item)
        return 0

    return sum(1 + inner(item) for item in value.values())


NESTED_INTROSPECTION = (
    "{ __schema { types { name fields { name type { name ofType { name ofType { name "
    "fields { name args { name } } } } } } } } }"
)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(get_introspection_query(descriptions=True), id="graphiql-standard"),
        pytest.param(
            get_introspection_query(
                descriptions=True,
                specified_by_url=True,
                directive_is_repeatable=True,
                schema_description=True,
                input_value_deprecation=True,
            ),
            id="every-option",
        ),
        pytest.param(NESTED_INTROSPECTION, id="nested-through-types"),
    ],
)
def test_introspection_costs_exactly_its_answer(query):
    answer = graphql_sync(SCHEMA, query)
    assert answer.errors is None
    assert cost(query) == count_values(answer.data)


def test_introspection_types_resolve_on_the_schema_they_describe():
    """The exact count reads the schema: a larger one costs more."""
    small = build_schema("type Query { a: Int }")
    large = build_schema("type Query { " + " ".join(f"f{i}: Int" for i in range(50)) + " }")
    query = parse("{ __schema { types { fields { name } } } }")
    small_cost, large_cost = cost_of(small, query, None, None), cost_of(large, query, None, None)
    assert small_cost is not None
    assert large_cost is not None
    assert large_cost == small_cost + 49 * 2  # an item, and its name
