"""Browsing links (`lantern links list|show`): filters, counts from roll-ups and sort, on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lantern.composition import build_visit_writer
from tracking.core.attribution import VisitKind
from tracking.core.links import Link, NewLink, SharerRef
from tracking.core.visits import Visit
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.api_keys import SqlApiKeys
from tracking.storage.engine import create_engine
from tracking.storage.link_catalog import SqlLinkCatalog
from tracking.storage.links import SqlLinkRepository

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
VISIT = Visit(1, NOW, "GET", VisitKind.CLICK, "whatsapp", "link-tag", None, 1, None, None, None, None,
              None, None, None, None, False)  # fmt: skip


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def add_link(
    repo: SqlLinkRepository, slug: str, *, channel: str | None, campaign: str | None, sharer_id: int | None,
    minutes: int,
) -> Link:  # fmt: skip
    return await repo.insert_link(
        NewLink(
            slug=slug,
            target=f"https://example.com/{slug}",
            tagged_target=f"https://example.com/{slug}?utm_source={channel}",
            channel=channel,
            campaign=campaign,
            sharer_id=sharer_id,
            dedupe_key=slug,
            created_at=NOW + timedelta(minutes=minutes),
            expires_at=None,
            max_clicks=None,
            custom_slug=True,
        )
    )


async def test_list_filters_counts_and_sorts(engine: AsyncEngine, database_url: str) -> None:
    repo = SqlLinkRepository(engine)
    alice = await repo.get_or_create_sharer(SharerRef("slack", "U1", "Alice Smith"))
    old = await add_link(repo, "old", channel="whatsapp", campaign="spring", sharer_id=alice.id, minutes=0)
    new = await add_link(repo, "new", channel="email", campaign="spring", sharer_id=None, minutes=5)
    await add_link(repo, "other", channel="whatsapp", campaign=None, sharer_id=None, minutes=10)
    visits = [replace(VISIT, link_id=old.id)] * 3 + [
        replace(VISIT, link_id=old.id, kind=VisitKind.PREVIEW),
        replace(VISIT, link_id=new.id),
        replace(VISIT, link_id=new.id, kind=VisitKind.BOT),
        replace(VISIT, link_id=new.id, kind=VisitKind.BOT, at=NOW - timedelta(days=3)),
    ]
    writer = build_visit_writer(Settings(database_url=database_url), engine)  # what production runs
    await writer.start()
    try:
        await writer.write_batch(visits)
    finally:
        await writer.close()
    catalog = SqlLinkCatalog(engine)

    newest_first = await catalog.entries()
    assert [e.link.slug for e in newest_first] == ["other", "new", "old"]
    by_clicks = await catalog.entries(order="clicks")
    assert [(e.link.slug, e.clicks, e.previews, e.bots) for e in by_clicks] == [
        ("old", 3, 1, 0),
        ("new", 1, 0, 2),
        ("other", 0, 0, 0),
    ]
    assert [e.link.slug for e in await catalog.entries(channel="whatsapp")] == ["other", "old"]
    assert [e.link.slug for e in await catalog.entries(campaign="spring", order="clicks")] == ["old", "new"]
    for name in ("@alice-smith", "ALICE SMITH", alice.handle):
        found = await catalog.entries(sharer=name)
        assert [(e.link.slug, e.sharer_handle, e.sharer_name) for e in found] == [
            ("old", alice.handle, "Alice Smith")
        ], name
    assert await catalog.entries(sharer="nobody") == []
    assert [e.link.slug for e in await catalog.entries(limit=1)] == ["other"]


async def test_show_one_link_or_none(engine: AsyncEngine) -> None:
    repo = SqlLinkRepository(engine)
    link = await add_link(repo, "solo", channel=None, campaign=None, sharer_id=None, minutes=0)
    await repo.set_disabled("solo", disabled=True)
    entry = await SqlLinkCatalog(engine).entry(slug="solo")
    assert entry is not None
    assert (entry.link.id, entry.link.disabled, entry.link.created_at) == (link.id, True, NOW)
    assert (entry.clicks, entry.previews, entry.bots, entry.sharer_handle) == (0, 0, 0, None)
    assert await SqlLinkCatalog(engine).entry(slug="nosuch") is None


async def test_api_keys_are_listed_without_the_key(engine: AsyncEngine) -> None:
    keys = SqlApiKeys(engine, clock=lambda: NOW)
    first = await keys.create("ci")
    await keys.create("zapier")
    await keys.revoke("ci")
    listed = await keys.list_keys()
    assert [(k.name, k.revoked, k.created_at) for k in listed] == [("ci", True, NOW), ("zapier", False, NOW)]
    assert listed[0].prefix == first[:8]
    assert all(len(k.prefix) <= 8 for k in listed)
