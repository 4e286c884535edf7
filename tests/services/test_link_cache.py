"""The link cache on its own, with a hand-written loader and a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest

from tests.builders import a_link
from tracking.core.links import Link
from tracking.link_cache import NEGATIVE_TTL, CachedLink, LinkCache

TTL = 10.0


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """Stands in for the database: counts loads, can hold them at a gate or fail them."""

    def __init__(self, links: dict[str, Link]) -> None:
        self.links = links
        self.loads: list[str] = []
        self.gate: asyncio.Event | None = None
        self.failure: Exception | None = None

    async def __call__(self, slug: str) -> CachedLink:
        self.loads.append(slug)
        if self.gate is not None:
            await self.gate.wait()
        if self.failure is not None:
            raise self.failure
        return CachedLink(self.links.get(slug))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def loader() -> Loader:
    return Loader({"abc1234": a_link()})


@pytest.fixture
def cache(loader: Loader, clock: Clock) -> LinkCache:
    return LinkCache(loader, size=16, ttl=TTL, clock=clock)


async def settle() -> None:
    """Let background reloads run."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_fresh_entry_is_served_without_loading_again(
    cache: LinkCache, loader: Loader, clock: Clock
) -> None:
    first = await cache.get("abc1234")
    clock.now = TTL / 2 - 0.1
    assert await cache.get("abc1234") is first
    assert loader.loads == ["abc1234"]
    assert (cache.hits, cache.misses) == (1, 1)


async def test_past_half_its_life_an_entry_is_served_and_reloaded_behind(
    cache: LinkCache, loader: Loader, clock: Clock
) -> None:
    first = await cache.get("abc1234")
    loader.links["abc1234"] = a_link(disabled=True)
    clock.now = TTL / 2 + 0.1
    assert await cache.get("abc1234") is first  # no waiting for the reload
    await settle()
    assert loader.loads == ["abc1234", "abc1234"]
    reloaded = await cache.get("abc1234")
    assert reloaded.link is not None and reloaded.link.disabled
    assert len(loader.loads) == 2


async def test_an_expired_entry_is_loaded_before_it_is_served(
    cache: LinkCache, loader: Loader, clock: Clock
) -> None:
    await cache.get("abc1234")
    loader.links["abc1234"] = a_link(disabled=True)
    clock.now = TTL + 0.1
    entry = await cache.get("abc1234")
    assert entry.link is not None and entry.link.disabled


async def test_an_unknown_slug_is_remembered_briefly(cache: LinkCache, loader: Loader, clock: Clock) -> None:
    assert (await cache.get("nope123")).link is None
    clock.now = NEGATIVE_TTL - 0.1
    assert (await cache.get("nope123")).link is None
    assert loader.loads == ["nope123"]
    loader.links["nope123"] = a_link(slug="nope123")  # made by another process meanwhile
    clock.now = NEGATIVE_TTL + 0.1
    assert (await cache.get("nope123")).link is not None
    assert loader.loads == ["nope123", "nope123"]


async def test_concurrent_misses_for_one_slug_share_one_load(cache: LinkCache, loader: Loader) -> None:
    loader.gate = asyncio.Event()
    waiting = [asyncio.create_task(cache.get("abc1234")) for _ in range(5)]
    await settle()
    loader.gate.set()
    entries = await asyncio.gather(*waiting)
    assert loader.loads == ["abc1234"]
    assert all(entry is entries[0] for entry in entries)


async def test_a_failed_load_shared_by_waiters_fails_each_of_them(cache: LinkCache, loader: Loader) -> None:
    loader.gate = asyncio.Event()
    loader.failure = OSError("database away")
    waiting = [asyncio.create_task(cache.get("abc1234")) for _ in range(3)]
    await settle()
    loader.gate.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(result, OSError) for result in results)
    assert loader.loads == ["abc1234"]


async def test_when_the_database_fails_an_expired_link_is_served_stale(
    cache: LinkCache, loader: Loader, clock: Clock
) -> None:
    first = await cache.get("abc1234")
    loader.failure = OSError("database away")
    clock.now = TTL + 1
    assert await cache.get("abc1234") is first
    clock.now = TTL + 2  # the failed reload counts as fresh: no retry on every request
    assert await cache.get("abc1234") is first
    assert len(loader.loads) == 2


async def test_a_failed_background_reload_keeps_the_entry(
    cache: LinkCache, loader: Loader, clock: Clock
) -> None:
    first = await cache.get("abc1234")
    loader.failure = OSError("database away")
    clock.now = TTL / 2 + 0.1
    assert await cache.get("abc1234") is first
    await settle()
    assert await cache.get("abc1234") is first


async def test_without_a_cached_copy_a_failure_reaches_the_caller(cache: LinkCache, loader: Loader) -> None:
    loader.failure = OSError("database away")
    with pytest.raises(OSError, match="database away"):
        await cache.get("abc1234")


async def test_forget_and_update_change_what_is_served(cache: LinkCache, loader: Loader) -> None:
    await cache.get("abc1234")
    cache.update_link("abc1234", a_link(clicks=3))
    peeked = cache.peek("abc1234")
    assert peeked is not None and peeked.link is not None and peeked.link.clicks == 3
    cache.forget("abc1234")
    assert cache.peek("abc1234") is None
    await cache.get("abc1234")
    assert len(loader.loads) == 2


async def test_the_cache_keeps_at_most_its_size(loader: Loader, clock: Clock) -> None:
    cache = LinkCache(loader, size=2, ttl=TTL, clock=clock)
    for slug in ("aaa1111", "bbb2222", "ccc3333"):
        await cache.get(slug)
    assert len(cache) == 2
    assert cache.peek("aaa1111") is None
