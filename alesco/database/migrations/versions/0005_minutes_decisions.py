"""Minutes keep their decisions as data (verdict, tally, votes, where), beside the texts,
and the lines about each pull request (for proposals' timelines).

Revision ID: 0005_minutes_decisions
Revises: 0004_all_day_events
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_minutes_decisions"
down_revision = "0004_all_day_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        # NULL for rows stored before: they are read again from their stored text on load,
        # until the next sync writes the column.
        batch_op.add_column(sa.Column("written_decisions", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pull_mentions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_column("pull_mentions")
        batch_op.drop_column("written_decisions")
