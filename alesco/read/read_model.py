"""The read model: everything the API serves, held in memory and rebuilt as a whole.

Reads never wait on the database or on upstreams. An API process loads one `ReadModel`
(every proposal, the joined committee, the sync-run log) and serves from it until the
`ModelVersion` moves: the data version (bumped by every sync that changed data) or the
run-log version (bumped when a sync starts or ends: a failed sync changes `/v1/status`
without changing data).

Loading is optimistic: the version is read before and after the data, and the load is
repeated if a sync committed in between, so a model never mixes two versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from alesco.database.data_version import DataVersion, read_data_version
from alesco.domain.committee import Committee
from alesco.domain.decisions import Candidates, candidates_of, with_minutes_outcomes
from alesco.read.queries import ProposalIndex
from alesco.read.status import RunLog, ServiceStatus, compute_status, load_run_log
from alesco.storage.committee_store import load_committee
from alesco.storage.github_store import load_events, load_proposals
from alesco.upstream.github_records import IssueEvent

MAX_LOAD_ATTEMPTS = 5


@dataclass(frozen=True, order=True)
class ModelVersion:
    data_version: int
    runs_version: int


@dataclass(frozen=True)
class ReadModel:
    version: ModelVersion
    data: DataVersion
    today: date
    index: ProposalIndex
    committee: Committee
    runs: RunLog
    # Every pull request's issue events, by (lower-case repo, number), for timelines.
    events: Mapping[tuple[str, int], tuple[IssueEvent, ...]] = field(default_factory=dict)

    def events_of(self, repo: str, number: int) -> tuple[IssueEvent, ...]:
        return self.events.get((repo.lower(), number), ())

    def status(self, now: datetime, sync_interval: float) -> ServiceStatus:
        return compute_status(self.runs, self.data, now, sync_interval)


def read_model_version(session: Session) -> ModelVersion:
    """One primary-key lookup: cheap enough to poll every second."""
    version = read_data_version(session)
    return ModelVersion(version.version, version.runs_version)


def load_read_model(session: Session, repos: Sequence[str], today: date) -> ReadModel:
    for _ in range(MAX_LOAD_ATTEMPTS):
        before = read_model_version(session)
        data = read_data_version(session)
        proposals = load_proposals(session)
        committee = load_committee(session, repos, today).with_decisions(
            Candidates(candidates_of(proposals)), repos
        )
        model = ReadModel(
            version=before,
            data=data,
            today=today,
            index=ProposalIndex(with_minutes_outcomes(proposals, committee.decisions)),
            committee=committee,
            runs=load_run_log(session),
            events={
                (repo.lower(), number): found
                for (repo, number), found in load_events(session).items()
            },
        )
        if read_model_version(session) == before:
            return model
        session.rollback()  # a sync committed meanwhile: read it all again
    raise RuntimeError("the data kept changing while it was being read")
