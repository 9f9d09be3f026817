"""The Strawberry ASGI endpoint: the request's read model in its context, and RFC 9457
problem details instead of Strawberry's plain-text errors for malformed requests."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.context import context_of
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
