"""Ingest helpers: the API over the database a sync just wrote."""

from __future__ import annotations

import httpx

from alesco.settings import Settings
from api.app import create_app


def api_client(settings: Settings, engine) -> httpx.AsyncClient:
    app = create_app(settings, engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
