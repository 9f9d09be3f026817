"""GitHub webhook deliveries: deduplicated and queued for the ingest worker.

The API verifies and reads a delivery (`alesco.upstream.github_webhooks`), records it here
by its `X-GitHub-Delivery` id (a redelivery reuses the id and is not queued twice), and
answers at once. The worker resyncs the pull requests of queued deliveries within seconds; the
regular poll stays the backstop, since GitHub never redelivers by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from alesco.database.models import WebhookDeliveryRow
from alesco.upstream.github_webhooks import Delivery

# GitHub lets a delivery be redelivered by hand for three days; ids are kept a little longer.
KEEP_DELIVERIES = timedelta(days=7)


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
    """Mark deliveries done, and forget those done long enough ago that GitHub can no
    longer redeliver them (the table stays small)."""
    for delivery_id in delivery_ids:
        row = session.get(WebhookDeliveryRow, delivery_id)
        if row is not None:
            row.processed_at = now
            session.add(row)
    session.execute(
        delete(WebhookDeliveryRow).where(
            col(WebhookDeliveryRow.processed_at) < now - KEEP_DELIVERIES
        )
    )
