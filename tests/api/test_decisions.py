"""`/v1/decisions`, proposals' `decisions` and meetings' `decision_records`, over the bundled
snapshot (the real minutes and pull requests), on both backends."""

from __future__ import annotations

import pytest

from alesco.storage.snapshot import install_snapshot, read_snapshot


@pytest.fixture
def bundled(engine):
    assert install_snapshot(engine, read_snapshot().built_at)
    return engine


async def all_pages(client, query: str) -> list[dict]:
    found, url = [], f"/v1/decisions?{query}"
    while url:
        body = (await client.get(url)).json()
        found += body["data"]
        cursor = body["meta"]["next_cursor"]
        url = f"/v1/decisions?{query}&cursor={cursor}" if cursor else None
    return found


async def test_four_takes_its_rejection_from_the_minutes(client, bundled):
    proposal = (await client.get("/v1/proposals/4")).json()["data"]
    assert (proposal["state"], proposal["stage"], proposal["outcome"]) == (
        "closed",
        "rejected",
        "rejected",
    )
    assert proposal["stage_reason"]["rule"] == "minutes_decision"
    assert proposal["stage_reason"]["evidence"].startswith("2025-04-16.1: The RFC to build")
    assert proposal["stage_history"][-1] == {
        "stage": "rejected",
        "entered_at": "2025-04-16T00:00:00Z",
    }
    assert [(d["id"], d["verdict"]) for d in proposal["decisions"]] == [
        ("2025-04-02.3", "tabled"),
        ("2025-04-16.1", "rejected"),
    ]
    rejected = (await client.get("/v1/proposals?state=closed&stage=rejected")).json()["data"]
    assert [p["number"] for p in rejected] == [4]


async def test_a_merged_rfc_keeps_its_stage_and_shows_its_decisions(client, bundled):
    proposal = (await client.get("/v1/proposals/10")).json()["data"]
    assert proposal["stage"] == "accepted"
    assert proposal["stage_reason"]["rule"] == "merged"
    approved = proposal["decisions"][-1]
    assert approved["verdict"] == "approved"
    assert approved["tally"] == {
        "for": 4,
        "against": 1,
        "abstain": 0,
        "unanimous": None,
        "note": "Vote results: +4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)",
    }
    assert {(v["github"], v["vote"], v["inferred"]) for v in approved["votes"]} == {
        ("codyro", "for", False),
        ("andrewlukoshko", "against", False),
    }
    assert approved["evidence"]["minutes_url"].endswith("/2025-05-28.md")
    assert approved["evidence"]["line"] == 33


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("proposal=10", ["2025-05-28.1", "2025-05-14.4"]),
        ("proposal=10&repo=almalinux/alesco", ["2025-05-28.1", "2025-05-14.4"]),
        ("proposal=10&repo=other/repo", []),
        ("proposal=3&sort=date", ["2025-04-02.2", "2025-04-16.2", "2025-05-14.1"]),
        ("verdict=rejected", ["2025-10-02.1", "2025-04-16.1"]),
        ("verdict=elected&verdict=tabled", ["2025-08-20.1", "2025-07-09.1", "2025-04-02.3",
                                            "2024-10-02.1", "2024-09-04.3", "2024-09-04.2"]),
        ("verdict=elected,tabled&from=2025-01-01&to=2025-07-31", ["2025-07-09.1", "2025-04-02.3"]),
        ("q=crb", ["2025-05-28.1"]),
        ("q=UNANIMOUS&to=2024-08-31", ["2024-08-21.1", "2024-07-24.3", "2024-07-24.2",
                                       "2024-07-24.1"]),
    ],
)  # fmt: skip
async def test_filters(client, bundled, query, ids):
    body = (await client.get(f"/v1/decisions?{query}")).json()
    assert [d["id"] for d in body["data"]] == ids
    assert body["meta"]["count"] == len(ids)


async def test_keyset_pages_cover_the_list_once(client, bundled):
    whole = (await client.get("/v1/decisions?limit=100")).json()
    # 34 written in the 17 files; the vote on #4 folds into the decision that states it.
    assert whole["meta"]["count"] == len(whole["data"]) == 33
    for sort in ("-date", "date"):
        paged = await all_pages(client, f"limit=4&sort={sort}")
        expected = whole["data"] if sort == "-date" else None
        ids = [d["id"] for d in paged]
        assert len(ids) == len(set(ids)) == 33
        if expected is not None:
            assert paged == expected
    first = (await client.get("/v1/decisions?limit=4")).headers["link"]
    assert 'rel="next"' in first


async def test_one_decision_and_csv(client, bundled):
    one = (await client.get("/v1/decisions/2025-08-20.1")).json()["data"]
    assert (one["verdict"], one["tally"]["for"], one["tally"]["unanimous"]) == ("elected", 5, True)
    csv = await client.get("/v1/decisions?format=csv&verdict=postponed")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("id,meeting_id,date,verdict,text,proposals,for,against")
    assert len(lines) - 1 == int(csv.headers["x-total-count"]) > 0


async def test_meetings_carry_their_decision_records(client, bundled):
    meeting = (await client.get("/v1/meetings/2025-05-14")).json()["data"]
    assert len(meeting["decisions"]) == 3  # the text list, as before
    assert [
        (d["verdict"], [p["number"] for p in d["proposals"]]) for d in meeting["decision_records"]
    ] == [
        ("approved", [3]),
        ("approved", [8]),
        ("approved", [9]),
        ("postponed", [10]),
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("verdict=bogus", "verdict"),
        ("proposal=0", "proposal"),
        ("proposal=1&proposal=2", "proposal"),
        ("proposal=%EF%BC%91", "proposal"),
        ("from=2025-02-30", "from"),
        ("from=2025-05-01&to=2025-01-01", "to"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("sort=updated", "sort"),
        ("stage=fcp", "stage"),
        ("q=" + "x" * 201, "q"),
    ],
)
async def test_bad_parameters_are_named(client, bundled, query, parameter):
    answer = await client.get(f"/v1/decisions?{query}")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert parameter in answer.json()["detail"]


async def test_an_unknown_decision_is_a_404_problem(client, bundled):
    answer = await client.get("/v1/decisions/2099-01-01.1")
    assert answer.status_code == 404
    assert "2099-01-01.1" in answer.json()["detail"]


async def graphql(client, query: str, **variables) -> dict:
    answer = await client.post("/graphql", json={"query": query, "variables": variables})
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def test_graphql_mirrors_rest(client, bundled):
    rest = (await client.get("/v1/decisions?proposal=10")).json()["data"]
    data = await graphql(
        client,
        """query($n: Int) { decisions(proposal: $n) { totalCount edges { node {
            id meetingId date text details verdict nullified
            tally { for against abstain unanimous note }
            proposals { repo number link } votes { member github vote inferred }
            evidence { minutesUrl line } } } } }""",
        n=10,
    )
    nodes = [edge["node"] for edge in data["decisions"]["edges"]]
    assert data["decisions"]["totalCount"] == len(rest) == 2
    for node, item in zip(nodes, rest, strict=True):
        assert node["id"] == item["id"]
        assert node["verdict"] == item["verdict"].upper()
        assert node["tally"] == item["tally"]
        assert node["evidence"] == {
            "minutesUrl": item["evidence"]["minutes_url"],
            "line": item["evidence"]["line"],
        }
        assert [v["github"] for v in node["votes"]] == [v["github"] for v in item["votes"]]
        assert [(p["number"], p["link"].lower()) for p in node["proposals"]] == [
            (p["number"], p["link"]) for p in item["proposals"]
        ]


async def test_graphql_proposal_and_meeting_decisions_and_paging(client, bundled):
    data = await graphql(
        client,
        """{ proposal(number: 4) { stage stageReason { rule } decisions { id verdict } }
             meetings(first: 100) { id decisionRecords { id } }
             decision(id: "2025-08-20.1") { verdict tally { for unanimous } } }""",
    )
    assert data["proposal"]["stage"] == "REJECTED"
    assert data["proposal"]["stageReason"]["rule"] == "MINUTES_DECISION"
    assert [d["verdict"] for d in data["proposal"]["decisions"]] == ["TABLED", "REJECTED"]
    assert sum(len(m["decisionRecords"]) for m in data["meetings"]) == 33
    assert data["decision"] == {"verdict": "ELECTED", "tally": {"for": 5, "unanimous": True}}
    seen, after = [], None
    while True:
        page = (
            await graphql(
                client,
                "query($a: String) { decisions(first: 5, after: $a, verdicts: [APPROVED]) "
                "{ totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                a=after,
            )
        )["decisions"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] > 5


async def test_a_member_page_counts_attendance_and_votes(client, bundled):
    andrew = (await client.get("/v1/members/AndrewLukoshko")).json()["data"]
    assert andrew["github"] == "andrewlukoshko"
    attendance = andrew["attendance"]
    assert attendance["meetings_held"] == len(attendance["meetings"])
    assert attendance["meetings_attended"] == sum(m["attended"] for m in attendance["meetings"])
    assert 0 < attendance["meetings_attended"] <= attendance["meetings_held"]
    crb = next(v for v in andrew["votes"] if v["decision_id"] == "2025-05-28.1")
    assert (crb["vote"], crb["inferred"]) == ("against", False)
    assert all(v["vote"] in ("for", "against", "abstain") for v in andrew["votes"])
    assert andrew["chair_terms"][0]["from"] == "2025-08-20"
    cody = (await client.get("/v1/members/codyro")).json()["data"]
    # Cody left on 2026-03-12: meetings after it are not his to attend.
    assert all(m["date"] < "2026-03-12" for m in cody["attendance"]["meetings"])
    missing = await client.get("/v1/members/not-a-member")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_graphql_member_mirrors_the_member_page(client, bundled):
    rest = (await client.get("/v1/members/andrewlukoshko")).json()["data"]
    data = await graphql(
        client,
        """{ member(github: "ANDREWLUKOSHKO") { name chairTerms { startsOn }
             attendance { meetingsHeld meetingsAttended meetings { meetingId attended } }
             votes { decisionId vote inferred } }
             nobody: member(github: "nobody") { name } }""",
    )
    member = data["member"]
    assert member["name"] == rest["name"]
    assert member["attendance"]["meetingsHeld"] == rest["attendance"]["meetings_held"]
    assert member["attendance"]["meetingsAttended"] == rest["attendance"]["meetings_attended"]
    assert [v["decisionId"] for v in member["votes"]] == [v["decision_id"] for v in rest["votes"]]
    assert data["nobody"] is None


async def test_the_calendar_and_the_feed_say_the_verdicts(client, bundled):
    import feedparser
    import icalendar

    calendar = icalendar.Calendar.from_ical((await client.get("/v1/meetings.ics")).content)
    described = {
        str(event.get("uid")): str(event.get("description")) for event in calendar.walk("VEVENT")
    }
    may_28 = described["alesco-meeting-2025-05-28@alesco-api"].splitlines()
    assert may_28[:4] == [
        "Decisions:",
        "- APPROVED (4 for, 1 against, 0 abstaining; #10): "
        "The RFC to enable CRB by default for AlmaLinux 10+ was APPROVED",
        "- APPROVED (unanimous; #6): "
        "The RFC to show the GNOME dynamic workspace indicator on GNOME was APPROVED",
        "- POSTPONED (#9): Vote punted until proof of concept is built",
    ]
    july_9 = described["alesco-meeting-2025-07-09@alesco-api"]
    assert "- ELECTED (later nullified): New ALESCo Chair - Jonathan Wright" in july_9

    feed = feedparser.parse((await client.get("/v1/proposals.atom?state=all")).content)
    summaries = {entry.link.rsplit("/", 1)[-1]: entry.summary for entry in feed.entries}
    assert "Latest decision: rejected (unanimous) on 2025-04-16: The RFC to build" in summaries["4"]
    assert "Latest decision: postponed on 2025-05-28: Vote punted" in summaries["9"]
    assert "Latest decision" not in summaries["15"]  # the minutes decided nothing about it


async def test_the_schema_is_served_as_committed(client):
    from pathlib import Path

    answer = await client.get("/schema.graphql")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.text == (Path(__file__).parents[2] / "schema.graphql").read_text()
    assert (await client.get("/schema.graphql?x=1")).status_code == 400
