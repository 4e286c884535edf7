"""dashboard: users, one-time sign-in tokens and shared read-only views

Revision ID: 0005_dashboard
Revises: 0004_digests
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracking.storage.types

revision = '0005_dashboard'
down_revision = '0004_digests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    )
    op.create_table('dashboard_sign_in_tokens',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['dashboard_users.id'], ),
    sa.PrimaryKeyConstraint('token_hash'),
    )
    with op.batch_alter_table('dashboard_sign_in_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_dashboard_sign_in_tokens_user_id', ['user_id'], unique=False)
    op.create_table('dashboard_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('token'),
    )


def downgrade() -> None:
    op.drop_table('dashboard_shares')
    with op.batch_alter_table('dashboard_sign_in_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_dashboard_sign_in_tokens_user_id')
    op.drop_table('dashboard_sign_in_tokens')
    op.drop_table('dashboard_users')
