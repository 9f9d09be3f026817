"""GitHub's side of a webhook: event payloads built from a fake repository's current state,
signed the way GitHub signs them (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body).

Headers and payload shapes follow `research/github_ingest.md` §4 (octokit/webhooks schemas):
`pull_request` carries `action`, `number`, the full `pull_request` (with `merged`),
`repository`, `sender`, and `label` for labeled/unlabeled.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import uuid
from typing import Any

import orjson

from tests.fakes.github_repository import FakeRepository

HOOK_ID = "512345678"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery_headers(
    secret: str | None, event: str, body: bytes, delivery_id: str | None = None
) -> dict[str, str]:
    """The headers GitHub sends with `body`; no signature when `secret` is None."""
    headers = {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/044aadd",
        "x-github-event": event,
        "x-github-delivery": delivery_id or str(uuid.uuid4()),
        "x-github-hook-id": HOOK_ID,
        "x-github-hook-installation-target-type": "repository",
    }
    if secret is not None:
        headers["x-hub-signature-256"] = sign(secret, body)
    return headers


def _repository(repository: FakeRepository) -> dict[str, Any]:
    owner, name = repository.full_name.split("/")
    return {
        "id": repository.repository_id,
        "name": name,
        "full_name": repository.full_name,
        "private": False,
        "owner": {"login": owner, "id": 1000100, "type": "Organization"},
        "html_url": f"https://github.com/{repository.full_name}",
    }


def pull_request_payload(
    repository: FakeRepository, number: int, action: str, label: str | None = None
) -> dict[str, Any]:
    pull = copy.deepcopy(repository.pull(number))
    pull["merged"] = pull.get("merged_at") is not None
    payload: dict[str, Any] = {
        "action": action,
        "number": number,
        "pull_request": pull,
        "repository": _repository(repository),
        "sender": {"login": "chair", "id": 1000002, "type": "User"},
    }
    if label is not None:
        payload["label"] = {"name": label, "color": "fbca04", "default": False}
    return payload


def ping_payload(repository: FakeRepository) -> dict[str, Any]:
    return {
        "zen": "Keep it logically awesome.",
        "hook_id": int(HOOK_ID),
        "hook": {"type": "Repository", "id": int(HOOK_ID), "events": ["pull_request"]},
        "repository": _repository(repository),
        "sender": {"login": "chair", "id": 1000002, "type": "User"},
    }


def encode(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)
