"""The minutes sync: real minutes files served by the fake GitHub's contents API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from alesco.storage.committee_store import load_committee
from alesco.storage.sync_runs import Outcome
from ingest.syncs.minutes_sync import sync_minutes
from tests.conftest import make_settings

MINUTES = Path(__file__).parent.parent / "data" / "minutes"
FOLDER = "docs/alesco/meeting-minutes"
WIKI = "AlmaLinux/wiki"


def serve_minutes(github, names=None) -> dict:
    contents = {
        f"{FOLDER}/{path.name}": path.read_text()
        for path in sorted(MINUTES.glob("*.md"))
        if names is None or path.name in names
    }
    contents[f"{FOLDER}/index.md"] = "# Meeting minutes\n\n- [2025](2025-01-08.md)\n"
    contents["docs/other.md"] = "# Not minutes\n"
    return github.fake.add_repository({"repo": WIKI, "contents": contents}).contents


def settings(github, database_url):
    return make_settings(database_url=database_url, github_api_url=github.url)


def meetings(engine):
    with Session(engine) as session:
        return load_committee(session, ("AlmaLinux/ALESCo",), date(2026, 11, 21)).meetings


async def test_every_real_minutes_file_becomes_a_meeting(github, engine, database_url):
    serve_minutes(github)
    report = await sync_minutes(settings(github, database_url), engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    assert report.items == 17
    assert report.warnings == []
    by_id = {meeting.id: meeting for meeting in meetings(engine)}
    assert len(by_id) == 17
    rejected = by_id["2025-04-16"]
    assert rejected.attendees == ("Neal Gompa", "Ben Thomas", "Elkhan Mammadli", "Jonathan Wright")
    assert rejected.decisions == (
        "The RFC to build an x86_64-v1 variant of AlmaLinux 10 was REJECTED",
    )
    assert [p.number for p in rejected.proposals] == [3, 4]
    assert rejected.minutes_url == (  # the listing's html_url (the fake's branch is main)
        "https://github.com/AlmaLinux/wiki/blob/main/docs/alesco/meeting-minutes/2025-04-16.md"
    )
    requested = github.paths()
    assert f"/repos/{WIKI}/contents/{FOLDER}" in requested
    assert not any(path.endswith("index.md") for path in requested)


async def test_unchanged_files_are_not_fetched_again(github, engine, database_url):
    contents = serve_minutes(github, {"2025-04-16.md", "2025-05-28.md"})
    config = settings(github, database_url)
    await sync_minutes(config, engine)
    github.fake.reset_log()
    contents[f"{FOLDER}/2025-05-28.md"] += (
        "\n- Late addendum: see https://github.com/AlmaLinux/ALESCo/pull/9\n"
    )
    report = await sync_minutes(config, engine)
    assert report.changed is True
    assert github.paths() == [
        f"/repos/{WIKI}/contents/{FOLDER}",
        f"/repos/{WIKI}/contents/{FOLDER}/2025-05-28.md",
    ]
    github.fake.reset_log()
    unchanged = await sync_minutes(config, engine)
    assert unchanged.changed is False
    assert [r.status for r in github.fake.requests] == [304]


async def test_odd_files_are_warnings_not_failures(github, engine, database_url):
    contents = serve_minutes(github, {"2025-04-16.md"})
    contents[f"{FOLDER}/notes-from-the-summit.md"] = "Just some prose, no date, no people.\n"
    contents[f"{FOLDER}/2026-02-12.md"] = "# Meeting\n\nWe met. Nobody wrote down who came.\n"
    report = await sync_minutes(settings(github, database_url), engine)
    assert report.outcome == Outcome.SUCCESS
    assert report.items == 2
    assert sorted(report.warnings) == [
        f"{FOLDER}/2026-02-12.md: no attendance section found",
        f"{FOLDER}/notes-from-the-summit.md: no attendance section found",
        f"{FOLDER}/notes-from-the-summit.md: no meeting date in the file name or title",
    ]
    assert {meeting.id for meeting in meetings(engine)} == {"2025-04-16", "2026-02-12"}


async def test_missing_folder_fails_and_keeps_what_was_there(github, engine, database_url):
    serve_minutes(github, {"2025-04-16.md"})
    await sync_minutes(settings(github, database_url), engine)
    wrong = make_settings(
        database_url=database_url, github_api_url=github.url, minutes_path="docs/nowhere"
    )
    report = await sync_minutes(wrong, engine)
    assert (report.outcome, report.reason) == (Outcome.FAILED, "upstream_rejected")
    assert [meeting.id for meeting in meetings(engine)] == ["2025-04-16"]


async def test_subfolders_byte_order_marks_and_unreadable_files(github, engine, database_url):
    """Minutes filed by year are read; a BOM is no text; an empty or binary file (PostgreSQL
    text cannot even hold its NUL bytes) is a warning, never a meeting or a failure."""
    contents = serve_minutes(github, {"2025-04-16.md"})
    contents[f"{FOLDER}/2026/summit.md"] = "\ufeff---\ndate: 2026-09-24\n---\n# Summit\n"
    contents[f"{FOLDER}/2026-08-20.md"] = ""
    contents[f"{FOLDER}/2026-08-27.md"] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    report = await sync_minutes(settings(github, database_url), engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    assert f"{FOLDER}/2026-08-20.md: empty file" in report.warnings
    assert any(w.startswith(f"{FOLDER}/2026-08-27.md:") and "binary" in w for w in report.warnings)
    assert {meeting.id for meeting in meetings(engine)} == {"2025-04-16", "2026-09-24"}
    assert f"/repos/{WIKI}/contents/{FOLDER}/2026" in github.paths()


UNSEEN_MINUTES = """# ALESCo Meeting Minutes (2026-12-03)

## ALESCo Member Attendees

- Andrew Lukoshko
- Neal Gompa

## Decisions Adopted

## Minutes

### RFC: Provide Secure Boot-Signed Alternative Kernels

- Discussed [the RFC](https://github.com/AlmaLinux/ALESCo/pull/15)
  - RFC was put to a vote
    - Vote results: +2, 1, -0
    - RFC approved
- Decided to publish the kernels in a new repository
"""


async def test_a_new_file_s_decisions_are_stored_with_the_rest(github, engine, database_url):
    """Minutes of a meeting the bundled data never saw: an empty decisions heading, a vote in
    the body, a decision line; stored as data by the sync, unchanged by the next one."""
    contents = serve_minutes(github, names={"2025-04-16.md"})
    contents[f"{FOLDER}/2026-12-03.md"] = UNSEEN_MINUTES
    report = await sync_minutes(settings(github, database_url), engine)
    assert report.outcome == Outcome.SUCCESS, report.error
    by_id = {meeting.id: meeting for meeting in meetings(engine)}
    written = [decision for _, decision in by_id["2026-12-03"].written_decisions]
    assert [(d.verdict.value, d.line) for d in written] == [("approved", 15), ("approved", 18)]
    vote = written[0]
    assert vote.tally is not None
    assert (vote.tally.votes_for, vote.tally.against, vote.tally.abstain) == (2, 0, 1)
    assert [p.number for p in vote.pulls_in_section] == [15]
    assert [d.verdict.value for _, d in by_id["2025-04-16"].written_decisions] == [
        "rejected",
        "rejected",
        "postponed",
    ]
    again = await sync_minutes(settings(github, database_url), engine)
    assert again.outcome == Outcome.SUCCESS
    assert again.changed is False
