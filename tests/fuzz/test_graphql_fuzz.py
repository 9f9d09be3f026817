"""Schemathesis over the GraphQL schema: generated queries for every root field, within
and beyond the public limits. No 5xx, every 4xx a problem, and no resolver ever fails:
a GraphQL error is either a refused argument (BAD_USER_INPUT) or a refused document
(depth, aliases, tokens), never our exception."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import orjson
import schemathesis

from tests.fuzz.cases import assert_answered, run_cases

EXAMPLES = int(os.environ.get("ALESCO_TEST_FUZZ_EXAMPLES", "1000"))
MINIMUM_CASES = 1000


def assert_no_resolver_failed(case: Any, response: Any) -> None:
    if response.status_code != 200:
        return
    body = orjson.loads(response.content)
    assert "data" in body or "errors" in body, body
    for error in body.get("errors", []):
        code = (error.get("extensions") or {}).get("code")
        # Parse and validation errors (limits included) have no path and resolve nothing;
        # an exception in a resolver always has the path of the field that raised it.
        refused_document = body.get("data") is None and "path" not in error
        assert code == "BAD_USER_INPUT" or refused_document, (error, case.body)


def test_graphql_fuzz(app: Any) -> None:
    schema = schemathesis.graphql.from_asgi("/graphql", app)
    operations = {result.ok().label for result in schema.get_all_operations()}

    outcomes: Counter[str] = Counter()

    def check(case: Any, response: Any) -> None:
        assert_answered(case, response)
        assert_no_resolver_failed(case, response)
        errors = orjson.loads(response.content).get("errors") if response.status_code == 200 else 0
        outcomes[f"{response.status_code}{' with errors' if errors else ''}"] += 1

    seen = run_cases(schema.as_strategy(), check, EXAMPLES)
    print(f"GraphQL fuzz: {seen.total()} cases over {len(seen)} fields: {dict(seen)}")
    print(f"GraphQL fuzz answers: {dict(outcomes)}")
    assert set(seen) == operations, f"never generated: {operations - set(seen)}"
    assert seen.total() >= MINIMUM_CASES
