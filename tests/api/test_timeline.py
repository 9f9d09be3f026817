"""`/v1/proposals/{number}/timeline` and GraphQL `Proposal.timeline`, over the bundled
snapshot (the real pull requests and minutes), on both backends."""

from __future__ import annotations

import pytest

from alesco.storage.snapshot import install_snapshot, read_snapshot


@pytest.fixture
def bundled(engine):
    assert install_snapshot(engine, read_snapshot().built_at)
    return engine


async def test_the_timeline_of_four(client, bundled):
    answer = await client.get("/v1/proposals/4/timeline")
    assert answer.status_code == 200
    entries = answer.json()["data"]
    assert [entry["at"] for entry in entries] == sorted(entry["at"] for entry in entries)
    kinds = [
        (e["kind"], e["source"], e["stage"] or e["verdict"] or e["meeting_id"]) for e in entries
    ]
    assert kinds[0][:2] == ("opened", "github")
    assert ("decision", "minutes", "tabled") in kinds
    assert ("stage", "minutes", "rejected") in kinds
    assert ("discussed", "minutes", "2025-04-02") in kinds
    assert ("discussed", "minutes", "2025-04-16") in kinds
    assert kinds.index(("decision", "minutes", "tabled")) < kinds.index(
        ("decision", "minutes", "rejected")
    )
    discussed = next(
        e for e in entries if e["kind"] == "discussed" and e["meeting_id"] == "2025-04-02"
    )
    lines = {said["text"] for said in discussed["lines"]}
    assert "Jonathan: Tabling for vote at next meeting." in lines
    assert all("KVM" not in text for text in lines)  # #3's part of the minutes, not #4's
    assert discussed["url"].endswith("/2025-04-02.md")
    rejected = next(e for e in entries if e["kind"] == "decision" and e["verdict"] == "rejected")
    assert (rejected["decision_id"], rejected["line"]) == ("2025-04-16.1", 31)
    assert all(set(e) == set(entries[0]) for e in entries)  # one shape


async def test_github_events_and_the_stage_they_made(client, bundled):
    entries = (await client.get("/v1/proposals/10/timeline")).json()["data"]
    merged = [e for e in entries if e["kind"] == "merged"]
    assert len(merged) == 1
    assert merged[0]["source"] == "github"
    accepted = next(e for e in entries if e["kind"] == "stage" and e["stage"] == "accepted")
    assert (accepted["at"], accepted["rule"]) == (merged[0]["at"], "merged")
    assert [e["decision_id"] for e in entries if e["kind"] == "decision"] == [
        "2025-05-14.4",
        "2025-05-28.1",
    ]


async def test_graphql_timeline_mirrors_rest(client, bundled):
    rest = (await client.get("/v1/proposals/4/timeline")).json()["data"]
    answer = await client.post(
        "/graphql",
        json={
            "query": "{ proposal(number: 4) { timeline { at kind source meetingId decisionId "
            "verdict line lines { line text } } } }"
        },
    )
    timeline = answer.json()["data"]["proposal"]["timeline"]
    assert [(e["at"], e["kind"].lower(), e["source"].lower()) for e in timeline] == [
        (e["at"], e["kind"], e["source"]) for e in rest
    ]
    assert [len(e["lines"]) for e in timeline] == [len(e["lines"]) for e in rest]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/proposals/99999/timeline", 404),
        ("/v1/proposals/0/timeline", 400),
        ("/v1/proposals/4/timeline?stage=fcp", 400),
        ("/v1/proposals/4/timeline?repo=not-a-repo", 400),
    ],
)
async def test_bad_timeline_requests_are_problems(client, bundled, path, status):
    answer = await client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
