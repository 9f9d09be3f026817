"""`/v1/decisions` and `/v1/decisions/{id}`: what the committee decided, from the minutes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco.read.decision_queries import find_decision, list_decisions
from alesco.storage.sync_runs import Source
from api.context import context_of
from api.formats.problems import NotFound, shown
from api.formats.rendering import json_response
from api.formats.representations import DECISION_COLUMNS, decision_json, freshness_meta
from api.listing import page_response
from api.params import parse_decision_query, reject_unknown

# Decisions come from the minutes, tied to proposals and the roster.
SOURCES = (Source.MINUTES, Source.GITHUB, Source.ROSTER)


async def decisions_list(request: Request) -> Response:
    query = parse_decision_query(request.query_params)
    context = context_of(request)
    page = list_decisions(context.committee, query)
    data = [decision_json(decision) for decision in page.items]
    freshness = freshness_meta(context.status, *SOURCES)
    return page_response(request, page, query.limit, data, DECISION_COLUMNS, freshness)


async def decision_detail(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    context = context_of(request)
    decision_id = request.path_params["decision_id"]
    decision = find_decision(context.committee, decision_id)
    if decision is None:
        raise NotFound(f"No decision {shown(decision_id)}; decision ids look like 2025-04-16.1.")
    meta = freshness_meta(context.status, *SOURCES)
    return json_response(request, {"data": decision_json(decision), "meta": meta})
