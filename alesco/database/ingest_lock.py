"""One ingest at a time across processes, however many `serve` replicas and workers run.

PostgreSQL: a session-level advisory lock, held on a connection of its own for the whole
round. SQLite: an exclusive `flock` on a file beside the database. Both are released by
the operating system or the server if the process dies (even by SIGKILL), so a crashed
worker never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from sqlalchemy import Connection, Engine, text

ADVISORY_KEY = 0x616C6573636F  # "alesco"
_IN_MEMORY = threading.Lock()  # for SQLite databases without a file


class IngestLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._descriptor: int | None = None
        self._memory = False

    def _lock_path(self) -> Path | None:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return None
        return Path(f"{database}.ingest.lock")

    def acquire(self, wait: bool) -> bool:
        """Take the lock; with `wait` False, give up at once if another process holds it."""
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            statement = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            result = connection.execute(text(f"SELECT {statement}(:key)"), {"key": ADVISORY_KEY})
            acquired = wait or bool(result.scalar())
            connection.commit()
            if acquired:
                self._connection = connection
            else:
                connection.close()
            return acquired
        path = self._lock_path()
        if path is None:
            self._memory = _IN_MEMORY.acquire(blocking=wait)
            return self._memory
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(descriptor)
            return False
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            self._connection.commit()
            self._connection.close()
            self._connection = None
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = None
        if self._memory:
            _IN_MEMORY.release()
            self._memory = False


class LockAttempt:
    """Take an `IngestLock` on a worker thread so that an awaiting task may be cancelled.

    Cancelling a task does not stop the thread it awaits: the lock may still be taken
    after nobody waits for it, and a flock or advisory lock nobody releases blocks every
    ingest until the process exits. `abandon` (from the cancelled task) and `take` (on the
    thread) agree under a mutex on who releases, whichever finishes first.
    """

    def __init__(self, lock: IngestLock) -> None:
        self.lock = lock
        self._mutex = threading.Lock()
        self._abandoned = False
        self._held = False

    def take(self, wait: bool) -> bool:
        acquired = self.lock.acquire(wait)
        with self._mutex:
            if acquired and self._abandoned:
                self.lock.release()
                return False
            self._held = acquired
            return acquired

    def abandon(self) -> None:
        with self._mutex:
            self._abandoned = True
            if self._held:
                self.lock.release()
                self._held = False
