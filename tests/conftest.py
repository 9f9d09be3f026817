"""Shared fixtures: a clean environment, and real databases (SQLite file + PostgreSQL).

Storage and API tests run once per backend. PostgreSQL is the server at
`ALESCO_TEST_POSTGRES_URL` (default: 127.0.0.1:5432, database `test`); each test session
works in a schema of its own, dropped at the end. When the server is unreachable the
PostgreSQL half is skipped with the reason shown, unless `ALESCO_REQUIRE_POSTGRES=1`
(as in CI), which turns that into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
import stamina
from sqlalchemy import Engine
from sqlmodel import SQLModel

from alesco.database.db import create_db_engine
from alesco.database.ingest_lock import IngestLock
from alesco.database.migrate import upgrade
from alesco.settings import Settings
from tests.fakes.github import FakeGitHub
from tests.fakes.indico import FakeIndico
from tests.fakes.server import serve_in_thread

POSTGRES_URL = os.environ.get(
    "ALESCO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("ALESCO_REQUIRE_POSTGRES") == "1"
ENVIRONMENT_SETTINGS = ("DATABASE_URL", "GITHUB_TOKEN")


@pytest.fixture(autouse=True, scope="session")
def instant_retries() -> Iterator[None]:
    """Retries keep their count (3) but not their waiting: tests stay fast and still see
    that a failure is retried, and that retrying is bounded."""
    with stamina.set_testing(True, attempts=3, cap=True):
        yield


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any) -> None:
    """No test sees the developer's ALESCO_* variables, token or .env file."""
    for name in list(os.environ):
        if name.startswith("ALESCO_") and name not in (
            "ALESCO_TEST_POSTGRES_URL",
            "ALESCO_REQUIRE_POSTGRES",
        ):
            monkeypatch.delenv(name)
    for name in ENVIRONMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def make_settings(**overrides: Any) -> Settings:
    """Settings from explicit values only (no environment file)."""
    return Settings(_env_file=None, **overrides)


def _postgres_schema_url() -> Iterator[str]:
    admin = create_db_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {error.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " (ALESCO_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    schema = f"alesco_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[str]:
    """A migrated database of each backend, shared by the session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'alesco.db'}"
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    for url in _postgres_schema_url():
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def session_engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(session_engine: Engine) -> Iterator[Engine]:
    """The session's database, emptied before each test (data version back to 0).

    Tests here commit for real (a sync is one transaction, and that is under test), so
    isolation is by emptying tables rather than by rolling back an outer transaction.
    A test that leaves the ingest lock held fails here, not in whichever test comes next."""
    with session_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name == "data_version":
                connection.execute(table.update().values(version=0))
            else:
                connection.execute(table.delete())
    yield session_engine
    probe = IngestLock(session_engine)
    assert probe.acquire(wait=False), "the test left the ingest lock held"
    probe.release()


@dataclass
class GitHubServer:
    """A fake GitHub served on loopback, and settings that point at it."""

    fake: FakeGitHub
    url: str

    def settings(self, database_url: str, *repos: str, **overrides: Any) -> Settings:
        return make_settings(
            database_url=database_url,
            github_api_url=self.url,
            github_repos=repos or tuple(r.full_name for r in self.fake.repositories.values()),
            **overrides,
        )

    def paths(self) -> list[str]:
        return [request.path for request in self.fake.requests]


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    fake = FakeGitHub()
    with serve_in_thread(fake.app) as url:
        yield GitHubServer(fake, url)


@dataclass
class IndicoServer:
    fake: FakeIndico
    url: str


@pytest.fixture
def indico() -> Iterator[IndicoServer]:
    fake = FakeIndico()
    with serve_in_thread(fake.app) as url:
        yield IndicoServer(fake, url)
