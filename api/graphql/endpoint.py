"""The Strawberry ASGI endpoint: the request's read model in its context, RFC 9457
problem details instead of Strawberry's plain-text errors for malformed requests, and an
`extensions.code` on every GraphQL error (`api.graphql.errors`).

Executions run in a worker thread within the request's time budget (`api.graphql.worker`);
one that runs past it is answered 503, in GraphQL's shape. JSON is read and written by
orjson, which refuses at once what would otherwise surface later as a 500: numbers that
overflow a double (`1e400`, integers of thousands of digits), nesting past 1,024 levels,
and strings no UTF-8 can hold (lone surrogates, escaped or not).
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.types import HTTPMethod, QueryParams
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.context import context_of, settings_of
from api.formats.negotiation import accepted_format
from api.formats.problems import problem_response
from api.graphql.budgets import DEADLINE, Deadline, TimeBudgetExceeded, stopped_by_deadline
from api.graphql.errors import formatted_errors
from api.graphql.schema import schema
from api.graphql.worker import SMALL_DOCUMENT, run_in_worker
from api.params import reject_unknown

RETRY_AFTER_SECONDS = 5
logger = logging.getLogger(__name__)


class AlescoGraphQL(GraphQL[dict[str, Any], None]):
    """GraphQL over GET and POST; GET lets HTTP caches keep query results."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:  # a malformed request: not JSON, no query, a GET mutation
            response = problem_response(request, error.status_code, error.reason)
        except TimeBudgetExceeded as error:
            logger.warning("graphql.time_budget_exceeded", extra={"budget": error.seconds})
            response = _time_budget_response(error)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, Any]:
        return {
            "request": request,
            "response": response,
            "alesco": context_of(request),
            DEADLINE: Deadline.starting_now(settings_of(request).graphql_timeout),
        }

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """GraphiQL exactly when the edge cache files the answer as HTML (`api.edge.cache` keys by
        `accepted_format`): any other reading would let one client's `Accept` decide what
        the next one gets."""
        return (
            request.method == "GET"
            and request.query_params.get("query") is None
            and accepted_format(request.headers.get("accept", "")) == "html"
        )

    def parse_json(self, data: str | bytes) -> Any:
        """A body of JSON text and an object (or a batch, a list, which Strawberry refuses):
        anything else would escape Strawberry as a 500 (`.get` on a number)."""
        parsed = _json(data, "request body")
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """GET's `variables` and `extensions`, JSON objects when given."""
        parsed: dict[str, Any] = dict(params)
        for name in ("variables", "extensions"):
            if text := parsed.get(name):
                value = _json(text, f"'{name}' parameter")
                if not isinstance(value, dict):
                    raise HTTPException(400, f"The '{name}' parameter must be a JSON object.")
                parsed[name] = value
        return parsed

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:
            # A string no UTF-8 can hold or an integer past 64 bits: none should reach an
            # answer, but the standard encoder writes both (surrogates as \u escapes).
            return json.dumps(data, separators=(",", ":")).encode()

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's, with `operationName` a string or null (else a 400)."""
        data = await super().parse_http_body(request)
        for request_data in data if isinstance(data, list) else [data]:
            if not isinstance(request_data.operation_name, str | None):
                raise HTTPException(400, "The operationName must be a string or null.")
        return data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: dict[str, Any],
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, in a worker thread within the request's deadline."""
        deadline: Deadline = context[DEADLINE]
        job = functools.partial(self._execute, request_data, context, request_adapter.method)
        small = len(request_data.query or "") <= SMALL_DOCUMENT
        result = await run_in_worker(job, deadline, small)
        if result.errors and stopped_by_deadline(result.errors):
            raise TimeBudgetExceeded(deadline.seconds)  # it ended just before the loop saw it
        return result

    def _execute(
        self, data: GraphQLRequestData, context: dict[str, Any], method: HTTPMethod
    ) -> ExecutionResult:
        """Strawberry's `execute_single`, synchronous (every resolver is)."""
        try:
            return self.schema.execute_sync(
                data.query,
                variable_values=data.variables,
                context_value=context,
                operation_name=data.operation_name,
                allowed_operation_types=OperationType.from_http(method),
                operation_extensions=data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason(method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Strawberry's response, every error with an `extensions.code`."""
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = formatted_errors(result)
        if result.extensions:
            response["extensions"] = result.extensions
        return response


def _json(data: str | bytes, what: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if isinstance(data, bytes) and "UTF-8" in error.msg:
            raise HTTPException(400, f"Unable to parse the {what}: it is not UTF-8") from error
        raise HTTPException(400, f"Unable to parse the {what} as JSON: {error}") from error


def _time_budget_response(error: TimeBudgetExceeded) -> Response:
    """A GraphQL-shaped 503: the query may succeed when the server is less busy."""
    body = {
        "data": None,
        "errors": [
            {
                "message": f"{error}, and was stopped: ask for less, or try again later.",
                "extensions": {"code": "TIME_BUDGET_EXCEEDED", "budget_seconds": error.seconds},
            }
        ],
    }
    return Response(
        orjson.dumps(body),
        status_code=503,
        media_type="application/json",
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


async def schema_sdl(request: Request) -> Response:
    """`/schema.graphql`: the schema's SDL, for code generators and people alike."""
    reject_unknown(request.query_params, ())
    return Response(_sdl(), media_type="text/plain; charset=utf-8")


@functools.cache
def _sdl() -> bytes:
    return (schema.as_str() + "\n").encode()
