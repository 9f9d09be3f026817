"""Request ids, JSON log lines that carry them, and /metrics in the Prometheus format."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from alesco.logs import json_handler
from tests.api.conftest import NOW
from tests.api.test_webhooks import REPO, SECRET, URL, hooks, repository  # noqa: F401
from tests.fakes.github_webhooks import delivery_headers, encode, pull_request_payload

GENERATED_ID = re.compile(r"[0-9a-f]{16}")


async def test_every_answer_has_a_request_id(client, committee):
    first, second = await client.get("/v1/proposals"), await client.get("/nowhere")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(GENERATED_ID.fullmatch(request_id) for request_id in ids)
    assert ids[0] != ids[1]
    again = await client.get("/v1/proposals", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert GENERATED_ID.fullmatch(again.headers["x-request-id"])


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("edge-7f3a:42", True),  # a proxy's id is carried through
        ("x" * 65, False),  # too long: replaced
        ("a b", False),  # not a token: replaced
    ],
)
async def test_a_sane_incoming_request_id_is_kept(client, committee, sent, kept):
    answer = (await client.get("/v1/status", headers={"x-request-id": sent})).headers
    assert (answer["x-request-id"] == sent) is kept
    if not kept:
        assert GENERATED_ID.fullmatch(answer["x-request-id"])


async def test_log_lines_are_json_with_the_request_id(hooks, repository, caplog):  # noqa: F811
    body = encode(pull_request_payload(repository, 7, "labeled", label="vote at next meeting"))
    headers = {**delivery_headers(SECRET, "pull_request", body), "x-request-id": "req-1"}
    forged = {**delivery_headers("guess", "pull_request", body), "x-request-id": "req-2"}
    stream = io.StringIO()
    handler, logger = json_handler(stream), logging.getLogger("api")
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="api"):
            assert (await hooks.post(URL, content=body, headers=headers)).status_code == 202
            assert (await hooks.post(URL, content=body, headers=forged)).status_code == 401
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue().splitlines()
    lines = {line["event"]: line for line in map(orjson.loads, text)}
    queued, refused = lines["webhook.queued"], lines["webhook.unauthorized"]
    assert (queued["request_id"], refused["request_id"]) == ("req-1", "req-2")
    assert (queued["repo"], queued["number"], queued["level"]) == (REPO, 7, "info")
    assert (refused["level"], refused["signed"]) == ("warning", True)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", queued["time"])
    assert not any(SECRET in line or "sha256=" in line for line in text)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_count_requests_by_route_template(client, committee):
    for path in ("/v1/proposals/1", "/v1/proposals/2", "/v1/proposals/999", "/no/such/page"):
        await client.get(path)
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert "etag" not in response.headers  # never cached
    found = samples(response.text)

    def requests(route: str, status: str) -> float:
        key = (("method", "GET"), ("route", route), ("status", status))
        return found.get(("alesco_http_requests_total", key), 0)

    assert requests("/v1/proposals/{number}", "200") == 2
    assert requests("/v1/proposals/{number}", "404") == 1
    assert requests("unmatched", "404") == 1
    latency = ("alesco_http_request_duration_seconds_count", (("route", "/v1/proposals/{number}"),))
    assert found[latency] == 3
    assert not any("/v1/proposals/1" in str(labels) for _, labels in found)


async def test_metrics_report_syncs_from_the_database(client, committee):
    found = samples((await client.get("/metrics")).text)
    github = (("source", "github"),)
    # The committee fixture recorded one successful GitHub run: 3 requests, two of them 304.
    assert found[("alesco_sync_runs_total", (("outcome", "success"), *github))] == 1
    assert found[("alesco_upstream_requests_total", github)] == 3
    assert found[("alesco_upstream_not_modified_total", github)] == 2
    assert found[("alesco_data_age_seconds", github)] == 0  # synced at NOW, the app's clock
    assert found[("alesco_data_version", ())] >= 1
    assert ("alesco_edge_cache_total", (("result", "hit"),)) in found


async def test_data_age_grows_with_the_clock(engine, committee):
    import httpx

    from api.app import create_app
    from tests.conftest import make_settings

    later = NOW + timedelta(minutes=10)
    app = create_app(make_settings(), engine, clock=lambda: later)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        found = samples((await client.get("/metrics")).text)
    assert found[("alesco_data_age_seconds", (("source", "github"),))] == 600
