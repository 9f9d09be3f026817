"""GraphQL at /graphql: the same data as REST, Relay pagination, errors naming arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.graphql.schema import schema

SDL = Path(__file__).parents[3] / "schema.graphql"

NODE_FIELDS = """
  repo number title url kind state stage outcome draft
  author { login avatarUrl } labels { name color description }
  rfcNumber abstract createdAt updatedAt closedAt mergedAt stageSince
  stageHistory { stage enteredAt } stageReason { rule evidence at }
  supersedes supersededBy
"""


async def graphql(client, query: str, variables: dict | None = None, method: str = "POST"):
    if method == "GET":
        response = await client.get("/graphql", params={"query": query})
    else:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def test_committed_sdl_matches_the_code():
    assert SDL.read_text() == schema.as_str() + "\n", "run: uv run alesco schema > schema.graphql"


async def test_every_proposal_agrees_with_rest(client, committee):
    query = (
        "{ proposals(state: ALL, kind: ALL, first: 100) "
        f"{{ edges {{ node {{ {NODE_FIELDS} }} }} }} }}"
    )
    body = await graphql(client, query)
    nodes = {edge["node"]["number"]: edge["node"] for edge in body["data"]["proposals"]["edges"]}
    rest = (await client.get("/v1/proposals?state=all&kind=all&limit=100")).json()["data"]
    assert set(nodes) == {p["number"] for p in rest}
    for proposal in rest:
        node = nodes[proposal["number"]]
        assert node["kind"] == proposal["kind"].upper()
        assert node["stage"] == (proposal["stage"].upper() if proposal["stage"] else None)
        assert node["outcome"] == (proposal["outcome"].upper() if proposal["outcome"] else None)
        assert node["state"] == proposal["state"].upper()
        assert node["stageSince"] == proposal["stage_since"]
        assert node["updatedAt"] == proposal["updated_at"]
        assert [e["enteredAt"] for e in node["stageHistory"]] == [
            e["entered_at"] for e in proposal["stage_history"]
        ]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", [1, 2, 3]),
        ("state: CLOSED", [5, 4]),
        ("stages: [FCP, ACCEPTED], sort: NUMBER", [3, 4]),
        ("kind: OTHER", [6]),
        ('state: ALL, search: "merged"', [4]),
        ('repo: "AlmaLinux/ALESCo", sort: CREATED_DESC', [3, 2, 1]),
    ],
)
async def test_filters(client, committee, arguments, expected):
    args = f"({arguments})" if arguments else ""
    body = await graphql(
        client, f"{{ proposals{args} {{ totalCount edges {{ node {{ number }} }} }} }}"
    )
    connection = body["data"]["proposals"]
    assert [edge["node"]["number"] for edge in connection["edges"]] == expected
    assert connection["totalCount"] == len(expected)


async def test_relay_pagination_walks_every_proposal(client, committee):
    query = """query($after: String) {
      proposals(state: ALL, first: 2, after: $after) {
        totalCount
        edges { cursor node { number } }
        pageInfo { hasNextPage endCursor }
      }
    }"""
    seen, after = [], None
    while True:
        connection = (await graphql(client, query, {"after": after}))["data"]["proposals"]
        seen += [edge["node"]["number"] for edge in connection["edges"]]
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert sorted(seen) == [1, 2, 3, 4, 5]


async def test_single_proposal_and_missing_one(client, committee):
    body = await graphql(
        client,
        "{ a: proposal(number: 3) { stage stageReason { rule evidence } } "
        "b: proposal(number: 404) { number } }",
    )
    assert body["data"]["a"] == {
        "stage": "FCP",
        "stageReason": {"rule": "LABEL", "evidence": "vote at next meeting"},
    }
    assert body["data"]["b"] is None


async def test_get_queries_work_for_caches(client, committee):
    body = await graphql(client, "{ proposals { totalCount } }", method="GET")
    assert body["data"]["proposals"]["totalCount"] == 3


async def test_status(client, committee):
    body = await graphql(
        client, "{ status { dataVersion sources { source origin stale requests notModified } } }"
    )
    status = body["data"]["status"]
    assert status["dataVersion"] == 1
    github = next(source for source in status["sources"] if source["source"] == "github")
    assert github == {
        "source": "github",
        "origin": "UPSTREAM",
        "stale": False,
        "requests": 3,
        "notModified": 2,
    }
    assert {source["source"] for source in status["sources"]} == {
        "github",
        "meetings",
        "minutes",
        "roster",
    }


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ("first: 0", "first"),
        ("first: 101", "first"),
        ('after: "junk"', "after"),
        ('repo: "nope"', "repo"),
    ],
)
async def test_bad_arguments_are_named(client, committee, arguments, argument):
    response = await client.post(
        "/graphql", json={"query": f"{{ proposals({arguments}) {{ totalCount }} }}"}
    )
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert repr(argument) in error["message"]


async def test_mutations_do_not_exist(client, committee):
    response = await client.post("/graphql", json={"query": "mutation { anything }"})
    assert "errors" in response.json()
