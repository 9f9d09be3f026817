"""The minutes sync: Markdown files listed through the GitHub contents API.

The folder listing is fetched conditionally; a file is fetched only when its blob `sha`
differs from the stored one. Every file is parsed again each sync (cheap, and parser
improvements reach old files). Subfolders (one a year, say) are read too. A file that
cannot be parsed, is empty or binary, or has no date, becomes a
warning in the sync run; it never fails the sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.errors import MalformedUpstream
from alesco.settings import Settings
from alesco.storage.committee_store import MinutesFile, load_minutes_texts, replace_minutes
from alesco.storage.sync_runs import Origin, Source, SyncReport
from alesco.timestamps import utc_now
from alesco.upstream.github_records import ContentEntry
from alesco.upstream.minutes.parse import is_minutes_file, parse_minutes
from ingest.clients.conditional import ConditionalFetcher, RequestPolicy
from ingest.clients.github import GithubApi, github_http_client
from ingest.syncs.sync_runner import SyncSpec, run_sync

logger = logging.getLogger(__name__)

Known = dict[str, tuple[str | None, str]]
MAX_FOLDER_DEPTH = 2  # minutes/2026/07/... at the most


def parse_minutes_file(
    path: str, sha: str | None, url: str | None, text: str, report: SyncReport
) -> MinutesFile | None:
    """Parse one file, turning anything odd into warnings; None if it cannot be placed."""
    try:
        minutes = parse_minutes(text, path)
    except Exception:  # a parser bug on one odd file must not cost the other files
        logger.exception("minutes.parse_crashed", extra={"path": path})
        report.warnings.append(f"{path}: could not be parsed")
        return None
    report.warnings.extend(f"{path}: {warning}" for warning in minutes.warnings)
    if minutes.date is None:
        return None
    return MinutesFile(path=path, sha=sha, url=url, text=text, minutes=minutes)


async def _list_files(
    api: GithubApi, repo: str, folder: str, report: SyncReport, depth: int = 0
) -> list[ContentEntry]:
    """The minutes files in `folder` and its subfolders (say, one per year), each listing
    fetched conditionally; nesting deeper than `MAX_FOLDER_DEPTH` is a warning."""
    found: list[ContentEntry] = []
    for entry in await api.directory(repo, folder):
        if entry.type == "dir":
            if depth >= MAX_FOLDER_DEPTH:
                report.warnings.append(f"{entry.path}: folder nested too deep, not read")
            else:
                found += await _list_files(api, repo, entry.path, report, depth + 1)
        elif entry.type == "file" and is_minutes_file(entry.name):
            found.append(entry)
    return found


def minutes_sync_spec(settings: Settings) -> SyncSpec[Known, list[MinutesFile]]:
    async def collect(
        fetcher: ConditionalFetcher, known: Known, report: SyncReport
    ) -> list[MinutesFile]:
        api = GithubApi(fetcher, settings.github_api_url)
        files = []
        for entry in await _list_files(api, settings.minutes_repo, settings.minutes_path, report):
            stored_sha, stored_text = known.get(entry.path, (None, None))
            text = stored_text if stored_sha and stored_sha == entry.sha else None
            if text is None:
                url = api.path_url(settings.minutes_repo, entry.path)
                try:
                    text = await api.file_text(url, entry.path)
                except MalformedUpstream as error:
                    report.warnings.append(f"{entry.path}: {error}")
                    continue
            if text is None:
                report.warnings.append(f"{entry.path}: listed but not found")
                continue
            if not text.strip():
                report.warnings.append(f"{entry.path}: empty file")
                continue
            parsed = parse_minutes_file(entry.path, entry.sha, entry.html_url, text, report)
            if parsed is not None:
                files.append(parsed)
        return files

    def store(
        session: Session, files: list[MinutesFile], report: SyncReport, now: datetime
    ) -> bool:
        report.items = len(files)
        return replace_minutes(session, files, Origin.UPSTREAM, now)

    return SyncSpec(
        source=Source.MINUTES,
        load_known=load_minutes_texts,
        open_client=lambda: github_http_client(settings),
        collect=collect,
        store=store,
        policy=RequestPolicy.from_settings(settings),
    )


async def sync_minutes(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utc_now
) -> SyncReport:
    return await run_sync(minutes_sync_spec(settings), engine, clock)
