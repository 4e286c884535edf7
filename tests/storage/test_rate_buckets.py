"""The link allowance in the database: one allowance per key however many workers ask."""

from __future__ import annotations

import asyncio

from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.rate_buckets import SqlRateBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_two_workers_share_one_allowance(database_url: str) -> None:
    first, second = create_engine(database_url), create_engine(database_url)
    clock = Clock()
    try:
        await migrate.upgrade(first)
        one = SqlRateBuckets(first, per_minute=1, burst=2, clock=clock)
        two = SqlRateBuckets(second, per_minute=1, burst=2, clock=clock)
        assert await one.wait("telegram:1") == 0.0
        await one.charge("telegram:1")
        assert await two.wait("telegram:1") == 0.0
        await two.charge("telegram:1")
        assert await one.wait("telegram:1") == 60.0  # the second worker's link counted for the first
        assert await two.wait("telegram:1") == 60.0
        assert await one.wait("telegram:2") == 0.0  # per key
        clock.now += 60.0
        assert await two.wait("telegram:1") == 0.0
        clock.now += 120.0
        assert await one.forget() == 1
    finally:
        await first.dispose()
        await second.dispose()


async def test_concurrent_charges_all_count(database_url: str) -> None:
    engine = create_engine(database_url)
    clock = Clock()
    try:
        await migrate.upgrade(engine)
        buckets = SqlRateBuckets(engine, per_minute=60, burst=100, clock=clock)
        await asyncio.gather(*(buckets.charge("slack:T1-U1") for _ in range(10)))
        assert await buckets.wait("slack:T1-U1", cost=91) == 1.0  # ten seconds spent of a hundred
    finally:
        await engine.dispose()
