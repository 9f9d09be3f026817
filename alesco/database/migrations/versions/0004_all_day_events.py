"""All-day calendar events: a date without a time, not a meeting at midnight UTC.

Revision ID: 0004_all_day_events
Revises: 0003_webhooks
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_all_day_events"
down_revision = "0003_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_event", schema=None) as batch_op:
        # Rows stored so far all came as timed events (all-day ones at midnight UTC); the
        # next sync corrects any that are all-day.
        batch_op.add_column(
            sa.Column("all_day", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_event", schema=None) as batch_op:
        batch_op.drop_column("all_day")
