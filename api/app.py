"""The application factory: every route in one table, errors mapped in one place."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from alesco.settings import Settings
from alesco.timestamps import utc_now
from api.edge.cache import Edge
from api.edge.observability import ObservedApp
from api.formats.problems import EXCEPTION_HANDLERS
from api.graphql.endpoint import AlescoGraphQL, schema_sdl
from api.graphql.schema import schema
from api.metrics import ApiMetrics, SyncCollector
from api.model_holder import ModelHolder
from api.routes.decisions import decision_detail, decisions_list
from api.routes.meetings import meeting_detail, meetings_ics, meetings_list, next_meeting
from api.routes.members import member_detail, members_list
from api.routes.proposals import (
    proposal_detail,
    proposal_timeline,
    proposals_atom,
    proposals_list,
)
from api.routes.status import status
from api.routes.webhooks import github_webhook
from api.service.docs import docs, openapi_json
from api.service.health import healthz, readyz
from api.service.index import index
from api.service.metrics import metrics
from api.service.widget import widget_js, widget_page


def create_app(
    settings: Settings,
    engine: Engine,
    clock: Callable[[], datetime] = utc_now,
    freeze_gc: bool = False,
) -> ObservedApp:
    """The API behind its edge cache (`api.edge.cache`), behind request ids and metrics
    (`api.edge.observability`)."""
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/v1/proposals", proposals_list, methods=["GET"]),
        Route("/v1/proposals.atom", proposals_atom, methods=["GET"]),
        Route("/v1/proposals/{number}", proposal_detail, methods=["GET"]),
        Route("/v1/proposals/{number}/timeline", proposal_timeline, methods=["GET"]),
        Route("/v1/meetings", meetings_list, methods=["GET"]),
        Route("/v1/meetings.ics", meetings_ics, methods=["GET"]),
        Route("/v1/meetings/next", next_meeting, methods=["GET"]),
        Route("/v1/meetings/{meeting_id}", meeting_detail, methods=["GET"]),
        Route("/v1/members", members_list, methods=["GET"]),
        Route("/v1/members/{login}", member_detail, methods=["GET"]),
        Route("/v1/decisions", decisions_list, methods=["GET"]),
        Route("/v1/decisions/{decision_id}", decision_detail, methods=["GET"]),
        Route("/v1/status", status, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/schema.graphql", schema_sdl, methods=["GET"]),
        Route("/widget.js", widget_js, methods=["GET"]),
        Route("/widget", widget_page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/graphql", AlescoGraphQL(schema), methods=["GET", "POST"]),
    ]
    if settings.webhook_secret is not None:
        routes.append(Route("/webhooks/github", github_webhook, methods=["POST"]))
    holder = ModelHolder(engine, settings, clock, freeze_gc=freeze_gc)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await holder.start()
        try:
            yield
        finally:
            await holder.stop()

    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
    edge = Edge(app, holder)
    observed = ApiMetrics(SyncCollector(lambda: holder.model, clock, lambda: edge.counts))
    app.state.holder = holder
    app.state.metrics = observed
    return ObservedApp(edge, app.routes, observed, settings.max_concurrent_requests)
