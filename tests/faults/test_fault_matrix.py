"""Every upstream failure we know of, switched on one at a time against a served deployment.

For each: the API keeps answering (a client hammers it throughout the failed sync), the
stored data and the served data are byte-for-byte what they were, `/v1/status` names the
failure and keeps the last success, and the next healthy sync lands the change that
upstream made meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from alesco.storage.sync_runs import Outcome, Source
from tests.faults.conftest import FCP, REPO, Deployment, T, hammering

Switch = Callable[[Deployment], None]


def nothing(deployment: Deployment) -> None:
    return None


@dataclass(frozen=True)
class Fault:
    name: str
    source: Source
    reason: str
    switch_on: Switch
    switch_off: Switch = nothing


def rate_limit_spent(deployment: Deployment) -> None:
    """The primary limit is spent and resets in two seconds (GitHub's x-ratelimit-reset)."""
    bucket = deployment.github.rate_limit()
    bucket.used = bucket.limit
    bucket.reset_at = int(time.time()) + 2


def clear_github(deployment: Deployment) -> None:
    deployment.github.failures.clear()
    deployment.github.stalls.clear()
    deployment.proxy.resets_left = 0


def clear_indico(deployment: Deployment) -> None:
    deployment.indico.failures.clear()
    deployment.indico.malformed = 0
    deployment.indico.corrupt_dates = False


FAULTS = [
    Fault(
        "github-500s",
        Source.GITHUB,
        "upstream_unavailable",
        lambda d: d.github.fail_next("/pulls", 500, times=1000),
        clear_github,
    ),
    Fault(
        "github-timeouts",
        Source.GITHUB,
        "upstream_unavailable",
        lambda d: d.github.stall_next("/pulls", 3.0, times=1000),
        clear_github,
    ),
    Fault(
        "github-drips-bytes-past-the-deadline",
        Source.GITHUB,
        "upstream_unavailable",
        lambda d: d.github.stall_next("/pulls", 3.0, times=1000, drip=True),
        clear_github,
    ),
    Fault(
        "github-connection-resets",
        Source.GITHUB,
        "upstream_unavailable",
        lambda d: d.proxy.reset_next(1000),
        clear_github,
    ),
    Fault("github-403-rate-limited", Source.GITHUB, "rate_limited", rate_limit_spent),
    Fault(
        "github-429-retry-after",
        Source.GITHUB,
        "rate_limited",
        lambda d: d.github.fail_next("/pulls", 429, retry_after=2),
    ),
    Fault(
        "github-malformed-json",
        Source.GITHUB,
        "malformed_upstream",
        lambda d: d.github.malformed("/pulls"),
    ),
    Fault(
        "github-page-missing-mid-pagination",
        Source.GITHUB,
        "upstream_rejected",
        # Pages after the first are at GitHub's /repositories/{id}/ URLs (the Link header).
        lambda d: d.github.fail_next("/repositories/", 404),
    ),
    Fault(
        "github-events-500-after-the-list",
        Source.GITHUB,
        "upstream_unavailable",
        lambda d: d.github.fail_next("/events", 503, times=1000),
        clear_github,
    ),
    Fault(
        "indico-500s",
        Source.MEETINGS,
        "upstream_unavailable",
        lambda d: d.indico.fail_next(500, times=1000),
        clear_indico,
    ),
    Fault(
        "indico-bad-dates",
        Source.MEETINGS,
        "malformed_upstream",
        lambda d: setattr(d.indico, "corrupt_dates", True),
        clear_indico,
    ),
    Fault(
        "indico-malformed-json",
        Source.MEETINGS,
        "malformed_upstream",
        lambda d: setattr(d.indico, "malformed", 1000),
        clear_indico,
    ),
]


def change_upstream(deployment: Deployment, source: Source) -> str:
    """A change a good sync would land; returns the route that shows it."""
    if source == Source.GITHUB:
        deployment.github.repository(REPO).add_label(1, FCP, actor="chair", at=T + timedelta(3))
        return "/v1/proposals/1"
    start = T + timedelta(days=28)
    deployment.indico.add_event(103, "ALESCo Meeting", start, start + timedelta(hours=1))
    return "/v1/meetings?limit=100"


def parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
async def test_the_service_survives(deployment: Deployment, fault: Fault) -> None:
    source = fault.source.value
    changed_route = change_upstream(deployment, fault.source)
    stored, served = deployment.stored(), (await deployment.served())
    good = (await deployment.status())[source]
    assert (good["outcome"], good["stale"]) == ("success", False)

    fault.switch_on(deployment)
    with hammering(deployment.api) as load:
        [result] = await deployment.sync(fault.source)
    report = result.report
    assert report is not None
    assert (report.outcome, report.reason) == (Outcome.FAILED, fault.reason), report.error

    assert load["requests"] > 0
    assert load["failures"] == [], "the API stopped answering during the failed sync"
    assert deployment.stored() == stored, "a failed sync changed stored data"
    status = await deployment.wait_for_status(source, lambda s: s["outcome"] == "failed")
    assert status["error"]["reason"] == fault.reason
    assert status["stale"] is True
    assert status["stale_since"] == good["last_success_at"]
    assert status["last_success_at"] == good["last_success_at"]
    assert (await deployment.served()) == served, (
        "the API serves something else after a failed sync"
    )

    if fault.reason == "rate_limited":
        assert report.retry_at is not None
        assert parse(status["retry_at"]) == report.retry_at
        deployment.github.reset_log()
        [deferred] = await deployment.sync(fault.source)
        assert deferred.deferred_until == report.retry_at
        assert deployment.github.requests == [], "asked again before the limit reset"
        await asyncio.sleep(max(0.0, (report.retry_at - datetime.now(UTC)).total_seconds()) + 0.1)
    fault.switch_off(deployment)

    [healed] = await deployment.sync(fault.source)
    assert healed.report is not None
    assert healed.report.outcome == Outcome.SUCCESS, healed.report.error
    status = await deployment.wait_for_status(source, lambda s: s["outcome"] == "success")
    assert (status["stale"], status["error"], status["retry_at"]) == (False, None, None)
    after = await deployment.served()
    assert after[changed_route] != served[changed_route], "the healed sync landed nothing"
    if fault.source == Source.GITHUB:
        proposal = (await deployment.get("/v1/proposals/1")).json()["data"]
        assert proposal["stage"] == "fcp"
