"""sites and page share tokens

Revision ID: 0003_sites
Revises: 0002_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracking.storage.types

revision = "0003_sites"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

_AT = tracking.storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("origin", sa.String(255), nullable=False, unique=True),
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", _AT, nullable=False),
    )
    op.create_table(
        "page_tokens",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("first_seen", _AT, nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_page_tokens_first_seen", "page_tokens", ["first_seen"])


def downgrade() -> None:
    op.drop_index("ix_page_tokens_first_seen", table_name="page_tokens")
    op.drop_table("page_tokens")
    op.drop_table("sites")
