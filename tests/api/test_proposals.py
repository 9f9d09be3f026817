"""`/v1/proposals` and `/v1/proposals/{number}` over HTTP semantics, on both backends."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.conftest import REPO, store_synced
from tests.factories import facts, pull, stored

PROPOSAL_FIELDS = {
    "repo",
    "number",
    "title",
    "url",
    "kind",
    "state",
    "stage",
    "outcome",
    "draft",
    "author",
    "labels",
    "rfc_number",
    "abstract",
    "created_at",
    "updated_at",
    "closed_at",
    "merged_at",
    "stage_since",
    "stage_history",
    "stage_reason",
    "supersedes",
    "superseded_by",
}


async def test_default_list_is_open_rfcs(client, committee):
    response = await client.get("/v1/proposals")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert [p["number"] for p in body["data"]] == [1, 2, 3]
    assert [p["stage"] for p in body["data"]] == ["submitted", "discussion", "fcp"]
    assert body["meta"]["count"] == 3
    assert body["meta"]["next_cursor"] is None
    assert body["meta"]["stale"] is False
    assert body["meta"]["synced_at"] == "2025-02-15T12:00:00Z"
    assert (
        response.headers["link"] == '<http://testserver/v1/proposals>; rel="first"'
    )  # no next page
    assert response.headers["x-total-count"] == "3"


async def test_proposal_shape(client, committee):
    body = (await client.get("/v1/proposals/3")).json()
    proposal = body["data"]
    assert set(proposal) >= PROPOSAL_FIELDS
    assert proposal["stage_history"] == [
        {"stage": "submitted", "entered_at": "2025-01-09T12:00:00Z"},
        {"stage": "discussion", "entered_at": "2025-01-12T12:00:00Z"},
        {"stage": "fcp", "entered_at": "2025-01-14T12:00:00Z"},
    ]
    assert proposal["stage_since"] == "2025-01-14T12:00:00Z"
    assert proposal["stage_reason"] == {
        "rule": "label",
        "evidence": "vote at next meeting",
        "at": "2025-01-14T12:00:00Z",
    }
    assert proposal["labels"] == [
        {"name": "vote at next meeting", "color": "ededed", "description": None}
    ]
    assert proposal["author"] == {"login": "alice", "avatar_url": "https://avatars.example/alice"}
    assert proposal["outcome"] is None
    assert body["meta"]["stale"] is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=closed", [5, 4]),
        ("state=all&sort=number", [1, 2, 3, 4, 5]),
        ("stage=accepted", [4]),
        ("stage=withdrawn&stage=fcp&sort=number", [3, 5]),
        ("stage=fcp,discussion&sort=number", [2, 3]),
        ("kind=other", [6]),
        ("kind=all&sort=-number", [6, 3, 2, 1]),
        ("q=voting", [3]),
        ("q=%C2%B2", []),  # '²' passes str.isdigit(); int() refuses it
        (f"repo={REPO}&sort=created", [1, 2, 3]),
        ("repo=someone/else", []),
    ],
)
async def test_filters_and_sorts(client, committee, query, expected):
    body = (await client.get(f"/v1/proposals?{query}")).json()
    assert [p["number"] for p in body["data"]] == expected
    assert body["meta"]["count"] == len(expected)


async def test_closed_outcomes(client, committee):
    merged = (await client.get("/v1/proposals/4")).json()["data"]
    assert (merged["stage"], merged["outcome"]) == ("accepted", "accepted")
    assert merged["stage_reason"]["rule"] == "merged"
    assert merged["merged_at"] == "2025-01-18T12:00:00Z"
    withdrawn = (await client.get("/v1/proposals/5")).json()["data"]
    assert (withdrawn["stage"], withdrawn["outcome"]) == ("withdrawn", "withdrawn")
    assert withdrawn["stage_reason"] == {
        "rule": "closed_by_author",
        "evidence": "alice",
        "at": "2025-01-19T12:00:00Z",
    }


async def test_other_kind_has_no_stage_but_is_addressable(client, committee):
    other = (await client.get("/v1/proposals/6")).json()["data"]
    assert other["kind"] == "other"
    assert other["stage"] is None
    assert other["stage_history"] == []


async def test_cursor_pages_and_link_header(client, committee):
    seen, url, pages = [], "/v1/proposals?state=all&limit=2", 0
    while url:
        response = await client.get(url)
        body = response.json()
        seen += [p["number"] for p in body["data"]]
        pages += 1
        cursor = body["meta"]["next_cursor"]
        first, *rest = response.headers["link"].split(", ")
        assert first == '<http://testserver/v1/proposals?state=all&limit=2>; rel="first"'
        assert response.headers["x-total-count"] == "5"
        if cursor is None:
            assert rest == []
            url = None
            continue
        (link,) = rest
        assert link.endswith('>; rel="next"')
        next_url = link[1 : link.index(">")]
        query = parse_qs(urlsplit(next_url).query)
        assert query["cursor"] == [cursor]
        assert query["limit"] == ["2"]
        assert query["state"] == ["all"]
        url = next_url.removeprefix("http://testserver")
    assert sorted(seen) == [1, 2, 3, 4, 5]
    assert pages == 3


async def test_unknown_number_is_a_problem_404(client, committee):
    response = await client.get("/v1/proposals/999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "#999" in response.json()["detail"]


async def test_same_number_in_two_repositories_needs_repo(client, engine):
    store_synced(
        engine,
        stored(REPO, facts(pull(1, "RFC: here")))
        + stored("AlmaLinux/wiki", facts(pull(1, "RFC: there"))),
    )
    ambiguous = await client.get("/v1/proposals/1")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["invalid-params"][0]["name"] == "repo"
    chosen = await client.get("/v1/proposals/1?repo=almalinux/wiki")
    assert chosen.json()["data"]["title"] == "RFC: there"


async def test_head_answers_without_a_body(client, committee):
    response = await client.head("/v1/proposals")
    assert response.status_code == 200
    assert response.content == b""


async def test_json_is_indented_for_curl_and_compact_for_browsers(client, committee):
    curl = await client.get("/v1/proposals", headers={"user-agent": "curl/8.5.0"})
    browser = await client.get("/v1/proposals", headers={"user-agent": "Mozilla/5.0"})
    pretty = await client.get("/v1/proposals?pretty=1", headers={"user-agent": "Mozilla/5.0"})
    assert curl.text.startswith('{\n  "data"')
    assert pretty.text == curl.text
    assert "\n" not in browser.text
    assert browser.json() == curl.json()
