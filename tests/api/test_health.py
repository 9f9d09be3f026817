"""`/healthz`, `/readyz` and `/`: what operators and first-time visitors see."""

from __future__ import annotations

from alesco.database.migrate import head_revision


async def test_healthz(client, engine):
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_reports_the_migrated_schema(client, engine):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["schema"] == head_revision(engine)


async def test_index_links_to_the_routes(client, engine):
    links = (await client.get("/")).json()["data"]["links"]
    assert links["proposals"] == "http://testserver/v1/proposals"
    for url in (links["proposals"], links["status"]):
        assert (await client.get(url)).status_code == 200
