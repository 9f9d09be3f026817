"""`/v1/members`: the roster, with attendance counts and who chairs now; and
`/v1/members/{github login}`: one member's attendance, votes and chair terms."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco.domain.member_record import member_by_login, member_record
from alesco.read.meeting_queries import list_members
from alesco.storage.sync_runs import Source
from api.context import context_of
from api.formats.problems import NotFound, shown
from api.formats.rendering import json_response, list_response
from api.formats.representations import (
    MEMBER_COLUMNS,
    freshness_meta,
    member_json,
    member_record_json,
)
from api.params import parse_current, reject_unknown


async def members_list(request: Request) -> Response:
    current = parse_current(request.query_params)
    context = context_of(request)
    members = list_members(context.committee, current)
    meta = {"count": len(members), **freshness_meta(context.status, Source.ROSTER, Source.MINUTES)}
    return list_response(request, [member_json(m) for m in members], meta, MEMBER_COLUMNS)


async def member_detail(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    context = context_of(request)
    login = request.path_params["login"]
    member = member_by_login(context.committee, login)
    if member is None:
        raise NotFound(f"No member with GitHub login {shown(login)} on the roster.")
    meta = freshness_meta(context.status, Source.ROSTER, Source.MINUTES)
    body = {"data": member_record_json(member_record(context.committee, member)), "meta": meta}
    return json_response(request, body)
