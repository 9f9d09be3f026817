"""`/v1/members`: the roster, with attendance counts and who chairs now."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco.read.meeting_queries import list_members
from alesco.storage.sync_runs import Source
from api.context import context_of
from api.formats.rendering import list_response
from api.formats.representations import MEMBER_COLUMNS, freshness_meta, member_json
from api.params import parse_current


async def members_list(request: Request) -> Response:
    current = parse_current(request.query_params)
    context = context_of(request)
    members = list_members(context.committee, current)
    meta = {"count": len(members), **freshness_meta(context.status, Source.ROSTER, Source.MINUTES)}
    return list_response(request, [member_json(m) for m in members], meta, MEMBER_COLUMNS)
