"""The Python ceiling: a bare Starlette app answering precomputed bytes.

It serves whatever body `bench/run` captured from the real service, so both targets send
identical bytes and the comparison isolates the cost of our own work per request.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()


async def precomputed(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/", precomputed), Route("/{path:path}", precomputed)])
