"""GraphQL over the committee: meetings, members, links both ways, batched loading."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.api.graphql.test_graphql import graphql

NESTED = """query($first: Int!) {
  proposals(state: ALL, kind: ALL, first: $first) {
    edges { node {
      number
      discussedIn { id attendees { name github chair } proposalsDiscussed { number stage } }
      nextVote { id startsAt }
    } }
  }
}"""


@contextmanager
def counting_queries(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_meetings_members_and_next_meeting(client, meetings):
    body = await graphql(
        client,
        """{
      meetings(from: "2025-01-01", to: "2025-02-10", sort: DATE) {
        id status title minutesUrl attendeeNames absentees communityAttendees decisions
        proposalsDiscussedNumbers
        attendees {
          name current chair meetingsAttended lastAttended chairTerms { startsOn endsOn }
        }
        proposalsDiscussed { number stage }
      }
      nextMeeting { id startsAt url status }
      members(current: false) { name left }
    }""",
    )
    data = body["data"]
    assert [m["id"] for m in data["meetings"]] == ["2025-01-20", "2025-02-10"]
    held = data["meetings"][1]
    assert held["status"] == "PAST"
    assert held["attendeeNames"] == ["Ann Member", "Bo Member"]
    assert held["attendees"][0] == {
        "name": "Ann Member",
        "current": True,
        "chair": True,
        "meetingsAttended": 2,
        "lastAttended": "2025-02-10",
        "chairTerms": [{"startsOn": "2025-01-01", "endsOn": None}],
    }
    assert held["proposalsDiscussed"] == [
        {"number": 3, "stage": "FCP"},
        {"number": 4, "stage": "ACCEPTED"},
    ]
    assert held["proposalsDiscussedNumbers"] == [3, 4]
    assert data["nextMeeting"] == {
        "id": "2025-02-18",
        "startsAt": "2025-02-18T12:00:00Z",
        "url": "https://events.example/event/103/",
        "status": "UPCOMING",
    }
    assert data["members"] == [{"name": "Cy Member", "left": "2025-02-01"}]


async def test_proposal_links_agree_with_rest(client, meetings):
    body = await graphql(client, NESTED, {"first": 10})
    nodes = {e["node"]["number"]: e["node"] for e in body["data"]["proposals"]["edges"]}
    for number, node in nodes.items():
        rest = (await client.get(f"/v1/proposals/{number}")).json()["data"]
        assert [m["id"] for m in node["discussedIn"]] == [
            m["meeting_id"] for m in rest["discussed_in"]
        ]
        assert (node["nextVote"] or {}).get("id") == (rest["next_vote"] or {}).get("meeting_id")
    assert nodes[3]["nextVote"]["id"] == "2025-02-18"


async def test_nested_queries_run_no_sql_however_many_proposals(client, meetings):
    """No N+1, and more: once the read model is loaded, proposals, their meetings, those
    meetings' members and proposals all resolve from memory, with no SQL at all."""
    await graphql(client, NESTED, {"first": 1})  # the first request loads the model
    with counting_queries(meetings) as few:
        small = await graphql(client, NESTED, {"first": 2})
    with counting_queries(meetings) as many:
        large = await graphql(client, NESTED, {"first": 6})
    assert len(small["data"]["proposals"]["edges"]) == 2
    assert len(large["data"]["proposals"]["edges"]) == 6
    assert any(edge["node"]["discussedIn"] for edge in large["data"]["proposals"]["edges"])
    assert few == []
    assert many == []


@pytest.mark.parametrize(
    ("listed", "names", "members"),
    [
        pytest.param(
            ["New Person"], ["New Person"], [], id="unknown-name-is-a-name-not-a-made-up-member"
        ),
        pytest.param(
            ["@ann", "New Person"],
            ["Ann Member", "New Person"],
            [{"name": "Ann Member", "github": "ann", "current": True, "meetingsAttended": 1}],
            id="at-login-is-the-roster-member",
        ),
    ],
)
async def test_attendees_not_on_the_roster(client, engine, meetings, listed, names, members):
    from sqlmodel import Session

    from alesco.storage.committee_store import MinutesFile, replace_minutes
    from alesco.storage.sync_runs import Origin
    from alesco.upstream.minutes.parse import parse_minutes
    from tests.api.conftest import NOW

    people = "".join(f"- {name}\n" for name in listed)
    text = f"# 2025-02-03\n\n### ALESCo Member Attendees\n\n{people}"
    with Session(engine) as session, session.begin():
        replace_minutes(
            session,
            [MinutesFile("m/x.md", None, None, text, parse_minutes(text, "m/2025-02-03.md"))],
            Origin.UPSTREAM,
            NOW,
        )
    body = await graphql(
        client,
        """{ meetings(from: "2025-02-03", to: "2025-02-03") {
          attendeeNames attendees { name github current meetingsAttended } } }""",
    )
    (meeting,) = body["data"]["meetings"]
    assert meeting == {"attendeeNames": names, "attendees": members}
    (rest,) = (await client.get("/v1/meetings?from=2025-02-03&to=2025-02-03")).json()["data"]
    assert rest["attendees"] == names
