"""The data version: one number that changes whenever served data changes.

Readers use it as the key of caches and ETags; a sync that changed nothing leaves it alone,
so clients polling with `If-None-Match` keep getting 304s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from alesco.models import DataVersionRow


@dataclass(frozen=True)
class DataVersion:
    version: int
    changed_at: datetime


def read_data_version(session: Session) -> DataVersion:
    row = session.get(DataVersionRow, 1)
    if row is None:
        raise RuntimeError("data_version row missing: run `alesco db upgrade`")
    return DataVersion(row.version, row.changed_at)


def bump_data_version(session: Session, now: datetime) -> DataVersion:
    row = session.get(DataVersionRow, 1, with_for_update=True)
    if row is None:
        raise RuntimeError("data_version row missing: run `alesco db upgrade`")
    row.version += 1
    row.changed_at = now
    session.add(row)
    return DataVersion(row.version, row.changed_at)
