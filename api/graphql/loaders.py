"""Per-request batch loading for GraphQL: nested fields never cost a query per item.

The committee (meetings, minutes, roster) is read once per request, on first use;
proposals named by meetings are fetched in one query per batch of keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from alesco.committee import Committee, Meeting
from alesco.committee_store import load_committee
from alesco.proposal import Proposal
from alesco.queries import find_proposals_by_keys
from alesco.settings import Settings

ProposalKey = tuple[str, int]


class Loaders:
    def __init__(self, engine: Engine, settings: Settings, now: datetime) -> None:
        self.engine = engine
        self.settings = settings
        self.now = now
        self._committee: asyncio.Future[Committee] | None = None
        self.proposals: DataLoader[ProposalKey, Proposal | None] = DataLoader(
            load_fn=self._load_proposals
        )
        self.meetings_discussing: DataLoader[ProposalKey, list[Meeting]] = DataLoader(
            load_fn=self._load_meetings_discussing
        )

    async def committee(self) -> Committee:
        """The joined committee, read once per request however many fields need it."""
        if self._committee is None:
            self._committee = asyncio.ensure_future(run_in_threadpool(self._read_committee))
        return await self._committee

    def _read_committee(self) -> Committee:
        with Session(self.engine) as session:
            return load_committee(session, self.settings.github_repos, self.now.date())

    async def _load_proposals(self, keys: Sequence[ProposalKey]) -> list[Proposal | None]:
        def read() -> dict[ProposalKey, Proposal]:
            with Session(self.engine) as session:
                return find_proposals_by_keys(session, keys)

        found = await run_in_threadpool(read)
        return [found.get((repo.lower(), number)) for repo, number in keys]

    async def _load_meetings_discussing(self, keys: Sequence[ProposalKey]) -> list[list[Meeting]]:
        committee = await self.committee()
        return [committee.meetings_discussing(repo, number) for repo, number in keys]
