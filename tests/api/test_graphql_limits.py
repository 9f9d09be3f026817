"""Public GraphQL is bounded: depth, aliases and tokens, each refused with a clear error."""

from __future__ import annotations

import pytest

from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS


async def errors(client, query: str) -> list[str]:
    response = await client.post("/graphql", json={"query": query})
    body = response.json()
    return [error["message"] for error in body.get("errors", [])]


async def test_depth_limit(client, meetings):
    nested = "number"
    for _ in range(6):
        nested = f"discussedIn {{ proposalsDiscussed {{ {nested} }} }}"
    query = f"{{ proposals {{ edges {{ node {{ {nested} }} }} }} }}"
    (message,) = await errors(client, query)
    assert f"exceeds maximum operation depth of {MAX_DEPTH}" in message
    shallow = "{ proposals { edges { node { discussedIn { proposalsDiscussed { number } } } } } }"
    assert await errors(client, shallow) == []


@pytest.mark.parametrize(
    ("levels", "fragment"),
    [
        (25, f"exceeds maximum operation depth of {MAX_DEPTH}"),  # 50 levels of fields
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
