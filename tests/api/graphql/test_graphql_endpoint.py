"""The GraphQL endpoint over HTTP (`api.graphql.endpoint`): GraphiQL by the cache's own
negotiation, malformed input answered 4xx (never 500), and executions off the event loop
within their time budget."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from urllib.parse import quote

import orjson
import pytest
from graphql import get_introspection_query

from alesco.logs import RequestIdFilter
from tests.api.conftest import client_for

HTML = "html"
JSON = "json"
ACCEPTS = [
    ("text/html", HTML),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),  # a browser
    ("application/json;q=0.5, text/html", HTML),
    ("application/json", JSON),
    ("application/json, text/html", JSON),  # a tie: JSON wins
    ("text/html;q=0, application/json", JSON),
    ("*/*", JSON),
    ("", JSON),
]


def assert_format(response, expected: str, accept: str) -> None:
    if expected == HTML:
        assert response.status_code == 200, accept
        assert response.headers["content-type"].startswith("text/html"), accept
        assert "GraphiQL" in response.text
    else:
        assert response.status_code == 400, accept  # no query: a problem, in JSON
        assert response.headers["content-type"] == "application/problem+json", accept


async def test_graphiql_exactly_when_the_cache_would_file_html(client):
    """Each ordered pair of clients asks twice, on a path of its own: whoever asks first
    must not decide what the other gets."""
    pairs = itertools.permutations(ACCEPTS, 2)
    for number, ((first, first_format), (second, second_format)) in enumerate(pairs):
        path = f"/graphql?operationName=pair{number}"
        for accept, expected in [(first, first_format), (second, second_format)] * 2:
            response = await client.get(path, headers={"accept": accept})
            assert_format(response, expected, accept)


BIG_INTEGER = "1" * 5000
DEEP = "[" * 3000 + "]" * 3000
SURROGATE = "\\ud800"  # as JSON escapes it
QUERY = "{ status { dataVersion } }"
FRAGMENT_CHAIN = "{ meetings { ...F247 } } fragment F0 on Meeting { id } " + " ".join(
    f"fragment F{level} on Meeting {{ ...F{level - 1} }}" for level in range(1, 248)
)
VARIABLE = "query($r: String) { proposal(number: 1, repo: $r) { number } }"


def body(text: str) -> dict[str, object]:
    return {"content": text.encode(), "headers": {"content-type": "application/json"}}


@pytest.mark.parametrize(
    ("method", "request_kwargs", "status"),
    [
        pytest.param(
            "POST",
            body(f'{{"query": "{VARIABLE}", "variables": {{"r": {BIG_INTEGER}}}}}'),
            400,
            id="integer-of-5000-digits",
        ),
        pytest.param("POST", body(f'{{"query": "{QUERY}", "x": {DEEP}}}'), 400, id="deep-json"),
        pytest.param("POST", body(DEEP), 400, id="deep-json-body"),
        pytest.param(
            "GET",
            {"params": {"query": QUERY, "variables": f'{{"n": {BIG_INTEGER}}}'}},
            400,
            id="get-variables-integer-of-5000-digits",
        ),
        pytest.param(
            "GET",
            {"params": {"query": QUERY, "extensions": f'{{"n": {BIG_INTEGER}}}'}},
            400,
            id="get-extensions-integer-of-5000-digits",
        ),
        pytest.param(
            "GET",
            {"params": {"query": QUERY, "variables": f'{{"a": {DEEP}}}'}},
            400,
            id="get-variables-deep",
        ),
        pytest.param(
            "GET",
            {"params": {"query": VARIABLE, "variables": '{"r": ' + "[" * 1000 + "]" * 1000 + "}"}},
            200,
            id="get-variables-deep-within-limits",
        ),
        pytest.param(
            "POST",
            body(f'{{"query": "query A {QUERY}", "operationName": "{SURROGATE}"}}'),
            400,
            id="surrogate-operation-name",
        ),
        pytest.param("POST", body(f'{{"query": "{{ {SURROGATE} }}"}}'), 400, id="surrogate-query"),
        pytest.param(
            "POST",
            body(f'{{"query": "{VARIABLE}", "variables": {{"r": "{SURROGATE}"}}}}'),
            400,
            id="surrogate-variable",
        ),
        pytest.param(
            "POST",
            body(f'{{"query": "{QUERY}", "variables": {{"{SURROGATE}": 1}}}}'),
            400,
            id="surrogate-variable-name",
        ),
        pytest.param(
            "POST",
            {"json": {"query": '{ proposal(number: 1, repo: "\\ud800") { number } }'}},
            200,
            id="surrogate-escape-in-a-string-literal",
        ),
        pytest.param(
            "GET",
            {"params": {"query": '{ proposal(number: 1, repo: "\\ud800") { number } }'}},
            200,
            id="get-surrogate-escape-in-a-string-literal",
        ),
        pytest.param(
            "GET",
            {"params": {"query": VARIABLE, "variables": f'{{"r": "{SURROGATE}"}}'}},
            400,
            id="get-surrogate-variable",
        ),
        pytest.param(
            "POST",
            body(f'{{"query": "{VARIABLE}", "variables": {{"r": 1e400}}}}'),
            400,
            id="float-overflow",
        ),
        pytest.param(
            "POST", body(f'{{"query": "{VARIABLE}", "variables": {{"r": NaN}}}}'), 400, id="nan"
        ),
        pytest.param(
            "POST",
            body(f'{{"query": "{VARIABLE}", "variables": {{"r": -Infinity}}}}'),
            400,
            id="infinity",
        ),
        pytest.param(
            "POST",
            {"json": {"query": "{ proposals(first: 1e400) { totalCount } }"}},
            200,
            id="float-overflow-literal",
        ),
        pytest.param(
            "POST",
            {"json": {"query": f"{{ proposals(first: {BIG_INTEGER}) {{ totalCount }} }}"}},
            200,
            id="integer-of-5000-digits-literal",
        ),
        pytest.param("POST", {"json": {"query": FRAGMENT_CHAIN}}, 200, id="fragment-chain"),
        pytest.param(
            "POST",
            {"json": {"query": '{ meetings(from: "2025-13-01") { id } }'}},
            200,
            id="no-date-literal",
        ),
        pytest.param(
            "POST",
            {
                "json": {
                    "query": "query($s: [Stage!]) { proposals(stages: $s) { totalCount } }",
                    "variables": {"s": ["FCP"] * 20000},
                }
            },
            200,
            id="huge-list-variable",
        ),
        pytest.param(
            "POST",
            {
                "json": {
                    "query": "query($n: Int!) { meetings(first: $n) { id } }",
                    "variables": {"n": 2**70},
                }
            },
            200,
            id="integer-past-64-bits",
        ),
        *[
            pytest.param(
                "POST", {"json": {"query": QUERY, "variables": value}}, 400, id=f"variables-{name}"
            )
            for name, value in [("string", "x"), ("array", [1]), ("number", 3), ("true", True)]
        ],
        *[
            pytest.param(
                "GET",
                {"params": {"query": QUERY, "variables": text}},
                400,
                id=f"get-variables-{name}",
            )
            for name, text in [("string", '"x"'), ("array", "[1]"), ("number", "3"), ("bad", "{")]
        ],
        *[
            pytest.param(
                "POST",
                {"json": {"query": QUERY, "extensions": value}},
                400,
                id=f"extensions-{name}",
            )
            for name, value in [("string", "x"), ("array", [1]), ("number", 3)]
        ],
        pytest.param(
            "GET", {"params": {"query": QUERY, "extensions": "[1]"}}, 400, id="get-extensions-array"
        ),
        *[
            pytest.param(
                "POST", {"json": {"query": QUERY, "operationName": value}}, 400, id=f"name-{name}"
            )
            for name, value in [("number", 3), ("array", ["A"]), ("object", {})]
        ],
        *[
            pytest.param("POST", {"json": {"query": value}}, 400, id=f"query-{name}")
            for name, value in [("number", 3), ("array", [QUERY]), ("object", {})]
        ],
        pytest.param("POST", {"json": []}, 400, id="empty-batch"),
        pytest.param("POST", {"json": [{"query": QUERY}]}, 400, id="batch"),
        pytest.param("POST", body(""), 400, id="empty-body"),
    ],
)
async def test_malformed_input_is_never_a_500(client, caplog, method, request_kwargs, status):
    response = await client.request(method, "/graphql", **request_kwargs)
    assert response.status_code == status
    answer = orjson.loads(response.content)  # strict: refuses lone surrogates, even escaped
    if status == 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert answer["detail"]
    else:
        assert answer["data"] or answer["errors"], answer
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_surrogates_sent_raw_in_a_query_string(client, caplog):
    """Percent-encoded surrogates (not UTF-8) in GET parameters are read as U+FFFD."""
    encoded = quote("\ud800".encode("utf-8", "surrogatepass"))
    for parameters in (
        f"query={encoded}",
        f"query={quote(QUERY)}&operationName={encoded}",
        f"query={quote(VARIABLE)}&variables=" + quote('{"r": "') + encoded + quote('"}'),
    ):
        response = await client.get(f"/graphql?{parameters}")
        assert response.status_code in (200, 400), parameters
        orjson.loads(response.content)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def introspections(count: int) -> str:
    """GraphiQL's introspection query with its `__schema` selection `count` times: slow to
    execute (~20 ms each), cheap to write."""
    operation, fragments = get_introspection_query(descriptions=True).split("\n}\n", 1)
    selection = operation.split("{", 1)[1].strip()
    copies = " ".join(f"s{i}: {selection}" for i in range(count))
    return f"query Slow {{ {copies} }}\n{fragments}"


SLOW = introspections(30)  # ~0.5 s of execution, ~3 ms to cost
UNBOUNDED_COST = 10**9


async def test_an_execution_past_its_time_budget_is_answered_at_once_and_stops(meetings, caplog):
    caplog.set_level(logging.INFO, logger="api.graphql")
    caplog.handler.addFilter(RequestIdFilter())  # stamps the request id as a record is emitted
    budget = 0.05
    async with client_for(
        meetings, graphql_timeout=budget, graphql_max_cost=UNBOUNDED_COST
    ) as client:
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": SLOW})
        answered = time.perf_counter() - started
        for _ in range(200):  # the worker logs as it stops
            if stopped(caplog):
                break
            await asyncio.sleep(0.01)
        stopped_after = time.perf_counter() - started
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": response.json()["errors"][0]["message"],
                "extensions": {"code": "TIME_BUDGET_EXCEEDED", "budget_seconds": budget},
            }
        ],
    }
    assert "ran past its time budget of 0.05 s" in response.json()["errors"][0]["message"]
    assert answered < 0.4  # the whole execution takes ~0.5 s
    (record,) = stopped(caplog)
    assert record.threadName.startswith("graphql")
    assert record.request_id == response.headers["x-request-id"]
    assert stopped_after < 0.4
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def stopped(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "graphql.stopped_at_deadline"]


async def test_a_time_budget_failure_is_not_cached(meetings):
    async with client_for(
        meetings, graphql_timeout=0.01, graphql_max_cost=UNBOUNDED_COST
    ) as client:
        first = await client.get("/graphql", params={"query": SLOW})
        again = await client.get("/graphql", params={"query": SLOW})
    assert (first.status_code, again.status_code) == (503, 503)
    assert first.headers["cache-control"] == "no-store"


async def test_health_is_answered_while_graphql_executes(meetings):
    async with client_for(meetings, graphql_timeout=5, graphql_max_cost=UNBOUNDED_COST) as client:
        query = introspections(15)  # ~0.25 s of execution
        execution = asyncio.create_task(client.post("/graphql", json={"query": query}))
        await asyncio.sleep(0.05)  # the execution has started
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert not execution.done(), "/healthz waited for the GraphQL execution"
        assert (await execution).status_code == 200
