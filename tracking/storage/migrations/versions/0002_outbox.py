"""outbox, webhooks and their deliveries

Revision ID: 0002_outbox
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracking.storage.types

revision = "0002_outbox"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = tracking.storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False, unique=True),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("at", _AT, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("dispatched", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("claim_until", _AT, nullable=True),
    )
    op.create_index("ix_outbox_dispatched_id", "outbox", ["dispatched", "id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("events", sa.String(256), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("disabled_reason", sa.String(256), nullable=True),
        sa.Column("failures_in_row", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("owner_chat", sa.String(128), nullable=True),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("destination", sa.String(64), nullable=False),
        sa.Column("webhook_id", sa.Integer(), sa.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=True),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("group_key", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", _AT, nullable=False),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("claim_until", _AT, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(512), nullable=True),
        sa.Column("last_attempt_at", _AT, nullable=True),
        sa.Column("delivered_at", _AT, nullable=True),
        sa.UniqueConstraint("destination", "event_id", name="uq_deliveries_destination_event"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_webhook_id", "deliveries", ["webhook_id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("webhooks")
    op.drop_index("ix_outbox_dispatched_id", table_name="outbox")
    op.drop_table("outbox")
