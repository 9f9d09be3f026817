"""Stored upstream responses keyed by URL: the validators (`ETag`, `Last-Modified`) sent
as `If-None-Match` / `If-Modified-Since`, and the body and next-page link reused on a 304.

Entries are written in the same transaction as the data they produced, so a failed sync
never leaves a validator pointing at data we did not keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from alesco.database.models import HttpCacheRow


@dataclass(frozen=True)
class CachedResponse:
    url: str
    etag: str | None
    last_modified: str | None
    next_url: str | None
    body: bytes
    stored_at: datetime


def load_http_cache(session: Session) -> dict[str, CachedResponse]:
    return {
        row.url: CachedResponse(
            url=row.url,
            etag=row.etag,
            last_modified=row.last_modified,
            next_url=row.next_url,
            body=row.body,
            stored_at=row.stored_at,
        )
        for row in session.exec(select(HttpCacheRow))
    }


def save_http_cache(session: Session, entries: Iterable[CachedResponse]) -> None:
    for entry in entries:
        session.merge(
            HttpCacheRow(
                url=entry.url,
                etag=entry.etag,
                last_modified=entry.last_modified,
                next_url=entry.next_url,
                body=entry.body,
                stored_at=entry.stored_at,
            )
        )
