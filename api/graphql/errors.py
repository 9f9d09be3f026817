"""GraphQL errors that say what kind they are.

Every error carries `extensions.code`, in the convention most GraphQL clients know:
`GRAPHQL_PARSE_FAILED` (not GraphQL), `GRAPHQL_VALIDATION_FAILED` (not valid against the
schema or its limits), `BAD_USER_INPUT` (a value the argument or variable cannot take: our
own checks add the argument's name), `INTERNAL_SERVER_ERROR` (ours, logged). The budgets
(`api.graphql.budgets`) set their own: `QUERY_COST_EXCEEDED`, and `TIME_BUDGET_EXCEEDED`
in the 503 the endpoint answers. graphql-core phrases its value errors in a few fixed
ways, which `_BAD_VALUE` recognises.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

_BAD_VALUE = re.compile(
    r"cannot represent|has invalid value|got invalid value|Expected value of type"
    r"|of required type .* was not provided"
)


def error_code(error: GraphQLError, executed: bool) -> str:
    """The `extensions.code` of an error without one; `executed`: it came from a resolver."""
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if _BAD_VALUE.search(error.message):
        return "BAD_USER_INPUT"
    if executed and error.original_error is not None:
        return "INTERNAL_SERVER_ERROR"
    return "GRAPHQL_VALIDATION_FAILED"


def formatted_errors(result: ExecutionResult) -> list[object]:
    """The response's `errors`, each with an `extensions.code`."""
    formatted: list[object] = []
    for error in result.errors or ():
        entry: dict[str, Any] = dict(error.formatted)
        extensions: dict[str, Any] = dict(entry.get("extensions") or {})
        if "code" not in extensions:
            extensions["code"] = error_code(error, executed=result.data is not None)
        entry["extensions"] = extensions
        formatted.append(entry)
    return formatted
