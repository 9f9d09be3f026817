"""The fake GitHub, driven over real loopback HTTP: it must keep GitHub's wire contract."""

from __future__ import annotations

import base64
import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.fakes.github import FakeGitHub, FakeRepository, make_pull_record
from tests.fakes.github_records import API_ORIGIN, make_user
from tests.fakes.server import serve_in_thread

REPO = "AlmaLinux/ALESCo"
PULLS = f"/repos/{REPO}/pulls"
T0 = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
API_MENTION = "Compare https://api.github.com/rate_limit"  # prose, not a URL field
RFC_TEXT = "# RFC: Mainline kernel\n\n- Status: Draft\n\nBuild the kernel from mainline. ✓\n" * 3

# Keys of a real pulls-list item and issue event (research/github_ingest.md, Examples A and B).
PULL_KEYS = {
    "url", "id", "node_id", "html_url", "issue_url", "number", "state", "locked", "title",
    "user", "body", "labels", "milestone", "created_at", "updated_at", "closed_at", "merged_at",
    "assignees", "requested_reviewers", "requested_teams", "author_association", "auto_merge",
    "draft",
}  # fmt: skip
EVENT_KEYS = {
    "id", "node_id", "url", "actor", "event", "commit_id", "commit_url", "created_at",
    "performed_via_github_app",
}  # fmt: skip
USER_KEYS = {"login", "id", "node_id", "avatar_url", "html_url", "type", "site_admin"}
LABEL_KEYS = {"id", "node_id", "url", "name", "color", "default", "description"}


def day(number: float) -> datetime:
    return T0 + timedelta(days=number)


@pytest.fixture
def github() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def repository(github: FakeGitHub) -> FakeRepository:
    """Five open pulls, #1 oldest; #1 adds an RFC file."""
    repository = github.add_repository({"repo": REPO})
    repository.add_pull(
        1,
        "RFC: Mainline kernel",
        "ramereth",
        created_at=day(1),
        labels=["accepted for discussion"],
        files=[("rfcs/0001-mainline-kernel.md", "added", RFC_TEXT)],
    )
    for number in range(2, 6):
        repository.add_pull(number, f"RFC {number}", "alice", created_at=day(number))
    return repository


@pytest.fixture
def base_url(github: FakeGitHub) -> Iterator[str]:
    with serve_in_thread(github.app) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers={"User-Agent": "alesco-tests"}) as client:
        yield client


def numbers(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()]


def remaining(response: httpx.Response) -> int:
    return int(response.headers["x-ratelimit-remaining"])


def test_pagination_follows_link_urls_verbatim(
    github: FakeGitHub, repository: FakeRepository, base_url: str, client: httpx.Client
) -> None:
    github.max_per_page = 2
    response = client.get(PULLS, params={"state": "all", "per_page": 100})
    assert set(response.links) == {"next", "last"}
    seen = numbers(response)
    followed = []
    while "next" in response.links:
        url = response.links["next"]["url"]
        followed.append(url)
        response = client.get(url)
        seen += numbers(response)
    assert seen == [5, 4, 3, 2, 1]
    prefix = f"{base_url}/repositories/{repository.repository_id}/pulls?"
    assert followed == [
        f"{prefix}state=all&per_page=100&page=2",
        f"{prefix}state=all&per_page=100&page=3",
    ]
    assert set(response.links) == {"prev", "first"}
    middle = client.get(followed[0])
    assert set(middle.links) == {"prev", "next", "last", "first"}
    assert middle.links["last"]["url"].endswith("page=3")
    assert client.get(f"{prefix}state=all&per_page=100&page=9").json() == []


def test_one_page_has_no_link_header(repository: FakeRepository, client: httpx.Client) -> None:
    response = client.get(PULLS, params={"per_page": 5})
    assert len(response.json()) == 5
    assert "link" not in response.headers


def test_pulls_order_and_state_follow_github_defaults(
    repository: FakeRepository, client: httpx.Client
) -> None:
    repository.close(2, actor="codyro", at=day(10))
    repository.edit_body(4, "New text", at=day(11))
    assert numbers(client.get(PULLS)) == [5, 4, 3, 1]
    assert numbers(client.get(PULLS, params={"state": "closed"})) == [2]
    assert numbers(client.get(PULLS, params={"state": "all", "sort": "updated"})) == [1, 3, 5, 2, 4]
    assert numbers(client.get(PULLS, params={"direction": "asc"})) == [1, 3, 4, 5]
    invalid = client.get(PULLS, params={"state": "merged"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "state"


def test_etag_round_trip_and_mutation_changes_it(
    repository: FakeRepository, client: httpx.Client
) -> None:
    first = client.get(PULLS)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    unchanged = client.get(PULLS, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    repository.add_label(3, "vote at next meeting", actor="codyro", at=day(12), color="fbca04")
    changed = client.get(PULLS, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    pull = next(item for item in changed.json() if item["number"] == 3)
    assert [label["name"] for label in pull["labels"]] == ["vote at next meeting"]
    assert pull["updated_at"] == "2026-08-13T12:00:00Z"


def test_authenticated_304_is_free_but_anonymous_304_costs_one(
    repository: FakeRepository, client: httpx.Client
) -> None:
    auth = {"Authorization": "Bearer secret"}
    first = client.get(PULLS, headers=auth)
    assert first.headers["x-ratelimit-limit"] == "5000"
    again = client.get(PULLS, headers={**auth, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert remaining(again) == remaining(first) == 4999

    anonymous = client.get(PULLS)
    assert anonymous.headers["x-ratelimit-limit"] == "60"
    assert anonymous.headers["x-ratelimit-resource"] == "core"
    conditional = client.get(PULLS, headers={"If-None-Match": anonymous.headers["etag"]})
    assert conditional.status_code == 304
    assert remaining(conditional) == remaining(anonymous) - 1
    assert conditional.headers["x-ratelimit-used"] == "2"
    assert int(conditional.headers["x-ratelimit-reset"]) > datetime.now(UTC).timestamp()


def test_missing_user_agent_is_forbidden(repository: FakeRepository, base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        del client.headers["user-agent"]
        response = client.get(PULLS)
    assert response.status_code == 403
    assert "User-Agent" in response.json()["message"]


def test_exhausted_rate_limit_answers_403_with_remaining_zero(
    github: FakeGitHub, repository: FakeRepository, client: httpx.Client
) -> None:
    github.anonymous_limit = 2
    assert [client.get(PULLS).status_code for _ in range(2)] == [200, 200]
    refused = client.get(PULLS)
    assert refused.status_code == 403
    assert remaining(refused) == 0
    assert refused.json()["message"].startswith("API rate limit exceeded for 127.0.0.1.")
    assert client.get(PULLS, headers={"Authorization": "token other"}).status_code == 200


def test_wrong_token_is_bad_credentials() -> None:
    github = FakeGitHub(token="secret")
    github.add_repository({"repo": REPO})
    with serve_in_thread(github.app) as url, httpx.Client(base_url=url) as client:
        wrong = client.get(PULLS, headers={"Authorization": "Bearer nope"})
        right = client.get(PULLS, headers={"Authorization": "Bearer secret"})
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "Bad credentials"
    assert right.status_code == 200


def test_contents_decode_back_to_the_text(repository: FakeRepository, client: httpx.Client) -> None:
    response = client.get(
        f"/repos/{REPO}/contents/rfcs/0001-mainline-kernel.md", params={"ref": "abc123"}
    )
    record = response.json()
    assert (record["type"], record["encoding"], record["name"]) == (
        "file",
        "base64",
        "0001-mainline-kernel.md",
    )
    lines = record["content"].splitlines()
    assert len(lines) > 1
    assert all(len(line) <= 60 for line in lines)
    assert base64.b64decode(record["content"]).decode() == RFC_TEXT
    assert record["size"] == len(RFC_TEXT.encode())
    assert client.get(f"/repos/{REPO}/contents/rfcs/missing.md").status_code == 404


def test_pull_files_point_at_the_fakes_contents(
    repository: FakeRepository, base_url: str, client: httpx.Client
) -> None:
    (entry,) = client.get(f"/repos/{REPO}/pulls/1/files").json()
    assert (entry["filename"], entry["status"]) == ("rfcs/0001-mainline-kernel.md", "added")
    assert entry["additions"] == len(RFC_TEXT.splitlines())
    assert entry["contents_url"].startswith(f"{base_url}/repos/{REPO}/contents/")
    content = client.get(entry["contents_url"]).json()["content"]
    assert base64.b64decode(content).decode() == RFC_TEXT


def test_merge_records_merged_then_closed_in_one_second(
    repository: FakeRepository, client: httpx.Client
) -> None:
    repository.merge(1, actor="codyro", at=day(20))
    events = client.get(f"/repos/{REPO}/issues/1/events").json()
    assert [(event["event"], event["created_at"]) for event in events] == [
        ("labeled", "2026-08-02T12:00:00Z"),
        ("merged", "2026-08-21T12:00:00Z"),
        ("closed", "2026-08-21T12:00:00Z"),
    ]
    assert events[1]["commit_id"] == repository.pull(1)["head"]["sha"]
    assert events[1]["commit_url"].endswith(f"/commits/{events[1]['commit_id']}")
    assert events[0]["id"] < events[1]["id"] < events[2]["id"]
    (pull,) = client.get(PULLS, params={"state": "closed"}).json()
    assert pull["merged_at"] == pull["closed_at"] == "2026-08-21T12:00:00Z"
    issue = client.get(f"/repos/{REPO}/issues/1").json()
    assert issue["pull_request"]["merged_at"] == "2026-08-21T12:00:00Z"
    with pytest.raises(ValueError, match="cannot be reopened"):
        repository.reopen(1, actor="codyro")


def test_closed_by_is_the_last_closer(repository: FakeRepository, client: httpx.Client) -> None:
    repository.close(2, actor="alice", at=day(10))
    repository.reopen(2, actor="codyro", at=day(11))
    repository.close(2, actor="jonathan", at=day(12))
    issue = client.get(f"/repos/{REPO}/issues/2").json()
    assert issue["closed_by"]["login"] == "jonathan"
    assert issue["state"] == "closed"
    assert issue["closed_at"] == "2026-08-13T12:00:00Z"
    assert client.get(f"/repos/{REPO}/issues/3").json()["closed_by"] is None


def test_closed_by_from_a_dump_gives_way_to_a_recorded_close() -> None:
    pull = make_pull_record(REPO, 7, "RFC", "alice", created_at=T0, state="closed", closed_at=T0)
    github = FakeGitHub()
    repository = github.add_repository(
        {"repo": REPO, "pulls": [pull], "issues": {"7": {"closed_by": make_user("alice")}}}
    )
    assert repository.issue(7)["closed_by"]["login"] == "alice"
    repository.reopen(7, actor="bob", at=day(1))
    repository.close(7, actor="bob", at=day(2))
    assert repository.issue(7)["closed_by"]["login"] == "bob"


def test_issue_honours_if_modified_since(repository: FakeRepository, client: httpx.Client) -> None:
    first = client.get(f"/repos/{REPO}/issues/3")
    assert first.headers["last-modified"] == "Tue, 04 Aug 2026 12:00:00 GMT"
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert client.get(f"/repos/{REPO}/issues/3", headers=since).status_code == 304
    repository.set_draft(3, True, at=day(5))
    assert client.get(f"/repos/{REPO}/issues/3", headers=since).status_code == 200


def test_records_have_every_key_of_real_examples(
    repository: FakeRepository, client: httpx.Client
) -> None:
    pull = client.get(PULLS).json()[-1]
    assert pull.keys() >= PULL_KEYS
    assert pull["user"].keys() >= USER_KEYS
    assert pull["labels"][0].keys() >= LABEL_KEYS
    (labeled,) = client.get(f"/repos/{REPO}/issues/1/events").json()
    assert labeled.keys() >= EVENT_KEYS | {"label"}
    assert labeled["label"] == {"name": "accepted for discussion", "color": "ededed"}
    assert labeled["actor"].keys() >= USER_KEYS
    assert labeled["performed_via_github_app"] is None


def test_make_pull_record_has_every_key_of_real_example() -> None:
    record = make_pull_record(REPO, 18, "RFC", "ramereth", created_at=T0, labels=["accepted"])
    assert record.keys() >= PULL_KEYS
    assert record["created_at"] == record["updated_at"] == "2026-08-01T12:00:00Z"
    assert record["html_url"] == f"https://github.com/{REPO}/pull/18"


def test_events_and_files_paginate_under_repositories(
    github: FakeGitHub, repository: FakeRepository, client: httpx.Client
) -> None:
    github.max_per_page = 2
    for name in ("a", "b"):
        repository.add_label(4, name, actor="codyro", at=day(6))
    repository.remove_label(4, "a", actor="codyro", at=day(7))
    response = client.get(f"/repos/{REPO}/issues/4/events")
    events = response.json()
    while "next" in response.links:
        assert (
            f"/repositories/{repository.repository_id}/issues/4/events"
            in (response.links["next"]["url"])
        )
        response = client.get(response.links["next"]["url"])
        events += response.json()
    assert [(event["event"], event["label"]["name"]) for event in events] == [
        ("labeled", "a"),
        ("labeled", "b"),
        ("unlabeled", "a"),
    ]


def test_seeded_dump_is_served_verbatim_but_for_api_origin() -> None:
    pull = make_pull_record(REPO, 7, "RFC: Seeded", "alice", created_at=T0, body=API_MENTION)
    github = FakeGitHub()
    github.add_repository({"repo": REPO, "pulls": [pull], "issues": {"7": {"closed_by": None}}})
    with serve_in_thread(github.app) as url, httpx.Client(base_url=url) as client:
        (served,) = client.get(PULLS).json()
        issue = client.get(f"/repos/{REPO.lower()}/issues/7").json()
    expected = json.loads(json.dumps({**pull, "body": None}).replace(API_ORIGIN, url))
    assert served == {**expected, "body": API_MENTION}
    assert served["url"] == f"{url}/repos/{REPO}/pulls/7"
    assert served["html_url"] == f"https://github.com/{REPO}/pull/7"
    assert (issue["number"], issue["closed_by"]) == (7, None)


def test_unknown_things_are_github_404s(repository: FakeRepository, client: httpx.Client) -> None:
    expected = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    for path in (
        f"/repos/{REPO}/issues/99",
        f"/repos/{REPO}/pulls/99/files",
        "/repos/Nobody/Nothing/pulls",
        "/gists",
    ):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, expected), path
        assert "x-ratelimit-remaining" in response.headers
    assert client.post(PULLS, json={"title": "x"}).json() == expected


def test_failure_switches_answer_then_recover(
    github: FakeGitHub, repository: FakeRepository, client: httpx.Client
) -> None:
    github.fail_next("/pulls", 503, times=2)
    github.fail_next("/events", 429, retry_after=30)
    github.malformed("/issues/1")
    assert [client.get(PULLS).status_code for _ in range(3)] == [503, 503, 200]
    limited = client.get(f"/repos/{REPO}/issues/1/events")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "30")
    assert int(limited.headers["x-ratelimit-remaining"]) > 0
    broken = client.get(f"/repos/{REPO}/issues/1")
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    assert client.get(f"/repos/{REPO}/issues/1").json()["number"] == 1


def test_requests_are_recorded(
    github: FakeGitHub, repository: FakeRepository, client: httpx.Client
) -> None:
    client.get(PULLS, params={"state": "all"}, headers={"X-GitHub-Api-Version": "2022-11-28"})
    client.get(f"/repos/{REPO}/issues/99")
    first, second = github.requests
    assert (first.method, first.path, first.query, first.status) == ("GET", PULLS, "state=all", 200)
    assert first.headers["x-github-api-version"] == "2022-11-28"
    assert first.headers["user-agent"] == "alesco-tests"
    assert second.status == 404
    github.reset_log()
    assert github.requests == []


def test_server_stops_when_the_block_ends() -> None:
    with serve_in_thread(FakeGitHub().app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=1),
    ):
        pass
