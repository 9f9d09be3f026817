"""The data version: one number that changes whenever served data changes.

Readers use it as the key of caches and ETags; a sync that changed nothing leaves it alone,
so clients polling with `If-None-Match` keep getting 304s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from alesco.database.models import DataVersionRow


@dataclass(frozen=True)
class DataVersion:
    version: int
    changed_at: datetime
    runs_version: int = 0


def _row(session: Session, lock: bool = False) -> DataVersionRow:
    row = session.get(DataVersionRow, 1, with_for_update=lock, populate_existing=True)
    if row is None:
        raise RuntimeError("data_version row missing: run `alesco db upgrade`")
    return row


def read_data_version(session: Session) -> DataVersion:
    row = _row(session)
    return DataVersion(row.version, row.changed_at, row.runs_version)


def lock_data_version(session: Session) -> None:
    """Take the version row's lock first in a transaction that will write served data.

    Every such writer (a sync's store, the snapshot install of a starting replica) must
    lock this row before anything else: a sync that inserted proposals first and locked
    the row last deadlocked with a replica installing the snapshot in the other order."""
    _row(session, lock=True)


def bump_data_version(session: Session, now: datetime) -> DataVersion:
    row = _row(session, lock=True)
    row.version += 1
    row.changed_at = now
    session.add(row)
    return DataVersion(row.version, row.changed_at, row.runs_version)


def bump_runs_version(session: Session) -> None:
    """The sync-run log changed (a run started or ended): readers reload `/v1/status`."""
    row = _row(session, lock=True)
    row.runs_version += 1
    session.add(row)
