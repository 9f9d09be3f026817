"""GitHub REST client: the requests the proposals sync makes, parsed at the boundary.

Headers follow GitHub's guidance (README "Upstreams"): `Accept: application/vnd.github+json`,
the pinned `X-GitHub-Api-Version: 2022-11-28`, a `User-Agent` naming us, and the token as
`Authorization: Bearer` only when one is configured. Lists are read with the same query
parameters every time (`state=all&per_page=100`, GitHub's stable default order), so their
ETags stay valid between polls.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from alesco.settings import Settings
from alesco.upstream.github_records import (
    ContentEntry,
    IssueEvent,
    IssueRecord,
    PullFile,
    PullRequest,
    parse_content_text,
    parse_directory,
    parse_events,
    parse_files,
    parse_issue,
    parse_pulls,
)
from ingest.clients.conditional import ConditionalFetcher
from ingest.clients.http_clients import plain_http_client

API_VERSION = "2022-11-28"


def github_http_client(settings: Settings) -> httpx.AsyncClient:
    """An HTTP client carrying GitHub's headers; the token is unwrapped only here."""
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    if settings.github_token is not None:
        headers["Authorization"] = f"Bearer {settings.github_token.get_secret_value()}"
    return plain_http_client(settings, headers)


class GithubApi:
    """The GitHub endpoints we read, for one API base URL."""

    def __init__(self, fetcher: ConditionalFetcher, api_url: str) -> None:
        self.fetcher = fetcher
        self.api_url = api_url.rstrip("/")

    def _repo_url(self, repo: str, path: str) -> str:
        return f"{self.api_url}/repos/{repo}/{path}"

    async def pulls(self, repo: str) -> list[PullRequest]:
        """Every PR once. A PR opened while the list is paged shifts the pages (newest
        first), so the last item of one page can come again at the top of the next."""
        url = self._repo_url(repo, "pulls?state=all&per_page=100")
        unique: dict[int, PullRequest] = {}
        for pull in parse_pulls(await self.fetcher.get_all_pages(url)):
            unique.setdefault(pull.number, pull)
        return list(unique.values())

    # A PR's events and files are read only when the PR changed, and read whole: they grow
    # at their end, so a 304 on their stored last page would hide a page added after it.

    async def events(self, repo: str, number: int) -> list[IssueEvent] | None:
        """The PR's issue events; None when GitHub has none to give (410: issues off)."""
        url = self._repo_url(repo, f"issues/{number}/events?per_page=100")
        items = await self.fetcher.get_all_pages_optional(url, revalidate=False)
        return None if items is None else parse_events(items, number)

    async def files(self, repo: str, number: int) -> list[PullFile] | None:
        url = self._repo_url(repo, f"pulls/{number}/files?per_page=100")
        items = await self.fetcher.get_all_pages_optional(url, revalidate=False)
        return None if items is None else parse_files(items, number)

    async def issue(self, repo: str, number: int) -> IssueRecord | None:
        page = await self.fetcher.get_optional(self._repo_url(repo, f"issues/{number}"))
        return None if page is None else parse_issue(page.json())

    def path_url(self, repo: str, path: str) -> str:
        """The contents-API URL of a file or folder on the default branch."""
        return self._repo_url(repo, f"contents/{quote(path.strip('/'))}")

    async def directory(self, repo: str, path: str) -> list[ContentEntry]:
        page = await self.fetcher.get(self.path_url(repo, path))
        return parse_directory(page.json(), path)

    def contents_url(self, repo: str, file: PullFile, ref: str | None) -> str:
        """GitHub's own `contents_url` when it points at this API, else one built here."""
        if file.contents_url and file.contents_url.startswith(f"{self.api_url}/"):
            return file.contents_url
        query = f"?ref={quote(ref, safe='')}" if ref else ""
        return self._repo_url(repo, f"contents/{quote(file.filename)}{query}")

    async def file_text(self, url: str, path: str) -> str | None:
        """A file's text through the contents API; None when it is gone (404)."""
        page = await self.fetcher.get_optional(url)
        return None if page is None else parse_content_text(page.json(), path)
