"""digest and alert subscriptions, and the alerts already raised

Revision ID: 0004_digests
Revises: 0003_sites
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracking.storage.types

revision = "0004_digests"
down_revision = "0003_sites"
branch_labels = None
depends_on = None

_AT = tracking.storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=True),
        sa.Column("question", sa.String(500), nullable=False, server_default=""),
        sa.Column("cadence", sa.String(16), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("monthday", sa.Integer(), nullable=True),
        sa.Column("hour", sa.Integer(), nullable=False, server_default="9"),
        sa.Column("minute", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
        sa.Column("created_by", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("next_run_at", _AT, nullable=True),
        sa.Column("last_run_at", _AT, nullable=True),
    )
    op.create_index("ix_subscriptions_due", "subscriptions", ["kind", "next_run_at"])
    op.create_table(
        "alerts_sent",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("created_at", _AT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alerts_sent")
    op.drop_index("ix_subscriptions_due", table_name="subscriptions")
    op.drop_table("subscriptions")
