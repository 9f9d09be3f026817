"""Public GraphQL is bounded: depth, aliases, tokens and cost, each refused with a clear
error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import get_introspection_query, parse

from api.graphql.cost import operation_cost
from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, schema
from tests.api.conftest import client_for
from tests.conftest import make_settings


async def errors(client, query: str) -> list[str]:
    response = await client.post("/graphql", json={"query": query})
    body = response.json()
    return [error["message"] for error in body.get("errors", [])]


async def test_depth_limit(client, meetings):
    nested = "number"
    for _ in range(6):
        nested = f"discussedIn {{ proposalsDiscussed {{ {nested} }} }}"
    # An empty page keeps it within the cost budget: the depth limit is what refuses it.
    query = f"{{ proposals(first: 0) {{ edges {{ node {{ {nested} }} }} }} }}"
    (message,) = await errors(client, query)
    assert f"exceeds maximum operation depth of {MAX_DEPTH}" in message
    shallow = "{ proposals { edges { node { discussedIn { proposalsDiscussed { number } } } } } }"
    assert await errors(client, shallow) == []


@pytest.mark.parametrize(
    ("levels", "fragment"),
    [
        (25, "over the budget of"),  # 50 levels of lists: refused by cost, unvalidated
        (2500, "nested too deeply"),  # refused by the parser before it can recurse far
    ],
)
async def test_a_query_nested_far_too_deep_is_refused_clearly(client, meetings, levels, fragment):
    nested = "discussedIn { proposalsDiscussed { " * levels + "number" + " } }" * levels
    query = f"{{ proposals {{ edges {{ node {{ {nested} }} }} }} }}"
    response = await client.post("/graphql", json={"query": query})
    body = response.json()
    assert response.status_code == 200  # GraphQL over HTTP: request errors in the body
    assert body["data"] is None, "nothing may be resolved for a refused document"
    (error,) = body["errors"]
    assert fragment in error["message"]


async def test_alias_limit(client, meetings):
    query = (
        "{ " + " ".join(f"a{i}: status {{ dataVersion }}" for i in range(MAX_ALIASES + 1)) + " }"
    )
    (message,) = await errors(client, query)
    assert "aliases" in message
    assert str(MAX_ALIASES) in message


async def test_token_limit(client, meetings):
    query = "{ status { " + " ".join(["dataVersion"] * MAX_TOKENS) + " } }"
    (message,) = await errors(client, query)
    assert "token" in message.lower()
    assert str(MAX_TOKENS) in message


async def test_get_queries_are_cacheable(client, meetings):
    path = "/graphql?query=%7Bstatus%7BdataVersion%7D%7D"
    first = await client.get(path)
    assert first.json()["data"]["status"]["dataVersion"] == 4  # proposals, then 3 sources
    assert (
        await client.get(path, headers={"if-none-match": first.headers["etag"]})
    ).status_code == 304


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("{ proposals { totalCount ", "GRAPHQL_PARSE_FAILED", id="syntax"),
        pytest.param("{ proposals { nope } }", "GRAPHQL_VALIDATION_FAILED", id="unknown-field"),
        pytest.param('{ meetings(from: "2025-13-01") { id } }', "BAD_USER_INPUT", id="bad-date"),
        pytest.param('{ proposals(first: "x") { totalCount } }', "BAD_USER_INPUT", id="bad-int"),
        pytest.param("{ proposals(first: 0) { totalCount } }", "BAD_USER_INPUT", id="our-check"),
    ],
)
async def test_every_error_says_its_kind(client, meetings, query, code):
    response = await client.post("/graphql", json={"query": query})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == code


async def test_a_bad_variable_is_bad_user_input(client, meetings):
    response = await client.post(
        "/graphql",
        json={"query": "query($f: Date) { meetings(from: $f) { id } }", "variables": {"f": "x"}},
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_several_operations_need_an_operation_name(client, meetings):
    query = "query A { members { name } } query B { status { dataVersion } }"
    unnamed = await client.post("/graphql", json={"query": query})
    assert unnamed.status_code == 400
    assert unnamed.headers["content-type"] == "application/problem+json"
    assert "operationName" in unnamed.json()["detail"]
    named = await client.post("/graphql", json={"query": query, "operationName": "B"})
    assert named.status_code == 200
    assert set(named.json()["data"]) == {"status"}


# The cost budget (api.graphql.cost): what a query may cost to answer, refused unrun.

ROOT = Path(__file__).parents[3]
BUDGET = make_settings().graphql_max_cost


def widget_query() -> str:
    """The query api/static/widget.js sends, as its source spells it."""
    source = (ROOT / "api" / "static" / "widget.js").read_text()
    (spelled,) = re.findall(r"var QUERY =\s*((?:\"[^\"]*\"\s*\+?\s*)+);", source)
    return "".join(re.findall(r"\"([^\"]*)\"", spelled))


def readme_queries() -> list[str]:
    """The GraphQL queries of the README's curl examples."""
    readme = (ROOT / "README.md").read_text()
    posted = re.findall(r"\"query\": \"([^\"]+)\"", readme)
    got = re.findall(r"--data-urlencode 'query=([^']+)'", readme)
    assert posted
    assert got
    return posted + got


def cost(query: str, variables: dict[str, object] | None = None) -> int:
    spent = operation_cost(schema._schema, parse(query), None, variables)
    assert spent is not None
    return spent


async def test_the_widget_and_readme_queries_cost_a_fraction_of_the_budget(client, meetings):
    for query in [widget_query(), *readme_queries()]:
        assert cost(query) < BUDGET / 4, query
        response = await client.post("/graphql", json={"query": query})
        assert "errors" not in response.json(), query


def aliased(selection: str, count: int = MAX_ALIASES) -> str:
    return " ".join(f"a{i}: {selection}" for i in range(count))


NESTED = "proposalsDiscussed { discussedIn { proposalsDiscussed { discussedIn { id } } } }"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(f"{{ {aliased(f'meetings(first: 100) {{ {NESTED} }}')} }}", id="the-issue's"),
        pytest.param(f"{{ meetings(first: 100) {{ {NESTED} }} }}", id="one-of-its-aliases"),
        pytest.param(
            f"{{ {aliased('meetings(first: 100) { ...M }')} }} "
            f"fragment M on Meeting {{ {NESTED} }}",
            id="fragments",
        ),
        pytest.param(
            "{ ... on Query { "
            + aliased(f"meetings(first: 100) {{ ... on Meeting {{ {NESTED} }} }}")
            + " } }",
            id="inline-fragments",
        ),
        pytest.param(
            "{ "
            + aliased(
                "proposals(first: 100) { edges { node { discussedIn { attendees { name } } } } }"
            )
            + " }",
            id="proposals-meetings-attendees",
        ),
    ],
)
async def test_a_query_over_budget_is_refused_unrun(client, meetings, query):
    # Unaliased, and refused if it ran (first: 0): its error would show that it ran.
    query = query.replace("{", "{ proposals(first: 0) { totalCount } ", 1)
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200  # as for the other limits: request errors in the body
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_COST_EXCEEDED",
        "cost": cost(query),
        "budget": BUDGET,
    }
    assert cost(query) > BUDGET
    assert f"{cost(query)}" in error["message"]
    assert f"{BUDGET}" in error["message"]


async def test_the_cost_follows_the_variables(client, meetings):
    query = (
        "query($n: Int!) { meetings(first: $n) "
        "{ proposalsDiscussed { discussedIn { proposalsDiscussed { number } } } } }"
    )
    within, over = cost(query, {"n": 9}), cost(query, {"n": 10})
    assert within <= BUDGET < over
    allowed = await client.post("/graphql", json={"query": query, "variables": {"n": 9}})
    assert "errors" not in allowed.json()
    refused = await client.post("/graphql", json={"query": query, "variables": {"n": 10}})
    assert refused.json()["errors"][0]["extensions"]["cost"] == over
    by_default = query.replace("$n: Int!", "$n: Int! = 10")
    refused = await client.post("/graphql", json={"query": by_default})
    assert refused.json()["errors"][0]["extensions"]["code"] == "QUERY_COST_EXCEEDED"


def introspections(count: int) -> str:
    """GraphiQL's introspection query with its `__schema` selection `count` times."""
    operation, fragments = get_introspection_query(descriptions=True).split("\n}\n", 1)
    selection = operation.split("{", 1)[1].strip()
    return f"query IntrospectionQuery {{ {aliased(selection, count)} }}\n{fragments}"


async def test_introspection_is_usable_but_no_amplifier(client, meetings):
    graphiql = await client.post("/graphql", json={"query": introspections(1)})
    assert "errors" not in graphiql.json()
    assert graphiql.json()["data"]["a0"]["queryType"] == {"name": "Query", "kind": "OBJECT"}
    for copies in (8, MAX_ALIASES):
        refused = await client.post("/graphql", json={"query": introspections(copies)})
        (error,) = refused.json()["errors"]
        assert error["extensions"]["code"] == "QUERY_COST_EXCEEDED", copies


async def test_the_budget_is_the_settings(meetings):
    query = readme_queries()[0]
    async with client_for(meetings, graphql_max_cost=100) as client:
        response = await client.post("/graphql", json={"query": query})
    (error,) = response.json()["errors"]
    assert error["extensions"] == {
        "code": "QUERY_COST_EXCEEDED",
        "cost": cost(query),
        "budget": 100,
    }
