"""`/v1/status`: per source, when it last synced, how it went and what it cost."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco.status import read_status
from api.database import now_of, read, settings_of
from api.params import reject_unknown
from api.rendering import json_response
from api.representations import status_json


async def status(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    now, interval = now_of(request), settings_of(request).sync_interval
    service = await read(request, lambda session: read_status(session, now, interval))
    return json_response(request, {"data": status_json(service), "meta": {}})
