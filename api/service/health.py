"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database is
reachable and migrated), for load balancers and orchestrators."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from alesco import __version__
from alesco.database.migrate import current_revision, head_revision
from api.context import engine_of
from api.formats.problems import problem_response
from api.formats.rendering import json_response


async def healthz(request: Request) -> Response:
    return json_response(request, {"status": "ok"})


async def readyz(request: Request) -> Response:
    engine = engine_of(request)
    try:
        current = await run_in_threadpool(current_revision, engine)
    except Exception:  # any database failure means "not ready", whatever its class
        return problem_response(request, 503, "The database is not reachable.")
    expected = head_revision(engine)
    if current != expected:
        return problem_response(
            request, 503, f"The database schema is at {current}, not {expected}."
        )
    return json_response(request, {"status": "ready", "schema": current, "version": __version__})
