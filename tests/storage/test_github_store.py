"""Tests of alesco/storage/github_store.py against real databases: round trips and replacement."""

from __future__ import annotations

from sqlmodel import Session

from alesco.database.data_version import read_data_version
from alesco.domain.lifecycle import Stage
from alesco.read.queries import find_proposals
from alesco.storage.github_store import load_stored_pulls, replace_proposals
from alesco.storage.sync_runs import Origin
from alesco.upstream.rfc_document import RfcDocument
from tests.factories import day, event, facts, index_of, pull, stored

REPO = "AlmaLinux/ALESCo"
DOCUMENT = RfcDocument(
    "rfcs/0007-x.md", "RFC: X", "0007", ("Ann", "Bo"), "Draft", day(1), None, "An abstract."
)


def _store(engine, proposals, origin=Origin.UPSTREAM) -> bool:
    with Session(engine) as session, session.begin():
        return replace_proposals(session, proposals, origin, day(100))


def test_round_trip_keeps_every_field(engine):
    merged = facts(
        pull(2, labels=("vote at next meeting",), merged=9),
        (event("labeled", 3, "vote at next meeting"), event("merged", 9, actor="chair")),
        added=("rfcs/0007-x.md",),
        document=DOCUMENT,
    )
    superseded = facts(pull(3, created=1, closed=4), (event("closed", 4, actor="alice"),))
    successor = facts(pull(5, created=2, body="Supersedes #3"))
    proposals = stored(REPO, merged, superseded, successor)
    assert _store(engine, proposals) is True
    with Session(engine) as session:
        for original, _ in proposals:
            (loaded,) = find_proposals(index_of(session), original.number, REPO)
            assert loaded == original
        facts_back = load_stored_pulls(session)
    assert facts_back[(REPO, 2)].events == merged.events
    assert facts_back[(REPO, 2)].rfc_document == DOCUMENT
    assert facts_back[(REPO, 2)].added_paths == ("rfcs/0007-x.md",)
    assert facts_back[(REPO, 3)].origin == Origin.UPSTREAM


def test_unchanged_data_keeps_the_version(engine):
    proposals = stored(REPO, facts(pull(1)), facts(pull(2, merged=3)))
    assert _store(engine, proposals) is True
    with Session(engine) as session:
        first = read_data_version(session)
    assert _store(engine, proposals) is False
    with Session(engine) as session:
        assert read_data_version(session) == first
    assert (
        _store(
            engine,
            stored(
                REPO, facts(pull(1, labels=("accepted for discussion",))), facts(pull(2, merged=3))
            ),
        )
        is True
    )
    with Session(engine) as session:
        assert read_data_version(session).version == first.version + 1
        (changed,) = find_proposals(index_of(session), 1)
    assert changed.stage == Stage.DISCUSSION


def test_replacement_removes_what_upstream_no_longer_lists(engine):
    _store(engine, stored(REPO, facts(pull(1)), facts(pull(2))))
    _store(engine, stored(REPO, facts(pull(2))))
    with Session(engine) as session:
        assert find_proposals(index_of(session), 1) == []
        assert len(find_proposals(index_of(session), 2)) == 1


def test_origin_change_counts_as_a_change(engine):
    proposals = stored(REPO, facts(pull(1)))
    _store(engine, proposals, Origin.SNAPSHOT)
    assert _store(engine, proposals, Origin.UPSTREAM) is True
    with Session(engine) as session:
        assert load_stored_pulls(session)[(REPO, 1)].origin == Origin.UPSTREAM
