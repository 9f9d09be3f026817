"""`/v1/status` and `meta.stale`: freshness per source, failures visible, data kept."""

from __future__ import annotations

from datetime import timedelta

from alesco.storage.sync_runs import Outcome
from tests.api.conftest import NOW, record_run


async def test_fresh_after_a_successful_sync(client, committee):
    status = (await client.get("/v1/status")).json()["data"]
    github = status["sources"]["github"]
    assert github["origin"] == "upstream"
    assert github["outcome"] == "success"
    assert github["stale"] is False
    assert github["items"] == 6
    assert (github["requests"], github["not_modified"]) == (3, 2)
    assert github["error"] is None
    assert status["data_version"] == 1


async def test_failed_sync_is_visible_and_data_is_still_served(client, committee):
    record_run(
        committee,
        NOW + timedelta(minutes=5),
        Outcome.FAILED,
        reason="upstream_unavailable",
        error="HTTP 502",
        requests=1,
    )
    github = (await client.get("/v1/status")).json()["data"]["sources"]["github"]
    assert github["outcome"] == "failed"
    assert github["stale"] is True
    assert github["error"] == {"reason": "upstream_unavailable", "message": "HTTP 502"}
    assert github["last_success_at"] == "2025-02-15T12:00:00Z"
    assert github["items"] == 6
    listing = (await client.get("/v1/proposals")).json()
    assert listing["meta"]["stale"] is True
    assert len(listing["data"]) == 3


async def test_old_success_becomes_stale(client, engine):
    record_run(engine, NOW - timedelta(hours=2))
    github = (await client.get("/v1/status")).json()["data"]["sources"]["github"]
    assert github["stale"] is True
    assert github["stale_since"] == github["last_success_at"]


async def test_never_synced(client, engine):
    github = (await client.get("/v1/status")).json()["data"]["sources"]["github"]
    assert github["stale"] is True
    assert github["origin"] is None
    assert github["last_attempt_at"] is None


async def test_a_failure_before_the_snapshot_installs_stays_visible(client, engine):
    """A worker's first sync can fail before a replica, starting beside it, installs the
    bundled snapshot: the failure stays the latest attempt, the data the snapshot's."""
    from alesco.storage.snapshot import install_snapshot, read_snapshot

    built = read_snapshot().built_at
    failed_at = built + timedelta(days=30)
    record_run(engine, failed_at, Outcome.FAILED, reason="upstream_unavailable", error="HTTP 502")
    assert install_snapshot(engine, failed_at + timedelta(seconds=1))
    github = (await client.get("/v1/status")).json()["data"]["sources"]["github"]
    assert github["outcome"] == "failed"
    assert github["error"] == {"reason": "upstream_unavailable", "message": "HTTP 502"}
    assert github["origin"] == "snapshot"
    assert github["stale"] is True
    assert github["last_success_at"] == built.strftime("%Y-%m-%dT%H:%M:%SZ")
