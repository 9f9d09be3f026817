"""The GitHub token and the webhook secret never leave the process: not in any response, not
in logs at debug level, not in errors or tracebacks, whatever fails. Every byte the
processes print and every response body and header is searched for them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.github_webhooks import delivery_headers, encode, ping_payload, pull_request_payload
from tests.fakes.server import serve_in_thread
from tests.processes import alesco, base_env, serving

REPO = "AlmaLinux/ALESCo"
TOKEN = "ghp_" + secrets.token_hex(18)
WEBHOOK_SECRET = "whsec-" + secrets.token_hex(16)
SECRETS = (TOKEN, WEBHOOK_SECRET)
GRAPHQL_QUERIES = (
    "{ proposals(first: 5) { edges { node { number title stage } } } }",
    "{ status { sources { source error { reason message } } } }",
    "{ nope }",
    "{ proposals(first: -1) { edges { node { number } } } }",
    "query {",
)


def leaks(text: str) -> list[str]:
    """Which secret (or a long piece of one) appears in `text`."""
    found = []
    for secret in SECRETS:
        pieces = {secret, secret[-16:], secret[:16]}
        found += [piece for piece in pieces if piece in text]
    return found


@pytest.fixture
def failing_github() -> Iterator[tuple[FakeGitHub, str]]:
    """A GitHub that accepts the token, with failures switched on along the sync."""
    fake = FakeGitHub(token=TOKEN)
    repo = fake.add_repository({"repo": REPO})
    repo.add_pull(1, "RFC: One", "ann")
    repo.add_pull(2, "RFC: Two", "bo")
    fake.fail_next("/pulls", 500, times=2)  # retried, then answered
    fake.fail_next("/issues/1/events", 502, times=10)  # the first sync fails here
    with serve_in_thread(fake.app) as url:
        yield fake, url


def environment(database: Path, github_url: str, **extra: str) -> dict[str, str]:
    return base_env(
        DATABASE_URL=f"sqlite:///{database}",
        GITHUB_TOKEN=TOKEN,
        ALESCO_WEBHOOK_SECRET=WEBHOOK_SECRET,
        ALESCO_GITHUB_API_URL=github_url,
        ALESCO_GITHUB_REPOS=REPO,
        ALESCO_INDICO_URL="http://127.0.0.1:9",  # refused: another failure to report
        ALESCO_HTTP_TIMEOUT="1",
        **extra,
    )


def test_secrets_never_appear_in_output_logs_or_responses(failing_github, tmp_path):
    fake, url = failing_github
    env = environment(tmp_path / "alesco.db", url)
    seen: list[str] = []

    failed = alesco("--log-level", "debug", "ingest", "--once", env=env, cwd=tmp_path)
    assert failed.returncode == 1, "the switched-on failures should fail this ingest"
    seen += [failed.stdout, failed.stderr]
    assert "upstream_unavailable" in failed.stdout + failed.stderr

    with serving(env=env, cwd=tmp_path, log_level="debug") as base:
        with httpx.Client(base_url=base, timeout=10) as client:
            responses = [
                client.get(path)
                for path in (
                    "/",
                    "/v1/status",
                    "/v1/proposals?state=all",
                    "/v1/proposals/1",
                    "/v1/proposals/999",
                    "/v1/proposals?limit=abc",
                    "/v1/meetings.ics",
                    "/openapi.json",
                    "/docs",
                    "/readyz",
                    "/nowhere",
                )
            ]
            responses += [client.post("/graphql", json={"query": q}) for q in GRAPHQL_QUERIES]
            responses.append(client.delete("/v1/proposals"))
            repository = fake.repository(REPO)
            for body, event, secret in (
                (encode(ping_payload(repository)), "ping", WEBHOOK_SECRET),
                (encode(pull_request_payload(repository, 1, "labeled")), "pull_request", None),
                (encode(pull_request_payload(repository, 1, "labeled")), "pull_request", "guess"),
                (
                    encode(pull_request_payload(repository, 2, "closed")),
                    "pull_request",
                    WEBHOOK_SECRET,
                ),
                (b"not json", "pull_request", WEBHOOK_SECRET),
            ):
                responses.append(
                    client.post(
                        "/webhooks/github",
                        content=body,
                        headers=delivery_headers(secret, event, body),
                    )
                )
        statuses = {response.status_code for response in responses}
        assert {200, 202, 400, 401, 404, 405} <= statuses, statuses
    for response in responses:
        seen.append(response.text)
        seen += [f"{name}: {value}" for name, value in response.headers.items()]
    seen += [log.read_text() for log in tmp_path.glob("serve-*.log")]
    assert any("sync." in text for text in seen), "the logs under test are empty"
    assert any(
        request.headers.get("authorization") == f"Bearer {TOKEN}" for request in fake.requests
    )
    leaked = [piece for text in seen for piece in leaks(text)]
    assert leaked == []


def test_secrets_stay_out_of_configuration_errors(tmp_path):
    env = environment(tmp_path / "alesco.db", "not-a-url", ALESCO_SYNC_INTERVAL="soon")
    result = alesco("ingest", "--once", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "ALESCO_SYNC_INTERVAL" in result.stderr
    assert leaks(result.stdout + result.stderr) == []


def test_a_rejected_token_is_reported_without_the_token(tmp_path):
    fake = FakeGitHub(token="ghp_the_one_github_expects")
    fake.add_repository({"repo": REPO}).add_pull(1, "RFC: One", "ann")
    with serve_in_thread(fake.app) as url:
        env = environment(tmp_path / "alesco.db", url)
        result = alesco(
            "--log-level", "debug", "ingest", "--once", "--source", "github", env=env, cwd=tmp_path
        )
    assert result.returncode == 1
    assert "Bad credentials" in result.stdout + result.stderr
    assert leaks(result.stdout + result.stderr) == []
