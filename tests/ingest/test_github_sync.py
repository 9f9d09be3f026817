"""The GitHub sync against a fake GitHub over real HTTP, stored in real databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from alesco.database.data_version import read_data_version
from alesco.domain.lifecycle import Stage
from alesco.read.queries import find_proposals
from alesco.storage.snapshot import install_snapshot, read_snapshot
from alesco.storage.sync_runs import Outcome, Source
from ingest.syncs.github_sync import sync_github
from tests.conftest import make_settings
from tests.factories import index_of
from tests.ingest.conftest import api_client

REPO = "AlmaLinux/ALESCo"
T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RFC_TEXT = (
    "# RFC: Widgets\n\n* **RFC Number:** `0009`\n* **Author(s):** [Ann](mailto:a@x.org)\n"
    "* **Status:** Draft\n* **Created:** [2026-03-01 12:00 UTC]\n\n## Abstract\n\nMore widgets.\n"
)


def snapshot_dump() -> dict:
    from importlib import resources

    import orjson

    raw = resources.files("alesco.data").joinpath("snapshot.json").read_bytes()
    return orjson.loads(raw)["repositories"][0]


def stage_of(engine, number: int, repo: str = REPO) -> tuple[str, Stage | None, Stage | None]:
    with Session(engine) as session:
        (proposal,) = find_proposals(index_of(session), number, repo)
    return proposal.kind.value, proposal.stage, proposal.outcome


def version(engine) -> int:
    with Session(engine) as session:
        return read_data_version(session).version


async def all_proposals(settings, engine) -> list[dict]:
    """Every stored proposal as served (`meta` moves with each sync; `data` must not)."""
    async with api_client(settings, engine) as client:
        response = await client.get("/v1/proposals?state=all&kind=all&limit=100")
    return response.json()["data"]


async def sync_from(fake, engine, database_url, pulls: int, syncs: int = 1) -> list:
    """Serve `pulls` RFC PRs of o/r from `fake` (a FakeGitHub with a quirk), sync `syncs`
    times, and return each sync's report."""
    from tests.fakes.server import serve_in_thread

    repo = fake.add_repository({"repo": "o/r"})
    for number in range(1, pulls + 1):
        repo.add_pull(number, f"RFC: {number}", "ann", created_at=T + timedelta(hours=number))
    with serve_in_thread(fake.app) as url:
        settings = make_settings(
            database_url=database_url, github_api_url=url, github_repos=("o/r",)
        )
        return [await sync_github(settings, engine) for _ in range(syncs)]


async def test_real_alesco_pull_requests_over_the_wire(github, engine, database_url):
    github.fake.add_repository(snapshot_dump())
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    assert report.items == 16
    for number in (5, 11, 12, 13, 14, 17):
        assert stage_of(engine, number)[0] == "other"
    assert stage_of(engine, 15) == ("rfc", Stage.SUPERSEDED, Stage.SUPERSEDED)
    assert stage_of(engine, 4) == ("rfc", Stage.CLOSED, None)
    assert stage_of(engine, 8) == ("rfc", Stage.ACCEPTED, Stage.ACCEPTED)
    assert stage_of(engine, 16) == ("rfc", Stage.SUBMITTED, None)
    with Session(engine) as session:
        (rfc,) = find_proposals(index_of(session), 8)
    assert rfc.rfc_number == "0004"
    assert rfc.rfc is not None
    assert rfc.rfc.status == "Approved"
    assert (rfc.abstract or "").startswith("Build and ship NVIDIA")


async def test_sync_equals_the_bundled_snapshot(github, engine, database_url):
    """The snapshot and a live sync of the same records derive the same proposals."""
    github.fake.add_repository(snapshot_dump())
    await sync_github(github.settings(database_url), engine)
    expected = {p.number: p for p, _ in read_snapshot().proposals}
    with Session(engine) as session:
        for number, proposal in expected.items():
            assert find_proposals(index_of(session), number, REPO) == [proposal]


async def test_follows_link_pagination_without_assuming_a_page_size(github, engine, database_url):
    github.fake.max_per_page = 3
    github.fake.add_repository(snapshot_dump())
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    pull_pages = [r for r in github.fake.requests if r.path.endswith("/pulls")]
    assert len(pull_pages) == 6  # 16 pulls, 3 per page
    assert pull_pages[0].path == f"/repos/{REPO}/pulls"
    assert all(r.path.startswith("/repositories/") for r in pull_pages[1:])
    with Session(engine) as session:
        assert len([n for n in range(1, 19) if find_proposals(index_of(session), n)]) == 16


async def test_unchanged_upstream_costs_only_304s(github, engine, database_url):
    github.fake.max_per_page = 5
    github.fake.add_repository(snapshot_dump())
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    before = (version(engine), await all_proposals(settings, engine))
    github.fake.reset_log()
    report = await sync_github(settings, engine)
    assert report.outcome == Outcome.SUCCESS
    requests = github.fake.requests
    assert len(requests) == 4  # one per pulls page
    assert all(r.status == 304 for r in requests)
    assert all("if-none-match" in r.headers for r in requests)
    assert (report.requests, report.not_modified, report.changed) == (4, 4, False)
    assert (version(engine), await all_proposals(settings, engine)) == before


async def test_only_changed_prs_are_fetched_again(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(
        1, "RFC: One", "ann", created_at=T, files=[("rfcs/0001-one.md", "added", RFC_TEXT)]
    )
    repo.add_pull(2, "RFC: Two", "bob", created_at=T)
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    github.fake.reset_log()
    repo.add_label(2, "Accepted for Discussion", actor="chair", at=T + timedelta(days=1))
    report = await sync_github(settings, engine)
    assert report.changed is True
    fetched = {r.path for r in github.fake.requests}
    assert fetched == {"/repos/o/r/pulls", "/repos/o/r/pulls/2/files", "/repos/o/r/issues/2/events"}
    assert stage_of(engine, 2, "o/r") == ("rfc", Stage.DISCUSSION, None)
    assert stage_of(engine, 1, "o/r") == ("rfc", Stage.SUBMITTED, None)


async def test_a_new_pr_supersedes_an_unchanged_one(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(3, "RFC: Old", "ann", created_at=T)
    repo.close(3, actor="ann", at=T + timedelta(days=2))
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    assert stage_of(engine, 3, "o/r") == ("rfc", Stage.WITHDRAWN, Stage.WITHDRAWN)
    repo.add_pull(4, "RFC: New", "bob", body="This replaces #3.", created_at=T + timedelta(days=3))
    github.fake.reset_log()
    await sync_github(settings, engine)
    assert "/repos/o/r/issues/3/events" not in github.paths()
    assert stage_of(engine, 3, "o/r") == ("rfc", Stage.SUPERSEDED, Stage.SUPERSEDED)
    with Session(engine) as session:
        (old,) = find_proposals(index_of(session), 3)
        (new,) = find_proposals(index_of(session), 4)
    assert (old.superseded_by, new.supersedes) == (4, (3,))


async def test_sends_githubs_headers_and_the_token_only_when_set(github, engine, database_url):
    github.fake.token = "ghp_test_token"
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    report = await sync_github(github.settings(database_url, github_token="ghp_test_token"), engine)
    assert report.outcome == Outcome.SUCCESS
    for request in github.fake.requests:
        assert request.headers["authorization"] == "Bearer ghp_test_token"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["user-agent"].startswith("alesco-api/")
    github.fake.token = None
    github.fake.reset_log()
    await sync_github(github.settings(database_url), engine)
    assert github.fake.requests
    assert all("authorization" not in request.headers for request in github.fake.requests)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(
            lambda fake: fake.fail_next("/events", 502, times=5),
            "upstream_unavailable",
            id="502-on-events-every-retry",
        ),
        pytest.param(
            lambda fake: fake.malformed("/pulls"), "malformed_upstream", id="malformed-pulls-list"
        ),
        pytest.param(
            lambda fake: fake.fail_next("/files", 429, retry_after=120),
            "rate_limited",
            id="429-retry-after",
        ),
        pytest.param(
            lambda fake: fake.fail_next("/pulls", 404), "upstream_rejected", id="404-repository"
        ),
    ],
)
async def test_failed_sync_changes_nothing_and_says_why(
    github, engine, database_url, fault, reason
):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    before = (version(engine), await all_proposals(settings, engine))
    repo.add_label(1, "vote at next meeting", actor="chair", at=T + timedelta(days=1))
    repo.add_pull(2, "RFC: Two", "bob", created_at=T + timedelta(days=1))
    fault(github.fake)
    report = await sync_github(settings, engine)
    assert report.outcome == Outcome.FAILED
    assert report.reason == reason
    assert (version(engine), await all_proposals(settings, engine)) == before
    async with api_client(settings, engine) as client:
        status = (await client.get("/v1/status")).json()["data"]["sources"]["github"]
    assert status["outcome"] == "failed"
    assert status["error"]["reason"] == reason
    assert status["stale"] is True
    healed = await sync_github(settings, engine)
    assert healed.outcome == Outcome.SUCCESS
    assert stage_of(engine, 1, "o/r") == ("rfc", Stage.FCP, None)


async def test_rate_limit_exhaustion_is_recorded_with_its_reset(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    github.fake.rate_limit().used = 60
    report = await sync_github(github.settings(database_url), engine)
    assert (report.outcome, report.reason) == (Outcome.FAILED, "rate_limited")
    assert report.rate_limit_remaining == 0
    assert report.rate_limit_reset_at is not None
    assert report.rate_limit_reset_at > datetime.now(UTC)


async def test_missing_rfc_file_is_a_warning_not_a_failure(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "Widgets", "ann", created_at=T, files=[("rfcs/0009-w.md", "added", RFC_TEXT)])
    del repo.contents["rfcs/0009-w.md"]
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    assert report.warnings == ["o/r#1: rfcs/0009-w.md not found upstream"]
    assert stage_of(engine, 1, "o/r") == ("rfc", Stage.SUBMITTED, None)


async def test_rfc_document_is_read_from_the_pr(github, engine, database_url):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "Widgets", "ann", created_at=T, files=[("rfcs/0009-w.md", "added", RFC_TEXT)])
    await sync_github(github.settings(database_url), engine)
    with Session(engine) as session:
        (proposal,) = find_proposals(index_of(session), 1)
    assert (proposal.rfc_number, proposal.abstract) == ("0009", "More widgets.")
    assert proposal.rfc is not None
    assert proposal.rfc.authors == ("Ann",)


async def test_several_repositories_in_one_transaction(github, engine, database_url):
    github.fake.add_repository({"repo": "o/a"}).add_pull(1, "RFC: A", "ann", created_at=T)
    github.fake.add_repository({"repo": "o/b"}).add_pull(1, "RFC: B", "bob", created_at=T)
    report = await sync_github(github.settings(database_url, "o/a", "o/b"), engine)
    assert report.items == 2
    with Session(engine) as session:
        assert {p.repo for p in find_proposals(index_of(session), 1)} == {"o/a", "o/b"}
    github.fake.fail_next("/repos/o/b/pulls", 500, times=5)
    github.fake.repository("o/a").add_label(
        1, "vote at next meeting", actor="x", at=T + timedelta(days=1)
    )
    assert (await sync_github(github.settings(database_url, "o/a", "o/b"), engine)).outcome == (
        Outcome.FAILED
    )
    assert stage_of(engine, 1, "o/a") == ("rfc", Stage.SUBMITTED, None)


async def test_snapshot_is_replaced_whole_by_the_first_upstream_sync(github, engine, database_url):
    assert install_snapshot(engine, T) == list(Source)
    assert install_snapshot(engine, T) == []
    dump = snapshot_dump()
    github.fake.add_repository(dump)
    github.fake.repository(REPO).add_label(
        16, "accepted for discussion", actor="chair", at=datetime(2026, 9, 2, tzinfo=UTC)
    )
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    fetched_events = {p for p in github.paths() if p.endswith("/events")}
    assert len(fetched_events) == 10  # every RFC refetched, though most updated_at are equal
    assert stage_of(engine, 16) == ("rfc", Stage.DISCUSSION, None)
    assert install_snapshot(engine, T) == []


async def test_gone_sub_resources_are_warnings_and_the_listing_still_decides(
    github, engine, database_url
):
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    repo.close(1, actor="ann", at=T + timedelta(days=1))
    github.fake.fail_next("/issues/1/events", 410)
    github.fake.fail_next("/issues/1", 404)
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    assert report.warnings == [
        "o/r#1: issue events not available upstream",
        "o/r#1: issue record not available upstream",
    ]
    assert stage_of(engine, 1, "o/r") == ("rfc", Stage.CLOSED, None)


async def test_relative_link_urls_are_followed(github, engine, database_url):
    """Some GitHub-compatible servers send `Link: </path?page=2>`; resolve, do not fail."""
    from tests.fakes.github import FakeGitHub

    class RelativeLinks(FakeGitHub):
        def _paginate(self, request, repository, items):
            answer = super()._paginate(request, repository, items)
            if answer.link is None:
                return answer
            origin = f"{request.url.scheme}://{request.url.netloc}"
            return type(answer)(answer.status, answer.payload, answer.link.replace(origin, ""))

    (report,) = await sync_from(RelativeLinks(max_per_page=2), engine, database_url, 5)
    assert report.outcome == Outcome.SUCCESS
    assert report.items == 5


async def test_a_passing_5xx_is_retried_and_the_sync_succeeds(github, engine, database_url):
    github.fake.add_repository({"repo": "o/r"}).add_pull(1, "RFC: One", "ann", created_at=T)
    github.fake.fail_next("/pulls", 503, times=2)
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    pulls = [r.status for r in github.fake.requests if r.path.endswith("/pulls")]
    assert pulls == [503, 503, 200]
    assert report.requests == len(github.fake.requests)


async def test_events_added_on_a_new_page_are_read(github, engine, database_url):
    """A full last page of events answers 304 after an event lands on the page after it:
    a changed PR's events are read whole, not revalidated."""
    github.fake.max_per_page = 2
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: One", "ann", created_at=T)
    repo.add_label(1, "accepted for discussion", actor="chair", at=T + timedelta(days=1))
    repo.remove_label(1, "accepted for discussion", actor="chair", at=T + timedelta(days=2))
    settings = github.settings(database_url)
    await sync_github(settings, engine)
    voting = T + timedelta(days=3)
    repo.add_label(1, "vote at next meeting", actor="chair", at=voting)
    report = await sync_github(settings, engine)
    assert report.outcome == Outcome.SUCCESS
    with Session(engine) as session:
        (proposal,) = find_proposals(index_of(session), 1, "o/r")
    assert proposal.stage == Stage.FCP
    assert proposal.stage_since == voting


async def test_link_relations_compare_case_insensitively(engine, database_url):
    """RFC 8288: `rel="Next"` and `rel="next last"` name the next page too."""
    from tests.fakes.github import FakeGitHub

    class OddRelations(FakeGitHub):
        def _paginate(self, request, repository, items):
            answer = super()._paginate(request, repository, items)
            if answer.link is None:
                return answer
            link = answer.link.replace('rel="next"', 'rel="Next"')
            return type(answer)(answer.status, answer.payload, link)

    (report,) = await sync_from(OddRelations(max_per_page=2), engine, database_url, 5)
    assert report.outcome == Outcome.SUCCESS
    assert report.items == 5


async def test_a_pr_opened_while_the_list_is_paged_is_no_crash(engine, database_url):
    """Newest first, a PR opened after page 1 was served pushes page 1's last PR onto
    page 2 as well: it is stored once, and the new PR comes with the next sync."""
    from tests.fakes.github import FakeGitHub

    class OpensOneMidway(FakeGitHub):
        opened = False

        def _paginate(self, request, repository, items):
            answer = super()._paginate(request, repository, items)
            if request.url.path.endswith("/pulls") and not self.opened:
                self.opened = True
                repository.add_pull(9, "RFC: Nine", "eve", created_at=T + timedelta(days=9))
            return answer

    first, second = await sync_from(
        OpensOneMidway(max_per_page=2), engine, database_url, 4, syncs=2
    )
    assert (first.outcome, first.items) == (Outcome.SUCCESS, 4)
    assert (second.outcome, second.items) == (Outcome.SUCCESS, 5)


async def test_a_nul_in_a_pr_cannot_fail_the_sync(github, engine, database_url):
    """Anyone can open a PR whose title or body holds U+0000, which PostgreSQL text cannot
    store: it is dropped at the boundary, not allowed to fail every later sync."""
    repo = github.fake.add_repository({"repo": "o/r"})
    repo.add_pull(1, "RFC: Hostile\x00 title", "mallory", body="Supersedes #0\x00", created_at=T)
    report = await sync_github(github.settings(database_url), engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    with Session(engine) as session:
        (proposal,) = find_proposals(index_of(session), 1, "o/r")
    assert proposal.title == "RFC: Hostile title"
