"""Tests of alesco/storage/committee_store.py against real databases: minutes keep their
decisions as data, and rows stored before that are read again from their text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session

from alesco.database.models import MinutesRow
from alesco.storage.committee_store import MinutesFile, load_committee, replace_minutes
from alesco.storage.sync_runs import Origin
from alesco.upstream.minutes.parse import parse_minutes

MINUTES = Path(__file__).parent.parent / "data" / "minutes"
REPO = "AlmaLinux/ALESCo"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _store(engine, *names: str) -> None:
    files = []
    for name in names:
        text = (MINUTES / name).read_text()
        files.append(
            MinutesFile(name, None, f"https://wiki/{name}", text, parse_minutes(text, name))
        )
    with Session(engine) as session, session.begin():
        replace_minutes(session, files, Origin.UPSTREAM, NOW)


def _written(engine):
    with Session(engine) as session:
        committee = load_committee(session, [REPO], date(2026, 1, 1))
    return {meeting.id: meeting.written_decisions for meeting in committee.meetings}


def test_written_decisions_round_trip(engine):
    _store(engine, "2025-05-28.md", "2025-07-09.md")
    loaded = _written(engine)
    for name in ("2025-05-28.md", "2025-07-09.md"):
        parsed = parse_minutes((MINUTES / name).read_text(), name).written_decisions
        assert parsed
        assert [decision for _, decision in loaded[name.removesuffix(".md")]] == list(parsed)
        assert {url for url, _ in loaded[name.removesuffix(".md")]} == {f"https://wiki/{name}"}


def test_rows_stored_before_decisions_were_kept_are_read_from_their_text(engine):
    _store(engine, "2025-04-16.md")
    with Session(engine) as session, session.begin():
        session.execute(update(MinutesRow).values(written_decisions=None))
    (decisions,) = _written(engine).values()
    assert [decision.verdict.value for _, decision in decisions] == [
        "rejected",
        "rejected",
        "postponed",
    ]
