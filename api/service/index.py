"""`/`: what this API is and where its routes are, for people exploring with curl."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from alesco import __version__
from api.formats.rendering import json_response
from api.links import public_base
from api.params import reject_unknown


async def index(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    base = public_base(request)
    return json_response(
        request,
        {
            "data": {
                "name": "alesco-api",
                "version": __version__,
                "description": "Public read-only data of the AlmaLinux Engineering Steering "
                "Committee: RFC proposals and their lifecycle, meetings and minutes, members.",
                "links": {
                    "proposals": f"{base}/v1/proposals",
                    "proposal": f"{base}/v1/proposals/{{number}}",
                    "meetings": f"{base}/v1/meetings",
                    "next_meeting": f"{base}/v1/meetings/next",
                    "meetings_calendar": f"{base}/v1/meetings.ics",
                    "members": f"{base}/v1/members",
                    "status": f"{base}/v1/status",
                    "proposals_feed": f"{base}/v1/proposals.atom",
                    "graphql": f"{base}/graphql",
                    "openapi": f"{base}/openapi.json",
                    "docs": f"{base}/docs",
                    "widget": f"{base}/widget",
                    "widget_script": f"{base}/widget.js",
                    "metrics": f"{base}/metrics",
                    "health": f"{base}/healthz",
                    "readiness": f"{base}/readyz",
                },
            },
            "meta": {},
        },
    )
