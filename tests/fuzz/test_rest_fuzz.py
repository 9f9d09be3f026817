"""Schemathesis over /openapi.json: generated requests, valid and invalid, to every
documented route. No 5xx, every 4xx a problem, and every answer as the document says."""

from __future__ import annotations

import os
from typing import Any

import orjson
import schemathesis
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fuzz.cases import assert_answered, run_cases

# Per generation mode; small parameter spaces run out early, so the total is asserted.
# ALESCO_TEST_FUZZ_EXAMPLES asks for a deeper run than CI's.
EXAMPLES = int(os.environ.get("ALESCO_TEST_FUZZ_EXAMPLES", "1000"))
MINIMUM_CASES = 1000
# Rules a JSON Schema cannot state, written in the parameters' descriptions instead: a
# cursor is opaque (only ones this API issued are accepted), `to` may not precede
# `from`, and a GraphQL operationName must name an operation of the document.
# Schema-valid values refused for these reasons are right to be refused.
RULES_BEYOND_THE_SCHEMA = (
    "not a cursor this API issued",
    "is before from",
    "Unknown operation named",  # GraphQL: operationName must name one in the document
    "name one in operationName",
)


def test_rest_fuzz(app: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = {result.ok().label for result in schema.get_all_operations()}

    def check(case: Any, response: Any) -> None:
        assert_answered(case, response)
        excluded = []
        if response.status_code == 400:
            detail = orjson.loads(response.content)["detail"]
            if any(rule in detail for rule in RULES_BEYOND_THE_SCHEMA):
                excluded.append(positive_data_acceptance)
        case.validate_response(response, excluded_checks=excluded)

    seen = run_cases(schema.as_strategy(GenerationMode.POSITIVE), check, EXAMPLES)
    seen += run_cases(schema.as_strategy(GenerationMode.NEGATIVE), check, EXAMPLES)
    print(f"REST fuzz: {seen.total()} cases over {len(seen)} operations: {dict(seen)}")
    assert set(seen) == operations, f"never generated: {operations - set(seen)}"
    assert seen.total() >= MINIMUM_CASES
