"""The GitHub proposals sync (run by `ingest.syncs.sync_runner`).

1. Read what we have: stored PR facts and the HTTP cache.
2. Fetch every configured repository's pulls list conditionally. Only PRs whose
   `updated_at` moved (or that came from the bundled snapshot) get their files, events,
   RFC document and closer fetched; the rest reuse stored facts. With nothing changed
   upstream, a sync is one 304 per list page and nothing else.
3. Derive all proposals (a later PR can supersede an earlier unchanged one).
4. Store proposals, events, cache entries and the sync-run row in one transaction. Any
   failure before the commit changes nothing; the failure is recorded on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.domain.lifecycle import Kind, derive_kind
from alesco.domain.proposal import Proposal, PullFacts, build_proposals
from alesco.errors import MalformedUpstream
from alesco.settings import Settings
from alesco.storage.github_store import StoredPull, load_stored_pulls, replace_proposals
from alesco.storage.sync_runs import Origin, Source, SyncReport
from alesco.timestamps import utc_now
from alesco.upstream.github_records import PullFile, PullRequest
from alesco.upstream.rfc_document import RfcDocument, parse_rfc_document, pick_rfc_file
from ingest.clients.conditional import ConditionalFetcher, RequestPolicy
from ingest.clients.github import GithubApi, github_http_client
from ingest.syncs.sync_runner import SyncSpec, run_sync

logger = logging.getLogger(__name__)


async def _fetch_rfc_document(
    api: GithubApi, repo: str, pull: PullRequest, files: list[PullFile], report: SyncReport
) -> RfcDocument | None:
    added = tuple(file.filename for file in files if file.status == "added")
    path = pick_rfc_file(added)
    if path is None:
        return None
    file = next(file for file in files if file.filename == path)
    try:
        text = await api.file_text(api.contents_url(repo, file, pull.head_sha), path)
    except MalformedUpstream as error:
        report.warnings.append(f"{repo}#{pull.number}: {error}")
        return None
    if text is None:
        report.warnings.append(f"{repo}#{pull.number}: {path} not found upstream")
        return None
    return parse_rfc_document(text, path)


async def _fetch_pull_facts(
    api: GithubApi, repo: str, pull: PullRequest, report: SyncReport
) -> PullFacts:
    """Everything about one new or changed PR; only RFCs need events and their closer.

    A sub-resource upstream calls gone (404, or 410 when issues are switched off) is a
    warning, not a failure: the listing alone still gives kind and stage.
    """
    where = f"{repo}#{pull.number}"
    files = await api.files(repo, pull.number)
    if files is None:
        report.warnings.append(f"{where}: files not available upstream")
        files = []
    added = tuple(file.filename for file in files if file.status == "added")
    if derive_kind(pull.title, added) == Kind.OTHER:
        return PullFacts(pull, (), None, added, None)
    events = await api.events(repo, pull.number)
    if events is None:
        report.warnings.append(f"{where}: issue events not available upstream")
    closed_by = None
    if pull.state == "closed" and not pull.merged:
        issue = await api.issue(repo, pull.number)
        if issue is None:
            report.warnings.append(f"{where}: issue record not available upstream")
        closed_by = issue.closed_by if issue else None
    document = await _fetch_rfc_document(api, repo, pull, files, report)
    return PullFacts(pull, tuple(events or ()), closed_by, added, document)


def _is_unchanged(stored: StoredPull | None, pull: PullRequest) -> bool:
    return (
        stored is not None
        and stored.origin == Origin.UPSTREAM
        and stored.updated_at == pull.updated_at
    )


async def collect_repository(
    api: GithubApi,
    repo: str,
    stored: dict[tuple[str, int], StoredPull],
    report: SyncReport,
    force: frozenset[tuple[str, int]] = frozenset(),
) -> list[tuple[Proposal, PullFacts]]:
    """Fetch one repository's facts and derive its proposals; PRs in `force` (named by a
    webhook) are fetched again even if their `updated_at` did not move."""
    facts = []
    for pull in await api.pulls(repo):
        known = stored.get((repo, pull.number))
        forced = (repo.lower(), pull.number) in force
        if known is not None and not forced and _is_unchanged(known, pull):
            facts.append(
                PullFacts(
                    pull, known.events, known.closed_by, known.added_paths, known.rfc_document
                )
            )
        else:
            facts.append(await _fetch_pull_facts(api, repo, pull, report))
    proposals = build_proposals(repo, facts)
    return list(zip(proposals, facts, strict=True))


def github_sync_spec(
    settings: Settings, force: frozenset[tuple[str, int]] = frozenset()
) -> SyncSpec[dict[tuple[str, int], StoredPull], list[tuple[Proposal, PullFacts]]]:
    async def collect(
        fetcher: ConditionalFetcher,
        stored: dict[tuple[str, int], StoredPull],
        report: SyncReport,
    ) -> list[tuple[Proposal, PullFacts]]:
        api = GithubApi(fetcher, settings.github_api_url)
        collected = []
        for repo in settings.github_repos:
            collected += await collect_repository(api, repo, stored, report, force)
        return collected

    def store(
        session: Session,
        collected: list[tuple[Proposal, PullFacts]],
        report: SyncReport,
        now: datetime,
    ) -> bool:
        report.items = len(collected)
        return replace_proposals(session, collected, Origin.UPSTREAM, now)

    return SyncSpec(
        source=Source.GITHUB,
        load_known=load_stored_pulls,
        open_client=lambda: github_http_client(settings),
        collect=collect,
        store=store,
        policy=RequestPolicy.from_settings(settings),
    )


async def sync_github(
    settings: Settings,
    engine: Engine,
    clock: Callable[[], datetime] = utc_now,
    force: frozenset[tuple[str, int]] = frozenset(),
) -> SyncReport:
    """One GitHub sync of every configured repository; failures are recorded, not raised.

    `force` names (lower-case repo, number) pairs to refetch whatever their `updated_at`.
    """
    return await run_sync(github_sync_spec(settings, force), engine, clock)
