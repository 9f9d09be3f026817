"""The GitHub proposals sync: fetch, derive, store, in that order and apart.

1. Read what we have: stored PR facts and the HTTP cache (a short read transaction).
2. Fetch every configured repository's pulls list conditionally. Only PRs whose
   `updated_at` moved (or that came from the bundled snapshot) get their files, events,
   RFC document and closer fetched; the rest reuse stored facts. With nothing changed
   upstream, a sync is one 304 per list page and nothing else.
3. Derive all proposals (a later PR can supersede an earlier unchanged one).
4. Store proposals, events, cache entries and the sync-run row in one transaction. Any
   failure before the commit changes nothing; the failure is recorded on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.errors import AlescoError, MalformedUpstream, UpstreamError
from alesco.github_records import PullFile, PullRequest
from alesco.github_store import StoredPull, load_stored_pulls, replace_proposals
from alesco.http_cache import CachedResponse, load_http_cache, save_http_cache
from alesco.lifecycle import Kind, derive_kind
from alesco.proposal import Proposal, PullFacts, build_proposals
from alesco.rfc_document import RfcDocument, parse_rfc_document, pick_rfc_file
from alesco.settings import Settings
from alesco.sync_runs import Origin, Outcome, Source, SyncReport, record_sync_run
from alesco.timestamps import utc_now
from ingest.conditional import ConditionalFetcher
from ingest.github import GithubApi, github_http_client

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
) -> list[tuple[Proposal, PullFacts]]:
    """Fetch one repository's facts and derive its proposals."""
    facts = []
    for pull in await api.pulls(repo):
        known = stored.get((repo, pull.number))
        if known is not None and _is_unchanged(known, pull):
            facts.append(
                PullFacts(
                    pull, known.events, known.closed_by, known.added_paths, known.rfc_document
                )
            )
        else:
            facts.append(await _fetch_pull_facts(api, repo, pull, report))
    proposals = build_proposals(repo, facts)
    return list(zip(proposals, facts, strict=True))


def _finish_failed(engine: Engine, report: SyncReport, error: Exception, now: datetime) -> None:
    report.finished_at = now
    report.outcome = Outcome.FAILED
    report.reason = error.reason if isinstance(error, AlescoError) else "internal_error"
    report.error = str(error) if isinstance(error, AlescoError) else "internal error"
    with Session(engine) as session, session.begin():
        record_sync_run(session, report)
    logger.warning(
        "sync.failed",
        extra={"source": report.source.value, "reason": report.reason, "error": report.error},
    )


def _load_known(
    engine: Engine,
) -> tuple[dict[str, CachedResponse], dict[tuple[str, int], StoredPull]]:
    with Session(engine) as session:
        return load_http_cache(session), load_stored_pulls(session)


def _store(
    engine: Engine,
    collected: list[tuple[Proposal, PullFacts]],
    fetcher: ConditionalFetcher,
    report: SyncReport,
    clock: Callable[[], datetime],
) -> None:
    with Session(engine) as session, session.begin():
        report.changed = replace_proposals(session, collected, Origin.UPSTREAM, clock())
        save_http_cache(session, fetcher.updated.values())
        report.items = len(collected)
        report.outcome = Outcome.SUCCESS
        report.finished_at = clock()
        record_sync_run(session, report)


async def sync_github(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utc_now
) -> SyncReport:
    """Run one GitHub sync of every configured repository; never raises for upstream errors.

    Database work runs in a worker thread, so an API served from the same event loop keeps
    answering while a sync reads or writes.
    """
    report = SyncReport(Source.GITHUB, Origin.UPSTREAM, started_at=clock())
    cache, stored = await asyncio.to_thread(_load_known, engine)
    async with github_http_client(settings) as client:
        fetcher = ConditionalFetcher(client, cache, clock)
        api = GithubApi(fetcher, settings.github_api_url)
        try:
            collected = []
            for repo in settings.github_repos:
                collected += await collect_repository(api, repo, stored, report)
        except Exception as error:
            if not isinstance(error, UpstreamError):
                logger.exception("sync.crashed", extra={"source": report.source.value})
            _copy_stats(report, fetcher)
            await asyncio.to_thread(_finish_failed, engine, report, error, clock())
            return report
    _copy_stats(report, fetcher)
    try:
        await asyncio.to_thread(_store, engine, collected, fetcher, report, clock)
    except Exception as error:
        logger.exception("sync.store_failed", extra={"source": report.source.value})
        await asyncio.to_thread(_finish_failed, engine, report, error, clock())
        return report
    logger.info(
        "sync.finished",
        extra={
            "source": report.source.value,
            "items": report.items,
            "changed": report.changed,
            "requests": report.requests,
            "not_modified": report.not_modified,
            "warnings": len(report.warnings),
        },
    )
    return report


def _copy_stats(report: SyncReport, fetcher: ConditionalFetcher) -> None:
    report.requests = fetcher.stats.requests
    report.not_modified = fetcher.stats.not_modified
    report.rate_limit_remaining = fetcher.stats.rate_limit_remaining
    report.rate_limit_reset_at = fetcher.stats.rate_limit_reset_at
