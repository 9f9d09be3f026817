"""`/metrics`: Prometheus text exposition, never cached (see `api.metrics`)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from alesco.storage.sync_runs import RunTotals, run_totals
from api.context import engine_of
from api.metrics import ApiMetrics
from api.params import reject_unknown


def _totals(engine: Engine) -> list[RunTotals]:
    with Session(engine) as session:
        return run_totals(session)


async def metrics(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    registry: ApiMetrics = request.app.state.metrics
    registry.syncs.totals = await run_in_threadpool(_totals, engine_of(request))
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
