"""Migrations go up, down and up again on both databases, with data present."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from tracking.core.links import NewLink
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.links import SqlLinkRepository


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        head = await migrate.current_revision(engine)
        assert head is not None
        assert {"links", "visits", "sharers", "visit_quarantine"} <= await _tables(database_url)
        assert "visitor_salts" not in await _tables(database_url)  # salts never sit beside the visits
        await SqlLinkRepository(engine).insert_link(
            NewLink(
                slug="keepme1",
                target="https://a.com/",
                tagged_target="https://a.com/",
                channel=None,
                campaign=None,
                sharer_id=None,
                dedupe_key=None,
                created_at=datetime.now(UTC),
                expires_at=None,
                max_clicks=None,
                custom_slug=False,
            )
        )
        await migrate.upgrade(engine)  # idempotent
        await migrate.downgrade(engine, "base")
        assert "links" not in await _tables(database_url)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == head
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one() == 30000
    finally:
        await engine.dispose()
