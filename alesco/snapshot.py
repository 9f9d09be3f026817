"""The bundled snapshot: real ALESCo data shipped in the package, served until a sync.

`alesco serve` on an empty database installs it, so a fresh checkout serves real-looking
data offline at once; `/v1/status` then says the data came from the snapshot and when it
was built. The file holds GitHub's own wire format (pulls list, issue events, PR files,
RFC file texts, closers), so it goes through the same parsers and derivations as a live
sync. Its provenance, including which values are reconstructed, is in `data/README.md`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlmodel import Session, select

from alesco.github_records import parse_events, parse_files, parse_issue, parse_pulls
from alesco.github_store import replace_proposals
from alesco.models import DataVersionRow, ProposalRow
from alesco.proposal import Proposal, PullFacts, build_proposals
from alesco.rfc_document import parse_rfc_document, pick_rfc_file
from alesco.sync_runs import Origin, Outcome, Source, SyncReport, latest_run, record_sync_run
from alesco.timestamps import parse_timestamp

logger = logging.getLogger(__name__)

SNAPSHOT_FILE = "snapshot.json"


@dataclass(frozen=True)
class Snapshot:
    built_at: datetime
    proposals: list[tuple[Proposal, PullFacts]]


def repository_facts(dump: dict[str, Any]) -> list[PullFacts]:
    """Facts of one repository dump (`{"repo", "pulls", "events", "files", ...}`)."""
    events = dump.get("events", {})
    files = dump.get("files", {})
    issues = dump.get("issues", {})
    contents = dump.get("contents", {})
    facts = []
    for pull in parse_pulls(dump["pulls"]):
        key = str(pull.number)
        added = tuple(
            file.filename
            for file in parse_files(files.get(key, []), pull.number)
            if file.status == "added"
        )
        path = pick_rfc_file(added)
        document = parse_rfc_document(contents[path], path) if path and path in contents else None
        closed_by = (
            parse_issue({"number": pull.number, **issues[key]}).closed_by if key in issues else None
        )
        facts.append(
            PullFacts(
                pull=pull,
                events=tuple(parse_events(events.get(key, []), pull.number)),
                closed_by=closed_by,
                added_paths=added,
                rfc_document=document,
            )
        )
    return facts


def read_snapshot(raw: bytes | None = None) -> Snapshot:
    """Parse the bundled snapshot (or `raw`, in its format) into derived proposals."""
    if raw is None:
        raw = resources.files("alesco.data").joinpath(SNAPSHOT_FILE).read_bytes()
    document = orjson.loads(raw)
    proposals: list[tuple[Proposal, PullFacts]] = []
    for dump in document["repositories"]:
        facts = repository_facts(dump)
        proposals += zip(build_proposals(dump["repo"], facts), facts, strict=True)
    return Snapshot(built_at=parse_timestamp(document["built_at"]), proposals=proposals)


def install_snapshot_if_empty(engine: Engine, now: datetime) -> bool:
    """Load the snapshot when no GitHub data was ever stored; True if it did."""
    with Session(engine) as session, session.begin():
        # Lock the version row first: replicas starting together install it once (PostgreSQL).
        session.get(DataVersionRow, 1, with_for_update=True)
        has_data = session.exec(select(ProposalRow.id).limit(1)).first() is not None
        if has_data or latest_run(session, Source.GITHUB, Outcome.SUCCESS) is not None:
            return False
        snapshot = read_snapshot()
        changed = replace_proposals(session, snapshot.proposals, Origin.SNAPSHOT, now)
        record_sync_run(
            session,
            SyncReport(
                source=Source.GITHUB,
                origin=Origin.SNAPSHOT,
                started_at=now,
                finished_at=now,
                outcome=Outcome.SUCCESS,
                items=len(snapshot.proposals),
                changed=changed,
                snapshot_built_at=snapshot.built_at,
            ),
        )
    logger.info("snapshot.installed", extra={"items": len(snapshot.proposals)})
    return True
