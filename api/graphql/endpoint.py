"""The Strawberry ASGI endpoint, with the engine, settings and clock in its context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.context import context_of


class AlescoGraphQL(GraphQL[dict[str, Any], None]):
    """GraphQL over GET and POST; GET lets HTTP caches keep query results."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, Any]:
        return {"request": request, "response": response, "alesco": context_of(request)}
