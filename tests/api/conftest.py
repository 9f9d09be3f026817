"""API fixtures: the app over a real database, driven in-process through ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import Session

from alesco.github_store import replace_proposals
from alesco.sync_runs import Origin, Outcome, Source, SyncReport, record_sync_run
from api.app import create_app
from tests.conftest import make_settings
from tests.factories import day, event, facts, pull, stored

NOW = day(40)
REPO = "AlmaLinux/ALESCo"


@pytest.fixture
async def client(engine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(sync_interval=300), engine, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def record_run(engine, at, outcome=Outcome.SUCCESS, **fields) -> None:
    """Record one GitHub sync run that started and ended at `at`."""
    with Session(engine) as session, session.begin():
        record_sync_run(
            session,
            SyncReport(
                Source.GITHUB,
                Origin.UPSTREAM,
                started_at=at,
                finished_at=at,
                outcome=outcome,
                **fields,
            ),
        )


def store_synced(engine, proposals, finished=NOW) -> None:
    """Store proposals the way a successful upstream sync does, with its run row."""
    with Session(engine) as session, session.begin():
        changed = replace_proposals(session, proposals, Origin.UPSTREAM, finished)
    record_run(engine, finished, items=len(proposals), changed=changed, requests=3, not_modified=2)


@pytest.fixture
def committee(engine):
    """A small repository with one proposal in each interesting stage."""
    store_synced(
        engine,
        stored(
            REPO,
            facts(pull(1, "RFC: Submitted one", created=1, updated=30)),
            facts(
                pull(
                    2, "RFC: Discussed", labels=("accepted for discussion",), created=2, updated=29
                ),
                (event("labeled", 5, "accepted for discussion"),),
            ),
            facts(
                pull(
                    3, "RFC: Voting soon", labels=("vote at next meeting",), created=3, updated=28
                ),
                (
                    event("labeled", 6, "accepted for discussion"),
                    event("labeled", 8, "vote at next meeting"),
                ),
            ),
            facts(
                pull(4, "RFC: Merged", created=4, merged=12),
                (event("merged", 12, actor="chair"), event("closed", 12, actor="chair")),
            ),
            facts(
                pull(5, "RFC: Given up", created=5, closed=13),
                (event("closed", 13, actor="alice"),),
            ),
            facts(pull(6, "Process fix", created=6, updated=27)),
        ),
    )
    return engine
