"""Absolute links in answers: from `ALESCO_PUBLIC_URL` when set, else from the request.

Answers are cached and shared (`api.edge.cache`), so a link built from the request's `Host` is
only safe because the edge keys such answers by host and scheme too (`Edge._key`):
one client's forged `Host` never reaches another client. With a public URL set, links
are the same for every request and the cache need not tell hosts apart.
"""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.requests import Request

from api.context import settings_of


def public_base(request: Request) -> str:
    """The base URL every absolute link starts with, without a trailing slash."""
    return settings_of(request).public_url or str(request.base_url).rstrip("/")


def public_url(request: Request, **query: str) -> str:
    """This request's URL under the public base, its query updated with `query`."""
    url = URL(public_base(request) + request.url.path)
    url = url.replace(query=request.url.query)
    return str(url.include_query_params(**query) if query else url)


def first_page_url(request: Request) -> str:
    """This list's first page: the request's URL under the public base, without `cursor`."""
    url = URL(public_base(request) + request.url.path).replace(query=request.url.query)
    return str(url.remove_query_params("cursor"))
