"""A page of a list, answered the same way by every list route: `meta.count`, `limit` and
`next_cursor`, `X-Total-Count`, a `Link` to the first page and to the next, and the rows
as JSON or CSV."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from alesco.read.cursor import Cursor
from api.formats.rendering import Cell, list_response
from api.links import first_page_url, public_url


class Page(Protocol):
    """What a list query returns besides its items (`ProposalPage`, `MeetingPage`)."""

    @property
    def total(self) -> int: ...

    @property
    def next_cursor(self) -> Cursor | None: ...


def page_response(
    request: Request,
    page: Page,
    limit: int,
    data: list[dict[str, Any]],
    columns: Mapping[str, Cell | None],
    freshness: Mapping[str, Any],
) -> Response:
    """`data` (the page's items, rendered) in the list envelope, with its paging links."""
    next_cursor = page.next_cursor.encode() if page.next_cursor else None
    links = [f'<{first_page_url(request)}>; rel="first"']
    if next_cursor:
        links.append(f'<{public_url(request, cursor=next_cursor)}>; rel="next"')
    headers = {"Link": ", ".join(links)}
    meta = {"count": page.total, "limit": limit, "next_cursor": next_cursor, **freshness}
    return list_response(request, data, meta, columns, headers)
