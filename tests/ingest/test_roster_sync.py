"""The roster sync: the bundled file, a path, an URL; invalid rosters change nothing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from alesco.storage.committee_store import load_committee
from alesco.storage.sync_runs import Outcome
from ingest.syncs.roster_sync import sync_roster
from tests.conftest import make_settings
from tests.fakes.server import serve_in_thread

ROSTER = "members:\n  - name: Ann Member\n    github: ann\n    joined: 2024-01-01\n"


def names(engine):
    with Session(engine) as session:
        return [m.name for m in load_committee(session, (), date(2026, 1, 1)).members]


async def test_bundled_roster_by_default(engine, database_url):
    report = await sync_roster(make_settings(database_url=database_url), engine)
    assert (report.outcome, report.items) == (Outcome.SUCCESS, 7)
    assert "Jonathan Wright" in names(engine)


async def test_roster_from_a_path_and_a_bad_one_keeps_the_last_good(engine, database_url, tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER)
    config = make_settings(database_url=database_url, roster=str(path))
    assert (await sync_roster(config, engine)).outcome == Outcome.SUCCESS
    path.write_text(ROSTER + "    joined_on: yesterday\n")
    report = await sync_roster(config, engine)
    assert (report.outcome, report.reason) == (Outcome.FAILED, "invalid_roster")
    assert report.error == f"{path}:5: members[0].joined_on: Extra inputs are not permitted"
    assert names(engine) == ["Ann Member"]
    missing = make_settings(database_url=database_url, roster=str(tmp_path / "nope.yaml"))
    report = await sync_roster(missing, engine)
    assert report.outcome == Outcome.FAILED
    assert "cannot read the roster" in report.error


async def test_roster_from_an_url(engine, database_url):
    async def roster(request):
        return PlainTextResponse(ROSTER, headers={"ETag": '"r1"'})

    with serve_in_thread(Starlette(routes=[Route("/roster.yaml", roster)])) as url:
        config = make_settings(database_url=database_url, roster=f"{url}/roster.yaml")
        report = await sync_roster(config, engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    assert names(engine) == ["Ann Member"]
