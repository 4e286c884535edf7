"""Alembic environment: runs on the connection Lantern passes in, or on LANTERN_DATABASE_URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

# Importing the table modules registers their tables on the metadata.
import tracking.storage.account_tables
import tracking.storage.outbox_tables
import tracking.storage.site_tables
import tracking.storage.tables  # noqa: F401

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from tracking.settings import Settings
    from tracking.storage.engine import create_engine

    engine = create_engine(Settings().database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Use the caller's connection when given (the usual path), else connect by settings."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_from_settings())


if context.is_offline_mode():
    raise SystemExit("Lantern's migrations run online only: use `lantern db upgrade`.")
run_migrations_online()
