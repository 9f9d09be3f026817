"""GitHub webhook deliveries: verified, deduplicated, queued for the ingest worker.

The API verifies `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the shared
secret, compared in constant time) before reading anything, records the delivery by its
`X-GitHub-Delivery` id (a redelivery reuses the id and is not queued twice), and answers
at once. The worker resyncs the pull requests of queued deliveries within seconds; the
regular poll stays the backstop, since GitHub never redelivers by itself.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from alesco.models import WebhookDeliveryRow

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


def signature_is_valid(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    action: str | None
    repo: str | None
    number: int | None
    received_at: datetime

    @property
    def wants_resync(self) -> bool:
        return (
            self.event == "pull_request"
            and self.action in RESYNC_ACTIONS
            and self.repo is not None
            and self.number is not None
        )


def record_delivery(session: Session, delivery: Delivery) -> bool:
    """Store a delivery once; False for a redelivery of an id already seen."""
    row = WebhookDeliveryRow(
        delivery_id=delivery.delivery_id,
        event=delivery.event,
        action=delivery.action,
        repo=delivery.repo,
        number=delivery.number,
        received_at=delivery.received_at,
        processed_at=None if delivery.wants_resync else delivery.received_at,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def pending_resyncs(session: Session) -> list[WebhookDeliveryRow]:
    query = select(WebhookDeliveryRow).where(col(WebhookDeliveryRow.processed_at).is_(None))
    return list(session.exec(query.order_by(col(WebhookDeliveryRow.received_at))))


def mark_processed(session: Session, delivery_ids: Sequence[str], now: datetime) -> None:
    for delivery_id in delivery_ids:
        row = session.get(WebhookDeliveryRow, delivery_id)
        if row is not None:
            row.processed_at = now
            session.add(row)
