"""`/v1/status`: per source, when it last synced, how it went and what it cost."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.context import context_of
from api.formats.rendering import json_response
from api.formats.representations import status_json
from api.params import reject_unknown


async def status(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    return json_response(request, {"data": status_json(context_of(request).status), "meta": {}})
