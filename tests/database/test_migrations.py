"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from alesco.database.db import create_db_engine
from alesco.database.migrate import current_revision, head_revision, upgrade
from tests.conftest import _postgres_schema_url


def test_schema_is_at_head_and_matches_models(engine):
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)


def test_replicas_starting_together_all_come_up(tmp_path, database_url):
    """Every serve replica and the worker run `upgrade` at start, often at once."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        fresh = None
    else:
        fresh = _postgres_schema_url()
        url = next(fresh)
    engines = [create_db_engine(url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start_replica(engine) -> None:
        start.wait()
        try:
            upgrade(engine)
        except BaseException as error:  # any failure is the finding
            failures.append(error)

    threads = [threading.Thread(target=start_replica, args=(e,)) for e in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert current_revision(engines[0]) == head_revision(engines[0])
    finally:
        for engine in engines:
            engine.dispose()
        if fresh is not None:
            fresh.close()
