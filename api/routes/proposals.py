"""`/v1/proposals` and `/v1/proposals/{number}`."""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response

from alesco.domain.proposal import Proposal
from alesco.domain.timeline import build_timeline
from alesco.read.queries import StateFilter, find_proposals, list_proposals
from api.context import context_of
from api.formats.atom import proposals_feed
from api.formats.problems import BadParameter, NotFound
from api.formats.rendering import json_response
from api.formats.representations import (
    PROPOSAL_COLUMNS,
    freshness_meta,
    proposal_json,
    timeline_entry_json,
)
from api.links import public_base, public_url
from api.listing import page_response
from api.params import parse_number, parse_proposal_query, parse_repo, reject_unknown, single


async def proposals_list(request: Request) -> Response:
    query = parse_proposal_query(request.query_params)
    context = context_of(request)
    page = list_proposals(context.model.index, query)
    data = [proposal_json(p, context.committee, context.now) for p in page.items]
    return page_response(
        request, page, query.limit, data, PROPOSAL_COLUMNS, freshness_meta(context.status)
    )


def _the_proposal(request: Request) -> Proposal:
    """The one proposal the path's number (and `?repo=`) names, or a 404 / 400 problem."""
    number = parse_number(request.path_params["number"])
    reject_unknown(request.query_params, {"repo"})
    repo = parse_repo(single(request.query_params, "repo"))
    matches = find_proposals(context_of(request).model.index, number, repo)
    if not matches:
        where = f" in {repo}" if repo else ""
        raise NotFound(f"No pull request #{number}{where} is known to this API.")
    if len(matches) > 1:
        repos = ", ".join(match.repo for match in matches)
        raise BadParameter("repo", f"#{number} exists in {repos}; choose one with ?repo=owner/name")
    return matches[0]


async def proposal_detail(request: Request) -> Response:
    proposal = _the_proposal(request)
    context = context_of(request)
    data = proposal_json(proposal, context.committee, context.now)
    return json_response(request, {"data": data, "meta": freshness_meta(context.status)})


async def proposal_timeline(request: Request) -> Response:
    """Everything that happened to one proposal, oldest first, each with its provenance."""
    proposal = _the_proposal(request)
    context = context_of(request)
    events = context.model.events_of(proposal.repo, proposal.number)
    entries = build_timeline(proposal, events, context.committee)
    data = [timeline_entry_json(entry) for entry in entries]
    return json_response(request, {"data": data, "meta": freshness_meta(context.status)})


async def proposals_atom(request: Request) -> Response:
    """The same filters as the list; by default every state, newest activity first."""
    query = parse_proposal_query(request.query_params, formats=("atom",))
    if query.state is None and not query.stages:
        query = replace(query, state=StateFilter.ALL)
    context = context_of(request)
    page = list_proposals(context.model.index, query)
    feed_id = public_base(request) + request.url.path
    changed_at = context.model.data.changed_at
    body = proposals_feed(page.items, public_url(request), feed_id, changed_at, context.committee)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
