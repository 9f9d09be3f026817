"""The API as the public meets it (bundled snapshot of real data, no webhook secret), for
schemathesis to call in-process through ASGI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from alesco.database.db import create_db_engine
from alesco.database.migrate import upgrade
from alesco.storage.snapshot import install_snapshot
from alesco.timestamps import utc_now
from api.app import create_app
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def snapshot_engine(tmp_path_factory: Any) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "alesco.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    assert install_snapshot(engine, utc_now()), "the snapshot did not install"
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app(snapshot_engine: Engine) -> Any:
    return create_app(make_settings(database_url=str(snapshot_engine.url)), snapshot_engine)
