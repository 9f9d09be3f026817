"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from alesco.migrate import current_revision, head_revision, upgrade


def test_schema_is_at_head_and_matches_models(engine):
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
