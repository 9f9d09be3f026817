"""`POST /webhooks/github`: signature first, then headers and body; deliveries deduped by id
and queued for the worker. Every refusal leaves the delivery table untouched."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from sqlmodel import Session, select

from alesco.database.models import WebhookDeliveryRow
from alesco.upstream.github_webhooks import signature_is_valid
from api.app import create_app
from api.routes.webhooks import MAX_BODY_BYTES
from tests.api.conftest import NOW, REPO
from tests.conftest import make_settings
from tests.fakes.github_repository import FakeRepository
from tests.fakes.github_webhooks import (
    delivery_headers,
    encode,
    ping_payload,
    pull_request_payload,
    sign,
)

SECRET = "It's a Secret to Everybody"
URL = "/webhooks/github"


@pytest.fixture
def repository() -> FakeRepository:
    repository = FakeRepository({"repo": REPO}, repository_id=100_000)
    repository.add_pull(7, "RFC: Seven", "ann", created_at=NOW)
    return repository


@pytest.fixture
async def hooks(engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(webhook_secret=SECRET, github_repos=REPO)
    app = create_app(settings, engine, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def deliveries(engine) -> list[WebhookDeliveryRow]:
    with Session(engine) as session:
        return list(session.exec(select(WebhookDeliveryRow)))


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert SECRET not in response.text
    return problem


def test_githubs_published_test_vector_verifies():
    """docs.github.com's example: this secret and body give exactly this signature."""
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert sign(SECRET, b"Hello, World!") == expected
    assert signature_is_valid(SECRET, b"Hello, World!", expected)
    assert not signature_is_valid(SECRET, b"Hello, World?", expected)
    assert not signature_is_valid(SECRET, b"Hello, World!", expected.replace("sha256=", ""))
    assert not signature_is_valid(SECRET, b"Hello, World!", None)


async def test_without_a_secret_the_route_does_not_exist(client, repository):
    body = encode(pull_request_payload(repository, 7, "labeled"))
    response = await client.post(URL, content=body, headers=delivery_headers(SECRET, "x", body))
    assert_problem(response, 404)


async def test_a_labeled_pull_request_is_queued_once(hooks, engine, repository):
    body = encode(pull_request_payload(repository, 7, "labeled", label="vote at next meeting"))
    headers = delivery_headers(SECRET, "pull_request", body, "5a1f0c2e-79b0-11f1")
    first = await hooks.post(URL, content=body, headers=headers)
    assert first.status_code == 202, first.text
    assert first.json() == {
        "status": "queued",
        "delivery": "5a1f0c2e-79b0-11f1",
        "proposal": {"repo": REPO, "number": 7},
    }
    replay = await hooks.post(URL, content=body, headers=headers)
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    [row] = deliveries(engine)
    assert (row.delivery_id, row.event, row.action) == (
        "5a1f0c2e-79b0-11f1",
        "pull_request",
        "labeled",
    )
    assert (row.repo, row.number, row.processed_at) == (REPO, 7, None)


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("sha256=" + "0" * 64, id="zeros"),
        pytest.param("sha1=0123456789abcdef0123456789abcdef01234567", id="legacy-sha1"),
        pytest.param(sign("another secret", b"{}"), id="other-secret"),
        pytest.param("sha256=not-hex", id="garbage"),
        pytest.param(b"sha256=\xff\xfe", id="non-ascii-bytes"),
    ],
)
async def test_a_bad_signature_is_401_and_changes_nothing(hooks, engine, repository, signature):
    body = encode(pull_request_payload(repository, 7, "closed"))
    headers = delivery_headers(None, "pull_request", body)
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    response = await hooks.post(URL, content=body, headers=headers)
    problem = assert_problem(response, 401)
    assert "X-Hub-Signature-256" in problem["detail"]
    assert response.headers["www-authenticate"].startswith("HMAC-SHA256")
    assert deliveries(engine) == []


async def test_a_signature_of_another_body_is_refused(hooks, engine, repository):
    """A captured signature cannot be reused for an edited payload."""
    signed = encode(pull_request_payload(repository, 7, "labeled"))
    forged = signed.replace(b'"number":7', b'"number":8')
    assert forged != signed
    headers = delivery_headers(SECRET, "pull_request", signed)
    assert_problem(await hooks.post(URL, content=forged, headers=headers), 401)
    assert deliveries(engine) == []


async def test_ping_is_answered(hooks, engine, repository):
    body = encode(ping_payload(repository))
    response = await hooks.post(URL, content=body, headers=delivery_headers(SECRET, "ping", body))
    assert response.status_code == 200
    assert response.json()["status"] == "pong"
    assert deliveries(engine) == []


@pytest.mark.parametrize(
    ("event", "action", "repo"),
    [
        pytest.param("pull_request", "assigned", REPO, id="action-without-stage-effect"),
        pytest.param("pull_request", "some_future_action", REPO, id="unknown-action"),
        pytest.param("pull_request", "labeled", "someone/else", id="repository-not-synced"),
        pytest.param("issue_comment", "created", REPO, id="other-event"),
    ],
)
async def test_other_deliveries_are_recorded_but_not_queued(
    hooks, engine, repository, event, action, repo
):
    payload = pull_request_payload(repository, 7, action)
    payload["repository"]["full_name"] = repo
    body = encode(payload)
    response = await hooks.post(URL, content=body, headers=delivery_headers(SECRET, event, body))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ignored"
    [row] = deliveries(engine)
    assert row.processed_at is not None


async def test_repository_names_match_case_insensitively(hooks, engine, repository):
    payload = pull_request_payload(repository, 7, "closed")
    payload["repository"]["full_name"] = REPO.lower()
    body = encode(payload)
    response = await hooks.post(
        URL, content=body, headers=delivery_headers(SECRET, "pull_request", body)
    )
    assert response.json()["status"] == "queued"


async def test_form_encoded_deliveries_are_read(hooks, engine, repository):
    """GitHub's other content type: the JSON in a `payload` form field, signed as sent."""
    body = urlencode({"payload": encode(pull_request_payload(repository, 7, "reopened"))}).encode()
    headers = delivery_headers(SECRET, "pull_request", body)
    headers["content-type"] = "application/x-www-form-urlencoded"
    response = await hooks.post(URL, content=body, headers=headers)
    assert response.status_code == 202, response.text
    assert [row.action for row in deliveries(engine)] == ["reopened"]


@pytest.mark.parametrize(
    ("body", "drop", "detail"),
    [
        pytest.param(b"{not json", None, "not JSON", id="not-json"),
        pytest.param(b"[1, 2]", None, "JSON object", id="not-an-object"),
        pytest.param(b'{"action": "closed"}', None, "pull_request objects", id="no-pull"),
        pytest.param(
            b'{"action": "closed", "repository": {"full_name": "a/b"}, '
            b'"pull_request": {"number": "seven"}}',
            None,
            "integer from 1",
            id="bad-number",
        ),
        pytest.param(b"{}", "x-github-event", "X-GitHub-Event", id="no-event-header"),
        pytest.param(b"{}", "x-github-delivery", "X-GitHub-Delivery", id="no-delivery-header"),
    ],
)
async def test_signed_but_unreadable_deliveries_are_400(hooks, engine, body, drop, detail):
    headers = delivery_headers(SECRET, "pull_request", body)
    if drop:
        del headers[drop]
    problem = assert_problem(await hooks.post(URL, content=body, headers=headers), 400)
    assert detail in problem["detail"]
    assert deliveries(engine) == []


async def test_an_oversized_body_is_413_before_anything_else(hooks, engine):
    body = b'{"pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    problem = assert_problem(
        await hooks.post(URL, content=body, headers=delivery_headers(SECRET, "pull_request", body)),
        413,
    )
    assert str(MAX_BODY_BYTES) in problem["detail"]
    assert deliveries(engine) == []


async def test_an_oversized_streamed_body_without_length_is_413(hooks, engine):
    """No Content-Length to trust: the cap holds while reading chunks."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    response = await hooks.post(URL, content=chunks(), headers={"x-github-event": "ping"})
    assert_problem(response, 413)


@pytest.mark.parametrize("declared", [b"9" * 5000, b"\xb2"])  # b"\xb2" is '²' in Latin-1
async def test_a_content_length_int_cannot_read_is_never_a_500(hooks, engine, declared):
    """A thousand-digit length is over the cap; a non-ASCII digit is no length at all."""
    body = b'{"zen": "Keep it logically awesome."}'
    headers = {**delivery_headers(SECRET, "ping", body), "content-length": declared}
    response = await hooks.post(URL, content=body, headers=headers)
    assert response.status_code == (200 if declared == b"\xb2" else 413)


async def test_reading_the_route_is_405(hooks):
    response = await hooks.get(URL)
    assert_problem(response, 405)


async def test_responses_are_never_cached(hooks, repository):
    body = encode(ping_payload(repository))
    response = await hooks.post(URL, content=body, headers=delivery_headers(SECRET, "ping", body))
    assert response.headers["cache-control"] == "no-store"
    assert orjson.loads(response.content)["status"] == "pong"


def _with(path: str, value: object):
    """A mutation of the PR payload: set the dotted `path` to `value` (JSON bytes: raw)."""

    def mutate(payload: dict) -> bytes:
        *parents, last = path.split(".")
        target = payload
        for name in parents:
            target = target[name]
        if isinstance(value, bytes):  # JSON text orjson would not write: splice it in
            target[last] = "@@RAW@@"
            return encode(payload).replace(b'"@@RAW@@"', value)
        target[last] = value
        return encode(payload)

    return mutate


def _numbers(value: object):
    """Both places GitHub puts the PR number, set to `value`."""

    def mutate(payload: dict) -> bytes:
        return _with("number", value)(orjson.loads(_with("pull_request.number", value)(payload)))

    return mutate


NESTED = b"[" * 3000 + b"]" * 3000

# Signed deliveries that must be refused with a 400 naming the field, never a 500:
# (mutation of a valid labeled-PR payload, fragment of the problem's detail)
HOSTILE_PAYLOADS = [
    pytest.param(_numbers(2**63), "number", id="number-2**63-overflows-sqlite"),
    pytest.param(_numbers(2**64 - 1), "number", id="number-2**64-1"),
    pytest.param(_numbers(2**31), "number", id="number-2**31-overflows-postgresql"),
    pytest.param(_numbers(0), "number", id="number-zero"),
    pytest.param(_numbers(-1), "number", id="number-negative"),
    pytest.param(_numbers(True), "number", id="number-true-is-an-int-in-python"),
    pytest.param(_numbers(False), "number", id="number-false"),
    pytest.param(_numbers(7.0), "number", id="number-float"),
    pytest.param(_numbers("7"), "number", id="number-string"),
    pytest.param(_numbers(None), "number", id="number-null"),
    pytest.param(_numbers([7]), "number", id="number-list"),
    pytest.param(_with("number", 2**63), "number", id="top-level-number-only-overflows"),
    pytest.param(_with("pull_request.number", 2**63), "pull_request.number", id="pr-number-only"),
    pytest.param(_with("number", 8), "number", id="numbers-disagree"),
    pytest.param(_with("number", b"9" * 5000), "not JSON", id="number-5000-digits"),
    pytest.param(_with("number", b"1e400"), "not JSON", id="number-infinite"),
    pytest.param(_with("number", b"18446744073709551616"), "number", id="number-2**64-as-float"),
    pytest.param(_with("sender", NESTED), "not JSON", id="nested-3000-deep"),
    pytest.param(_with("action", b'"\\ud800"'), "not JSON", id="action-lone-surrogate"),
    pytest.param(_with("action", b'"\xed\xa0\x80"'), "not JSON", id="action-utf8-surrogate"),
    pytest.param(_with("action", b'"\xff"'), "not JSON", id="action-invalid-utf8"),
    pytest.param(_with("action", "label\x00ed"), "action", id="action-nul-refused-by-postgresql"),
    pytest.param(_with("action", "labeled\n"), "action", id="action-newline"),
    pytest.param(_with("action", 1), "action", id="action-number"),
    pytest.param(_with("action", True), "action", id="action-boolean"),
    pytest.param(_with("action", ["labeled"]), "action", id="action-list"),
    pytest.param(_with("action", "x" * 51), "action", id="action-too-long"),
    pytest.param(
        _with("repository.full_name", b'"a/\\udc00"'), "not JSON", id="repo-lone-surrogate"
    ),
    pytest.param(_with("repository.full_name", "a/\x00b"), "repository.full_name", id="repo-nul"),
    pytest.param(_with("repository.full_name", 12), "repository.full_name", id="repo-number"),
    pytest.param(
        _with("repository.full_name", "a/" + "b" * 199), "repository.full_name", id="repo-long"
    ),
    pytest.param(_with("repository", None), "repository", id="repository-null"),
    pytest.param(_with("pull_request", []), "pull_request", id="pull-request-list"),
    pytest.param(lambda payload: b"", "not JSON", id="empty-body"),
    pytest.param(lambda payload: b"null", "JSON object", id="null-body"),
    pytest.param(lambda payload: b"true", "JSON object", id="boolean-body"),
    pytest.param(lambda payload: b'"\\ud800"', "not JSON", id="lone-surrogate-body"),
    pytest.param(lambda payload: b"\xef\xbb\xbf{}", "not JSON", id="byte-order-mark"),
]


def _form(body: bytes) -> bytes:
    return urlencode({"payload": body}).encode()


@pytest.mark.parametrize("form", [pytest.param(False, id="json"), pytest.param(True, id="form")])
@pytest.mark.parametrize(("mutate", "fragment"), HOSTILE_PAYLOADS)
async def test_hostile_signed_payloads_are_400_naming_the_field(
    hooks, engine, repository, caplog, mutate, fragment, form
):
    body = mutate(pull_request_payload(repository, 7, "labeled"))
    headers = delivery_headers(SECRET, "pull_request", _form(body) if form else body)
    if form:
        body = _form(body)
        headers["content-type"] = "application/x-www-form-urlencoded"
    with caplog.at_level(logging.INFO):
        response = await hooks.post(URL, content=body, headers=headers)
    problem = assert_problem(response, 400)
    assert fragment in problem["detail"]
    if fragment not in ("not JSON", "JSON object"):
        assert fragment in problem["invalid-params"][0]["name"]
    assert deliveries(engine) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param(b"payload=%7B%7D&payload=%7B%7D", "payload", id="payload-twice"),
        pytest.param(b"payload=", "not JSON", id="payload-empty"),
        pytest.param(b"payload=%ff", "not JSON", id="payload-invalid-utf8"),
        pytest.param(b"payload=%ed%a0%80", "not JSON", id="payload-utf8-surrogate"),
        pytest.param(b"\xff\xfe=1", "payload", id="no-payload-binary-name"),
        pytest.param(b"&" * 100_000, "payload", id="100k-empty-fields"),
    ],
)
async def test_hostile_forms_are_400(hooks, engine, caplog, body, fragment):
    headers = delivery_headers(SECRET, "pull_request", body)
    headers["content-type"] = "application/x-www-form-urlencoded"
    with caplog.at_level(logging.INFO):
        response = await hooks.post(URL, content=body, headers=headers)
    assert fragment in assert_problem(response, 400)["detail"]
    assert deliveries(engine) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("mutate", "number"),
    [
        pytest.param(_numbers(2**31 - 1), 2**31 - 1, id="largest-int32"),
        pytest.param(_numbers(1), 1, id="one"),
        pytest.param(_with("number", None), 7, id="top-level-null-pr-number-given"),
    ],
)
async def test_numbers_in_range_are_queued(hooks, engine, repository, mutate, number):
    body = mutate(pull_request_payload(repository, 7, "labeled"))
    response = await hooks.post(
        URL, content=body, headers=delivery_headers(SECRET, "pull_request", body)
    )
    assert response.status_code == 202, response.text
    assert [row.number for row in deliveries(engine)] == [number]


async def test_an_unsigned_hostile_body_is_401_before_it_is_parsed(hooks, engine, caplog):
    body = b"[" * 3000 + b"\xff"
    with caplog.at_level(logging.INFO):
        response = await hooks.post(
            URL, content=body, headers=delivery_headers(None, "pull_request", body)
        )
    assert_problem(response, 401)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
