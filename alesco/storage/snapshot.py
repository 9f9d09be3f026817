"""The bundled snapshot: real ALESCo data shipped in the package, served until a sync.

`alesco serve` installs it for every source that never synced, so a fresh checkout serves
real-looking data offline at once; `/v1/status` then says which data came from the
snapshot and when it was built. It holds upstream wire formats (GitHub's pulls list, issue
events, PR files and RFC texts; the wiki's minutes files; an Indico export), so it goes
through the same parsers and derivations as a live sync; the roster is the bundled
`roster.yaml`. Provenance, including which values are reconstructed: `data/README.md`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlmodel import Session

from alesco.database.data_version import lock_data_version
from alesco.domain.proposal import Proposal, PullFacts, build_proposals
from alesco.storage.committee_store import (
    MinutesFile,
    replace_calendar,
    replace_minutes,
    replace_roster,
)
from alesco.storage.github_store import replace_proposals
from alesco.storage.sync_runs import (
    Origin,
    Outcome,
    Source,
    SyncReport,
    latest_run,
    record_sync_run,
)
from alesco.timestamps import parse_timestamp
from alesco.upstream.calendar import CalendarEvent, parse_indico_export
from alesco.upstream.github_records import parse_events, parse_files, parse_issue, parse_pulls
from alesco.upstream.minutes.parse import parse_minutes
from alesco.upstream.rfc_document import parse_rfc_document, pick_rfc_file
from alesco.upstream.roster import BUNDLED_ROSTER, RosterMember, bundled_roster_text, parse_roster

logger = logging.getLogger(__name__)

SNAPSHOT_FILE = "snapshot.json"


@dataclass(frozen=True)
class Snapshot:
    built_at: datetime
    proposals: list[tuple[Proposal, PullFacts]]
    events: list[CalendarEvent]
    minutes: list[MinutesFile]
    roster: tuple[RosterMember, ...]


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


def _minutes_files(entries: list[dict[str, Any]]) -> list[MinutesFile]:
    files = []
    for entry in entries:
        minutes = parse_minutes(entry["text"], entry["path"])
        files.append(
            MinutesFile(entry["path"], entry.get("sha"), entry.get("url"), entry["text"], minutes)
        )
    return files


def read_snapshot(raw: bytes | None = None) -> Snapshot:
    """Parse the bundled snapshot (or `raw`, in its format) into what each source stores."""
    if raw is None:
        raw = resources.files("alesco.data").joinpath(SNAPSHOT_FILE).read_bytes()
    document = orjson.loads(raw)
    proposals: list[tuple[Proposal, PullFacts]] = []
    for dump in document["repositories"]:
        facts = repository_facts(dump)
        proposals += zip(build_proposals(dump["repo"], facts), facts, strict=True)
    meetings = document.get(
        "meetings", {"indico_url": "https://events.almalinux.org", "export": {"results": []}}
    )
    return Snapshot(
        built_at=parse_timestamp(document["built_at"]),
        proposals=proposals,
        events=parse_indico_export(meetings["export"], meetings["indico_url"]),
        minutes=_minutes_files(document.get("minutes", [])),
        roster=parse_roster(bundled_roster_text(), BUNDLED_ROSTER),
    )


def _install(session: Session, source: Source, snapshot: Snapshot, now: datetime) -> int:
    """Store one source's share of the snapshot; returns how many items it holds."""
    if source == Source.GITHUB:
        replace_proposals(session, snapshot.proposals, Origin.SNAPSHOT, now)
        return len(snapshot.proposals)
    if source == Source.MEETINGS:
        window = (now, now)  # nothing stored yet, so nothing can be "gone upstream"
        replace_calendar(session, snapshot.events, window, Origin.SNAPSHOT, now)
        return len(snapshot.events)
    if source == Source.MINUTES:
        replace_minutes(session, snapshot.minutes, Origin.SNAPSHOT, now)
        return len(snapshot.minutes)
    replace_roster(session, snapshot.roster, Origin.SNAPSHOT, now)
    return len(snapshot.roster)


def install_snapshot(engine: Engine, now: datetime) -> list[Source]:
    """Load the snapshot's share of every source that never synced; returns those sources."""
    installed: list[Source] = []
    with Session(engine) as session, session.begin():
        # Lock the version row first: replicas starting together install it once
        # (PostgreSQL), and in the same order as syncs lock, so neither deadlocks.
        lock_data_version(session)
        missing = [s for s in Source if latest_run(session, s, Outcome.SUCCESS) is None]
        if not missing:
            return []
        snapshot = read_snapshot()
        # Dated when the snapshot was built: that is how current its data is, and a sync
        # that failed before this install (a worker started beside the replicas) stays the
        # latest attempt, visible in /v1/status, instead of hiding behind the install.
        built_at = min(snapshot.built_at, now)
        for source in missing:
            items = _install(session, source, snapshot, now)
            record_sync_run(
                session,
                SyncReport(
                    source=source,
                    origin=Origin.SNAPSHOT,
                    started_at=built_at,
                    finished_at=built_at,
                    outcome=Outcome.SUCCESS,
                    items=items,
                    changed=True,
                    snapshot_built_at=snapshot.built_at,
                ),
            )
            installed.append(source)
    logger.info("snapshot.installed", extra={"sources": [source.value for source in installed]})
    return installed
