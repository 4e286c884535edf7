"""The SQL link repository and the shorten use case on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.core.test_urls import BAD_URLS
from tracking.core.errors import InvalidUrl, SlugTaken
from tracking.core.links import NewLink, SharerRef
from tracking.core.ports import DuplicateLink, SlugCollision
from tracking.core.shortening import Shortener, ShortenRequest
from tracking.core.urls import HostPolicy
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.links import SqlLinkRepository
from tracking.storage.tables import LinkRow, SharerRow

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
POLICY = HostPolicy.build(
    ["https://go.lantern.test", "http://localhost:8080"], ["evil.example", "spam.test", "coop.example"]
)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def repo(engine: AsyncEngine) -> SqlLinkRepository:
    return SqlLinkRepository(engine, clock=lambda: NOW)


def shortener(repo: SqlLinkRepository) -> Shortener:
    return Shortener(repo=repo, policy=POLICY, base_url="https://go.lantern.test", clock=lambda: NOW)


def new_link(slug: str, key: str | None) -> NewLink:
    return NewLink(
        slug=slug,
        target="https://a.com/",
        tagged_target="https://a.com/",
        channel=None,
        campaign=None,
        sharer_id=None,
        dedupe_key=key,
        created_at=NOW,
        expires_at=None,
        max_clicks=None,
        custom_slug=False,
    )


async def count(engine: AsyncEngine, table: type) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


async def test_insert_and_read_back(repo: SqlLinkRepository) -> None:
    stored = await repo.insert_link(new_link("abc1234", "k1"))
    found = await repo.get_by_slug("abc1234")
    assert found == stored
    assert found.created_at == NOW
    assert await repo.get_by_dedupe_key("k1") == stored
    assert await repo.get_by_slug("ABC1234") is None  # slugs are case-sensitive


async def test_unique_slug_and_dedupe_key_are_enforced_by_the_database(repo: SqlLinkRepository) -> None:
    await repo.insert_link(new_link("abc1234", "k1"))
    with pytest.raises(SlugCollision):
        await repo.insert_link(new_link("abc1234", "k2"))
    with pytest.raises(DuplicateLink):
        await repo.insert_link(new_link("zzz9999", "k1"))
    await repo.insert_link(new_link("nokey01", None))
    await repo.insert_link(new_link("nokey02", None))  # NULL keys never collide


async def test_shorten_then_again_is_one_row(repo: SqlLinkRepository, engine: AsyncEngine) -> None:
    request = ShortenRequest(
        "https://example.com/a?x=1#top",
        channel="whatsapp",
        campaign="spring",
        sharer=SharerRef("cli", "alice", "Alice"),
    )
    first = await shortener(repo).shorten(request)
    again = await shortener(repo).shorten(request)
    assert first.link.id == again.link.id and not again.created
    assert first.link.tagged_target == (
        "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging"
        "&utm_campaign=spring&utm_content=alice#top"
    )
    assert await count(engine, LinkRow) == 1
    assert await count(engine, SharerRow) == 1


async def test_concurrent_identical_requests_make_one_link(
    repo: SqlLinkRepository, engine: AsyncEngine
) -> None:
    request = ShortenRequest("https://example.com/race", channel="slack")
    results = await asyncio.gather(*(shortener(repo).shorten(request) for _ in range(10)))
    assert len({r.link.id for r in results}) == 1
    assert await count(engine, LinkRow) == 1


async def test_concurrent_custom_slug_has_one_winner(repo: SqlLinkRepository) -> None:
    async def attempt(i: int) -> str:
        try:
            await shortener(repo).shorten(ShortenRequest(f"https://example.com/{i}", slug="launch"))
        except SlugTaken:
            return "conflict"
        return "created"

    outcomes = await asyncio.gather(*(attempt(i) for i in range(10)))
    assert sorted(outcomes) == ["conflict"] * 9 + ["created"]


async def test_bad_urls_store_nothing(repo: SqlLinkRepository, engine: AsyncEngine) -> None:
    for url, _reason in BAD_URLS:
        with pytest.raises(InvalidUrl):
            await shortener(repo).shorten(ShortenRequest(url, sharer=SharerRef("cli", "x", "X")))
    assert await count(engine, LinkRow) == 0
    assert await count(engine, SharerRow) == 0


async def test_disable_and_enable(repo: SqlLinkRepository) -> None:
    link = (await shortener(repo).shorten(ShortenRequest("https://example.com/"))).link
    disabled = await shortener(repo).set_disabled(link.slug, disabled=True)
    assert disabled.disabled
    assert (await repo.get_by_slug(link.slug)).disabled  # type: ignore[union-attr]
    fresh = await shortener(repo).shorten(ShortenRequest("https://example.com/"))
    assert fresh.created and fresh.link.slug != link.slug
    assert not (await shortener(repo).set_disabled(link.slug, disabled=False)).disabled


async def test_sharer_handles_are_unique_per_person(repo: SqlLinkRepository) -> None:
    a = await repo.get_or_create_sharer(SharerRef("slack", "T1-U1", "Alice"))
    b = await repo.get_or_create_sharer(SharerRef("telegram", "42", "Alice"))
    again = await repo.get_or_create_sharer(SharerRef("slack", "T1-U1", "Alice B."))
    assert (a.handle, b.handle) == ("alice", "alice-2")
    assert again.id == a.id and again.handle == "alice" and again.display_name == "Alice B."


async def test_reserve_click_stops_at_the_limit(repo: SqlLinkRepository) -> None:
    link = (await shortener(repo).shorten(ShortenRequest("https://example.com/", max_clicks=2))).link
    results = await asyncio.gather(*(repo.reserve_click(link.id) for _ in range(5)))
    assert sorted(results) == [False, False, False, True, True]
    stored = await repo.get_by_id(link.id)
    assert stored is not None and stored.clicks == 2
