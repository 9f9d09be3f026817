"""Notice an ingest that died mid-sync (SIGKILL, OOM, a lost machine) within seconds.

A run row says 'running' from its start until its end is recorded; if its process dies in
between, nothing else would ever change it. Syncs run only under the ingest lock, and the
operating system (or PostgreSQL) releases that lock when its holder dies: so a 'running'
row while the lock is free belongs to a dead process. Any process may check; API processes
do whenever the run log they serve shows a running sync, so `/v1/status` says
"interrupted" soon after the crash instead of "running" until the next sync.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from alesco.database.ingest_lock import IngestLock
from alesco.storage.sync_runs import mark_interrupted


def reap_dead_runs(engine: Engine) -> int:
    """Mark dead 'running' rows interrupted; 0 when a live sync holds the lock."""
    lock = IngestLock(engine)
    if not lock.acquire(wait=False):
        return 0
    try:
        with Session(engine) as session, session.begin():
            return mark_interrupted(session)
    finally:
        lock.release()
