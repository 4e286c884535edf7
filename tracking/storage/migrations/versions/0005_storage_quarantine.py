"""visit quarantine; visitor salts leave the database, a visitor key fingerprint comes in

Revision ID: 0005_storage
Revises: 0005_dashboard

A visit the database refuses for its data is kept in `visit_quarantine`
instead of blocking its batch. The daily visitor salts are dropped: salts
are now derived from a secret kept outside the database, and a salt stored
beside the /24 prefix and the user agent let anyone holding the database
recover addresses.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracking.storage.types

revision = "0005_storage"
down_revision = "0005_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit_quarantine",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("at", tracking.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("quarantined_at", tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("visit", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit_quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_quarantine_quarantined_at"), ["quarantined_at"], unique=False)
    op.create_table(
        "visitor_key_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.drop_table("visitor_salts")


def downgrade() -> None:
    op.drop_table("visitor_key_check")
    op.create_table(
        "visitor_salts",
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    with op.batch_alter_table("visit_quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_quarantine_quarantined_at"))
    op.drop_table("visit_quarantine")
