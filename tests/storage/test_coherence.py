"""Cache coherence across processes: a link disabled in one is gone from every other's cache."""

from __future__ import annotations

import asyncio
import time

import pytest

from lantern.composition import Parts, running_parts
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine


async def _migrated(url: str) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()


@pytest.mark.postgres
async def test_disable_reaches_another_process_within_a_second(postgres_url: str, clean_env: None) -> None:
    await _migrated(postgres_url)
    settings = Settings(database_url=postgres_url, link_cache_ttl=300)  # TTL far longer than the check

    async with running_parts(settings) as first, running_parts(settings) as second:
        await asyncio.wait_for(second_listener_ready(second), timeout=10)
        slug = (await first.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
        assert (await second.cache.get(slug)).link is not None  # cached in the other process
        started = time.monotonic()
        await first.shortener.set_disabled(slug, disabled=True)
        while True:
            entry = await second.cache.get(slug)
            assert entry.link is not None
            if entry.link.disabled:
                break
            assert time.monotonic() - started < 1.0, "the other process still serves the link"
            await asyncio.sleep(0.02)


async def second_listener_ready(built: Parts) -> None:
    """Wait until the second process's LISTEN is in place (it connects in the background)."""
    assert built.cache_listener is not None
    await built.cache_listener.ready.wait()


@pytest.mark.postgres
async def test_visits_land_in_month_partitions(postgres_url: str, clean_env: None) -> None:
    from datetime import UTC, datetime

    from tracking.storage.partitions import partition_name

    await _migrated(postgres_url)
    async with running_parts(Settings(database_url=postgres_url)) as built:
        link = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link
        await built.tracker.record_share(link.slug, "slack", source="test")
        async with built.engine.connect() as connection:
            rows = await connection.exec_driver_sql("SELECT tableoid::regclass::text FROM visits")
            where = [r[0] for r in rows.all()]
    assert where == [partition_name(datetime.now(UTC).date().replace(day=1))]
