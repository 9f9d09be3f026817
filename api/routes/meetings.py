"""`/v1/meetings`, `/v1/meetings/next`, `/v1/meetings/{id}`, `/v1/meetings.ics`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco.read.meeting_queries import list_meetings
from alesco.storage.sync_runs import Source
from api.context import context_of
from api.formats.calendar_feed import meetings_calendar
from api.formats.problems import NotFound, shown
from api.formats.rendering import json_response
from api.formats.representations import MEETING_COLUMNS, freshness_meta, meeting_json
from api.listing import page_response
from api.params import parse_meeting_query, reject_unknown

SOURCES = (Source.MEETINGS, Source.MINUTES)


async def meetings_list(request: Request) -> Response:
    query = parse_meeting_query(request.query_params)
    context = context_of(request)
    page = list_meetings(context.committee, query)
    data = [meeting_json(meeting, context.now) for meeting in page.items]
    return page_response(
        request, page, query.limit, data, MEETING_COLUMNS, freshness_meta(context.status, *SOURCES)
    )


async def next_meeting(request: Request) -> Response:
    """The next scheduled, not cancelled meeting; `data` is null when none is scheduled."""
    reject_unknown(request.query_params, ())
    context = context_of(request)
    meeting = context.committee.next_meeting(context.now)
    data = meeting_json(meeting, context.now) if meeting else None
    return json_response(request, {"data": data, "meta": freshness_meta(context.status, *SOURCES)})


async def meeting_detail(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    meeting_id = request.path_params["meeting_id"]
    context = context_of(request)
    meeting = context.committee.meeting(meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {shown(meeting_id)}; meeting ids are dates such as 2025-04-16.")
    meta = freshness_meta(context.status, *SOURCES)
    return json_response(request, {"data": meeting_json(meeting, context.now), "meta": meta})


async def meetings_ics(request: Request) -> Response:
    reject_unknown(request.query_params, (), formats=("ics",))
    context = context_of(request)
    body = meetings_calendar(context.committee.meetings, context.status.data_changed_at)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="alesco-meetings.ics"'},
    )
