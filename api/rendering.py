"""JSON bodies: orjson, indented for people (curl-like clients, `?pretty=1`), compact else."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

HUMAN_AGENTS = ("curl/", "wget/", "httpie/", "xh/")


def wants_pretty(request: Request) -> bool:
    pretty = request.query_params.get("pretty")
    if pretty is not None:
        return pretty.lower() in ("1", "true", "yes", "")
    return request.headers.get("user-agent", "").lower().startswith(HUMAN_AGENTS)


def json_response(
    request: Request, payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    if wants_pretty(request):
        body = orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n"
    else:
        body = orjson.dumps(payload)
    return Response(body, status_code=status, media_type="application/json", headers=headers)
