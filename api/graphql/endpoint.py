"""The Strawberry ASGI endpoint: the request's read model in its context, RFC 9457
problem details instead of Strawberry's plain-text errors for malformed requests, and an
`extensions.code` on every GraphQL error (`api.graphql.errors`)."""

from __future__ import annotations

from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from api.context import context_of
from api.graphql.errors import formatted_errors
from api.problems import problem_response


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
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, Any]:
        return {"request": request, "response": response, "alesco": context_of(request)}

    def parse_json(self, data: str | bytes) -> Any:
        """A body of JSON text and an object (or a batch, a list, which Strawberry refuses):
        anything else would escape Strawberry as a 500 (UnicodeDecodeError, `.get` on a
        number)."""
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "Unable to parse request body: it is not UTF-8") from error
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The GraphQL spec's GetOperation(): several operations and no `operationName` is
        a request error (Strawberry would quietly run the first)."""
        data = await super().parse_http_body(request)
        for request_data in data if isinstance(data, list) else [data]:
            if not isinstance(request_data.operation_name, str | None):
                raise HTTPException(400, "The operationName must be a string or null.")
        if isinstance(data, GraphQLRequestData) and data.query and data.operation_name is None:
            try:
                document = parse(data.query)
            except GraphQLError:
                return data  # answered as a syntax error, in GraphQL's own terms
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                raise HTTPException(
                    400, "The query holds several operations: name one in operationName."
                )
        return data

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
