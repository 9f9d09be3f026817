"""The `alesco` command as users run it, in subprocesses: ingest from a (fake) GitHub, then
serve, and read every proposal over REST and GraphQL; and the offline first run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from tests.processes import alesco, base_env, serving

ROOT = Path(__file__).parent.parent
T = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
FCP, DISCUSSION = "vote at next meeting", "accepted for discussion"

# number: (kind, stage, outcome) after the lifecycle below.
EXPECTED = {
    1: ("rfc", "submitted", None),
    2: ("rfc", "submitted", None),
    3: ("rfc", "discussion", None),
    4: ("rfc", "fcp", None),
    5: ("rfc", "accepted", "accepted"),
    6: ("rfc", "rejected", "rejected"),
    7: ("rfc", "withdrawn", "withdrawn"),
    8: ("rfc", "superseded", "superseded"),
    9: ("rfc", "superseded", "superseded"),
    10: ("rfc", "withdrawn", "withdrawn"),
    11: ("rfc", "closed", None),
    12: ("rfc", "submitted", None),
    13: ("other", None, None),
    14: ("rfc", "discussion", None),
    15: ("rfc", "discussion", None),
}


def build_lifecycle(repo) -> None:
    """One pull request per lifecycle rule, played through GitHub's own events."""
    day = lambda n: T + timedelta(days=n)  # noqa: E731
    for number in range(1, 13):
        repo.add_pull(number, f"RFC: Case {number}", "author", created_at=day(number / 10))
    repo.set_draft(2, True, at=day(1))
    repo.add_label(3, DISCUSSION, actor="chair", at=day(2))
    repo.add_label(4, DISCUSSION, actor="chair", at=day(2))
    repo.add_label(4, FCP, actor="chair", at=day(3))
    repo.remove_label(4, DISCUSSION, actor="chair", at=day(3))
    repo.merge(5, actor="chair", at=day(4))
    repo.add_label(6, "rejected", actor="chair", at=day(4))
    repo.close(6, actor="chair", at=day(4))
    repo.add_label(7, "withdrawn", actor="chair", at=day(4))
    repo.close(7, actor="chair", at=day(4))
    repo.add_label(8, "superseded", actor="chair", at=day(4))
    repo.close(8, actor="chair", at=day(4))
    repo.close(9, actor="chair", at=day(4))
    repo.close(10, actor="author", at=day(4))
    repo.close(11, actor="chair", at=day(4))
    repo.edit_body(12, "This RFC replaces #9.", at=day(5))
    repo.add_pull(
        13,
        "Fix a typo in the README",
        "author",
        created_at=day(6),
        files=[("README.md", "modified", None)],
    )
    repo.add_pull(
        14,
        "A proposal without the prefix",
        "author",
        created_at=day(6),
        labels=[DISCUSSION],
        files=[("rfcs/0000-x.md", "added", "# RFC: X\n")],
    )
    repo.add_pull(15, "RFC: Reopened", "author", created_at=day(6))
    repo.close(15, actor="author", at=day(7))
    repo.reopen(15, actor="author", at=day(8))
    repo.add_label(15, DISCUSSION, actor="chair", at=day(9))


def test_ingest_then_serve_reads_every_lifecycle_case(github, engine, database_url, tmp_path):
    build_lifecycle(github.fake.add_repository({"repo": "example/rfcs"}))
    env = base_env(
        DATABASE_URL=database_url,
        ALESCO_GITHUB_API_URL=github.url,
        ALESCO_GITHUB_REPOS="example/rfcs",
    )
    first = alesco("ingest", "--once", "--source", "github", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    github.fake.reset_log()
    second = alesco("ingest", "--once", "--source", "github", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert github.fake.requests, "the second ingest made no request"
    assert all(r.status == 304 and "if-none-match" in r.headers for r in github.fake.requests)

    with serving("--no-ingest", env=env, cwd=tmp_path) as base:
        rest = httpx.get(f"{base}/v1/proposals?state=all&kind=all&limit=100").json()["data"]
        query = (
            "{ proposals(state: ALL, kind: ALL, first: 100) "
            "{ edges { node { number kind stage outcome } } } }"
        )
        graph = httpx.post(f"{base}/graphql", json={"query": query}).json()
    assert {p["number"]: (p["kind"], p["stage"], p["outcome"]) for p in rest} == EXPECTED
    lower = lambda value: value.lower() if value else None  # noqa: E731
    nodes = [edge["node"] for edge in graph["data"]["proposals"]["edges"]]
    assert {
        n["number"]: (lower(n["kind"]), lower(n["stage"]), lower(n["outcome"])) for n in nodes
    } == EXPECTED


def test_first_run_serves_the_bundled_snapshot_offline(tmp_path):
    env = base_env(ALESCO_GITHUB_API_URL="http://127.0.0.1:9")  # nothing listens on port 9
    with serving(env=env, cwd=tmp_path) as base:
        status = httpx.get(f"{base}/v1/status").json()["data"]["sources"]["github"]
        proposals = httpx.get(f"{base}/v1/proposals?state=all").json()
    assert (tmp_path / "alesco.db").exists()
    assert status["origin"] == "snapshot"
    assert status["snapshot_built_at"] is not None
    assert status["stale"] is True
    assert proposals["meta"]["origin"] == "snapshot"
    assert {p["number"] for p in proposals["data"]} >= {2, 3, 15, 16, 18}


def test_schema_command_prints_the_committed_sdl(tmp_path):
    result = alesco("schema", env=base_env(), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (ROOT / "schema.graphql").read_text()


def test_db_upgrade_creates_the_schema(tmp_path):
    result = alesco("db", "upgrade", env=base_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "alesco.db").stat().st_size > 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ALESCO_GITHUB_REPOS", "not a repo"), ("ALESCO_SYNC_INTERVAL", "soon")],
)
def test_bad_configuration_stops_with_the_variable_named(tmp_path, variable, value):
    result = alesco("serve", env=base_env(**{variable: value}), cwd=tmp_path)
    assert result.returncode == 2
    assert variable in result.stderr


def test_failed_ingest_exits_nonzero_and_says_why(tmp_path):
    env = base_env(ALESCO_GITHUB_API_URL="http://127.0.0.1:9")
    result = alesco("ingest", "--once", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "github: failed" in result.stdout
    # Logs are JSON lines, one event each.
    events = [orjson.loads(line) for line in result.stderr.splitlines()]
    failed = [e for e in events if e["event"] == "sync.failed" and e.get("source") == "github"]
    assert failed, events
    assert "upstream_unavailable" in str(failed[0])
    assert failed[0]["level"] == "warning"


ROSTER = """members:
  - {name: Ann Author, github: author, joined: 2024-01-01, chair_terms: [{from: 2024-01-01}]}
  - {name: Cee Chair, github: chair, joined: 2024-01-01}
  - {name: Old Timer, github: old, joined: 2024-01-01, left: 2025-01-01}
"""

MINUTES = """# Committee minutes ({day})

**Present:** Ann Author, Cee Chair and Guest Visitor
**Regrets:** Old Timer

## Decisions

1. Vote on [RFC: Case 4](https://github.com/example/rfcs/pull/4) next time
"""


def test_ingest_every_source_then_serve_the_committee(
    github, indico, engine, database_url, tmp_path
):
    """The whole committee from fakes, through the CLI: meetings (Indico), minutes (GitHub
    contents API), roster (a file), proposals; then read back over REST and GraphQL."""
    from datetime import datetime as datetime_type

    build_lifecycle(github.fake.add_repository({"repo": "example/rfcs"}))
    github.fake.add_repository(
        {
            "repo": "example/wiki",
            "contents": {"minutes/2026-05-07.md": MINUTES.format(day="2026-05-07")},
        }
    )
    soon = datetime_type.now(UTC).replace(microsecond=0) + timedelta(days=3)
    indico.fake.add_event(
        501,
        "Committee meeting",
        datetime(2026, 5, 7, 16, tzinfo=UTC),
        datetime(2026, 5, 7, 17, tzinfo=UTC),
    )
    indico.fake.add_event(502, "Committee meeting", soon, soon + timedelta(hours=1))
    (tmp_path / "roster.yaml").write_text(ROSTER)
    env = base_env(
        DATABASE_URL=database_url,
        ALESCO_GITHUB_API_URL=github.url,
        ALESCO_GITHUB_REPOS="example/rfcs",
        ALESCO_MINUTES_REPO="example/wiki",
        ALESCO_MINUTES_PATH="minutes",
        ALESCO_INDICO_URL=indico.url,
        ALESCO_ROSTER=str(tmp_path / "roster.yaml"),
    )
    result = alesco("ingest", "--once", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for source in ("github", "meetings", "minutes", "roster"):
        assert f"{source}: success" in result.stdout

    with serving("--no-ingest", env=env, cwd=tmp_path) as base:
        meetings = httpx.get(f"{base}/v1/meetings?sort=date").json()["data"]
        members = httpx.get(f"{base}/v1/members").json()["data"]
        fcp = httpx.get(f"{base}/v1/proposals/4").json()["data"]
        status = httpx.get(f"{base}/v1/status").json()["data"]["sources"]
        query = (
            "{ proposal(number: 4) { stage nextVote { id startsAt } "
            "discussedIn { id attendees { name chair } } } }"
        )
        graph = httpx.post(f"{base}/graphql", json={"query": query}).json()["data"]["proposal"]
        calendar = httpx.get(f"{base}/v1/meetings.ics").content
    held = meetings[0]
    assert (held["id"], held["url"]) == ("2026-05-07", "https://events.almalinux.org/event/501/")
    assert held["attendees"] == ["Ann Author", "Cee Chair"]
    assert held["community_attendees"] == ["Guest Visitor"]
    assert held["absentees"] == ["Old Timer"]
    assert held["proposals_discussed"] == [4]
    assert held["decisions"] == ["Vote on RFC: Case 4 next time"]
    assert meetings[1]["starts_at"] == soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [(m["name"], m["current"], m["chair"], m["meetings_attended"]) for m in members] == [
        ("Ann Author", True, True, 1),
        ("Cee Chair", True, False, 1),
        ("Old Timer", False, False, 0),
    ]
    assert fcp["stage"] == "fcp"
    assert fcp["next_vote"]["meeting_id"] == meetings[1]["id"]
    assert [m["meeting_id"] for m in fcp["discussed_in"]] == ["2026-05-07"]
    assert graph["nextVote"]["id"] == meetings[1]["id"]
    assert graph["discussedIn"][0]["attendees"] == [
        {"name": "Ann Author", "chair": True},
        {"name": "Cee Chair", "chair": False},
    ]
    assert all(
        status[s]["outcome"] == "success" for s in ("github", "meetings", "minutes", "roster")
    )
    assert calendar.count(b"BEGIN:VEVENT") == 2
