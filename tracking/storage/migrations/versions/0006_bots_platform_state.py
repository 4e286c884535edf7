"""platform state shared by workers: seen deliveries, rate buckets, Slack installations and OAuth states;
the Slack workspace of a sharer

Revision ID: 0005_bots
Revises: 0005_dashboard
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracking.storage.types

revision = "0005_bots"
down_revision = "0005_storage"
branch_labels = None
depends_on = None

_String = sqlmodel.sql.sqltypes.AutoString
_Utc = tracking.storage.types.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("sharers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workspace", _String(length=32), nullable=True))
    op.create_table(
        "seen_deliveries",
        sa.Column("source", _String(length=32), nullable=False),
        sa.Column("key", _String(length=128), nullable=False),
        sa.Column("seen_at", _Utc(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "key"),
    )
    with op.batch_alter_table("seen_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_seen_deliveries_seen_at", ["seen_at"], unique=False)
    op.create_table(
        "rate_buckets",
        sa.Column("key", _String(length=160), nullable=False),
        sa.Column("full_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "slack_installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", _String(length=64), nullable=False),
        sa.Column("enterprise_id", _String(length=32), nullable=False),
        sa.Column("team_id", _String(length=32), nullable=False),
        sa.Column("user_id", _String(length=32), nullable=False),
        sa.Column("installed_at", _Utc(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "enterprise_id", "team_id", "user_id", name="uq_slack_installations"),
    )
    op.create_table(
        "slack_bots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", _String(length=64), nullable=False),
        sa.Column("enterprise_id", _String(length=32), nullable=False),
        sa.Column("team_id", _String(length=32), nullable=False),
        sa.Column("installed_at", _Utc(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_bots"),
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("state", _String(length=64), nullable=False),
        sa.Column("expires_at", _Utc(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )


def downgrade() -> None:
    op.drop_table("slack_oauth_states")
    op.drop_table("slack_bots")
    op.drop_table("slack_installations")
    op.drop_table("rate_buckets")
    with op.batch_alter_table("seen_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_seen_deliveries_seen_at")
    op.drop_table("seen_deliveries")
    with op.batch_alter_table("sharers", schema=None) as batch_op:
        batch_op.drop_column("workspace")
