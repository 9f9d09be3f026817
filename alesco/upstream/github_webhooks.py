"""GitHub webhook deliveries as GitHub sends them: the signature checked, the payload read.

`X-Hub-Signature-256` is HMAC-SHA256 of the raw body with the shared secret, compared in
constant time, before anything is read. A delivery is named by its `X-GitHub-Delivery` id
(a redelivery reuses it); a `pull_request` event of a synced repository with one of
`RESYNC_ACTIONS` asks the worker for a resync. Storing and queueing: `alesco.storage.webhooks`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alesco.errors import AlescoError
from alesco.upstream.github_records import MAX_PULL_NUMBER

RESYNC_ACTIONS = frozenset(
    {
        "opened",
        "edited",
        "closed",
        "reopened",
        "labeled",
        "unlabeled",
        "ready_for_review",
        "converted_to_draft",
    }
)


# No header or payload string we store holds control characters or lone surrogates:
# PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded in UTF-8.
_UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


class BadDelivery(AlescoError):
    """A correctly signed delivery we cannot read (missing headers, not an event body)."""

    reason = "bad_delivery"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def signature_is_valid(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256` is `sha256=` + hex HMAC-SHA256 of the raw body; compared in
    constant time so the answer's timing tells nothing about the expected value."""
    if not header or not header.startswith("sha256="):
        return False
    expected = b"sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged header may
    # hold any byte Starlette decoded as Latin-1).
    return hmac.compare_digest(expected, header.encode("latin-1", errors="replace"))


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    action: str | None
    repo: str | None
    number: int | None
    received_at: datetime
    wants_resync: bool


def _text(value: Any, limit: int, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or _UNSTORABLE.search(value):
        message = f"{what} must be a string of at most {limit} characters, none a control one"
        raise BadDelivery(message, what)
    return value


def _pull_number(payload: dict[str, Any], pull: dict[str, Any]) -> int:
    """The PR number, from `pull_request.number` or the top-level `number` (GitHub sends
    both, equal); each one present must be an integer from 1 to `MAX_PULL_NUMBER` (the
    column is an INTEGER: 2**63 overflowed SQLite, and 2**31 PostgreSQL, as a 500)."""
    found: dict[str, int] = {}
    for what, source in (("pull_request.number", pull), ("number", payload)):
        value = source.get("number")
        if value is None:
            continue
        # `True` is an int to Python (it would be PR #1), but no number in JSON.
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        if not (is_integer and 1 <= value <= MAX_PULL_NUMBER):
            raise BadDelivery(f"{what} must be an integer from 1 to {MAX_PULL_NUMBER}", what)
        found[what] = value
    if not found:
        message = f"pull_request.number must be an integer from 1 to {MAX_PULL_NUMBER}"
        raise BadDelivery(message, "pull_request.number")
    if len(set(found.values())) > 1:
        raise BadDelivery("number and pull_request.number differ", "number")
    return next(iter(found.values()))


def parse_delivery(
    headers: Mapping[str, str],
    payload: Any,
    repos: Collection[str],
    received_at: datetime,
) -> Delivery:
    """The delivery a verified request carries; a pull_request event of a synced repository
    with one of `RESYNC_ACTIONS` asks for a resync, anything else is only recorded."""
    delivery_id = _text(headers.get("x-github-delivery"), 100, "X-GitHub-Delivery")
    event = _text(headers.get("x-github-event"), 50, "X-GitHub-Event")
    if not delivery_id or not event:
        raise BadDelivery("X-GitHub-Delivery and X-GitHub-Event headers are required")
    if not isinstance(payload, dict):
        raise BadDelivery("the body must be a JSON object (a GitHub event payload)")
    action = _text(payload.get("action"), 50, "action")
    repo = number = None
    if event == "pull_request":
        repository = payload.get("repository")
        pull = payload.get("pull_request")
        if not isinstance(repository, dict) or not isinstance(pull, dict):
            field = "pull_request" if isinstance(repository, dict) else "repository"
            message = "a pull_request event needs repository and pull_request objects"
            raise BadDelivery(message, field)
        repo = _text(repository.get("full_name"), 200, "repository.full_name")
        number = _pull_number(payload, pull)
    synced = {name.lower() for name in repos}
    wants_resync = (
        event == "pull_request"
        and action in RESYNC_ACTIONS
        and repo is not None
        and repo.lower() in synced
    )
    return Delivery(delivery_id, event, action, repo, number, received_at, wants_resync)
