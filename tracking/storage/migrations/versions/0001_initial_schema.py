"""links, sharers, visits, roll-ups and API keys

Revision ID: 0001
Revises: 
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracking.storage.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash'),
    sa.UniqueConstraint('name')
    )
    op.create_table('visit_batches',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('written_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('visit_batches', schema=None) as batch_op:
        batch_op.create_index('ix_visit_batches_written_at', ['written_at'], unique=False)
    op.create_table('rollup_daily_totals',

    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'day', 'channel'),
    sqlite_with_rowid=False,
    )
    op.create_table('rollup_daily_links',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'day', 'link_id'),
    sqlite_with_rowid=False,
    )
    op.create_table('rollup_daily',
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('link_id', 'day', 'kind', 'channel')
    )
    with op.batch_alter_table('rollup_daily', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_daily_day', ['day', 'kind'], unique=False)

    op.create_table('rollup_daily_dimensions',
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('dimension', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('link_id', 'day', 'kind', 'channel', 'dimension', 'value')
    )
    with op.batch_alter_table('rollup_daily_dimensions', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_dims_day', ['dimension', 'day'], unique=False)

    op.create_table('rollup_hourly',
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('hour', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('link_id', 'hour', 'kind', 'channel')
    )
    with op.batch_alter_table('rollup_hourly', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_hourly_hour', ['hour'], unique=False)

    op.create_table('sharers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('handle', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('handle'),
    sa.UniqueConstraint('platform', 'external_id', name='uq_sharers_identity')
    )
    op.create_table('visitor_salts',
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('tagged_target', sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=False),
    sa.Column('target_host', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('sharer_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('custom_slug', sa.Boolean(), nullable=False),
    sa.Column('created_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', tracking.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('max_clicks', sa.Integer(), nullable=True),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sharer_id'], ['sharers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_links_campaign'), ['campaign'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_sharer_id'), ['sharer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_target_host'), ['target_host'], unique=False)

    # On PostgreSQL the visits table is partitioned by month (RANGE on "at"); the primary key
    # must then include "at". Month partitions are created ahead by Lantern at start-up
    # (tracking.storage.partitions); the default partition catches anything outside them.
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table('visits',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
              *([sa.Identity()] if postgres else []), autoincrement=True, nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('at', tracking.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('evidence', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('referrer', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('ip_prefix', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('visitor_hash', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('browser', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('os', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('private', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], ),
    sa.PrimaryKeyConstraint('id', 'at') if postgres else sa.PrimaryKeyConstraint('id'),
    **({"postgresql_partition_by": "RANGE (at)"} if postgres else {}),
    )
    if postgres:
        op.execute("CREATE TABLE visits_default PARTITION OF visits DEFAULT")
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_at', ['at'], unique=False)
        batch_op.create_index('ix_visits_link_kind_at', ['link_id', 'kind', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_link_kind_at')

        batch_op.drop_index('ix_visits_at')

    op.drop_table('visits')
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_links_target_host'))
        batch_op.drop_index(batch_op.f('ix_links_sharer_id'))

        batch_op.drop_index(batch_op.f('ix_links_created_at'))
        batch_op.drop_index(batch_op.f('ix_links_channel'))
        batch_op.drop_index(batch_op.f('ix_links_campaign'))

    op.drop_table('links')
    op.drop_table('visitor_salts')
    op.drop_table('sharers')
    with op.batch_alter_table('rollup_hourly', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_hourly_hour')

    op.drop_table('rollup_hourly')
    with op.batch_alter_table('rollup_daily_dimensions', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_dims_day')

    op.drop_table('rollup_daily_dimensions')
    with op.batch_alter_table('rollup_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_daily_day')

    op.drop_table('rollup_daily')
    op.drop_table('rollup_daily_links')
    op.drop_table('rollup_daily_totals')
    op.drop_table('visit_batches')


    op.drop_table('api_keys')
