"""`/v1/proposals` and `/v1/proposals/{number}`."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from alesco.proposal import Proposal
from alesco.queries import ProposalPage, find_proposals, list_proposals
from alesco.status import ServiceStatus, read_status
from api.database import now_of, read, settings_of
from api.params import parse_number, parse_proposal_query, parse_repo, reject_unknown, single
from api.problems import BadParameter, NotFound
from api.rendering import json_response
from api.representations import freshness_meta, proposal_json


async def proposals_list(request: Request) -> Response:
    query = parse_proposal_query(request.query_params)
    now, interval = now_of(request), settings_of(request).sync_interval

    def work(session: Session) -> tuple[ProposalPage, ServiceStatus]:
        return list_proposals(session, query), read_status(session, now, interval)

    page, status = await read(request, work)
    next_cursor = page.next_cursor.encode() if page.next_cursor else None
    headers = {}
    if next_cursor:
        next_url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{next_url}>; rel="next"'
    meta = {
        "count": page.total,
        "limit": query.limit,
        "next_cursor": next_cursor,
        **freshness_meta(status),
    }
    return json_response(
        request, {"data": [proposal_json(p) for p in page.items], "meta": meta}, headers=headers
    )


async def proposal_detail(request: Request) -> Response:
    number = parse_number(request.path_params["number"])
    reject_unknown(request.query_params, {"repo"})
    repo = parse_repo(single(request.query_params, "repo"))
    now, interval = now_of(request), settings_of(request).sync_interval

    def work(session: Session) -> tuple[list[Proposal], ServiceStatus]:
        return find_proposals(session, number, repo), read_status(session, now, interval)

    matches, status = await read(request, work)
    if not matches:
        where = f" in {repo}" if repo else ""
        raise NotFound(f"No pull request #{number}{where} is known to this API.")
    if len(matches) > 1:
        repos = ", ".join(match.repo for match in matches)
        raise BadParameter("repo", f"#{number} exists in {repos}; choose one with ?repo=owner/name")
    return json_response(
        request, {"data": proposal_json(matches[0]), "meta": freshness_meta(status)}
    )
