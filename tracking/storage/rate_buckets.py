"""The link allowance kept in the database, so `--workers N` gives a sharer one allowance, not N.

The same token-bucket arithmetic as the core's RateLimiter (GCRA: one
number per key, the moment its bucket is full again), on the wall clock
every process shares. A charge is one INSERT … ON CONFLICT DO UPDATE, so
concurrent workers add to the same row instead of overwriting each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.storage.tables import RateBucketRow

_BUCKETS: Table = RateBucketRow.__table__  # type: ignore[attr-defined]
#: Float rounding must not refuse an attempt made exactly when it becomes allowed.
_EPSILON = 1e-9


class SqlRateBuckets:
    """`per_minute` links a minute per key, up to `burst` at once, shared by every worker."""

    def __init__(
        self, engine: AsyncEngine, *, per_minute: float, burst: int, clock: Callable[[], float] = time.time
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be positive and burst at least 1")
        self._engine = engine
        self.per_minute = per_minute
        self._interval = 60.0 / per_minute
        self._capacity = burst * self._interval
        self._burst = burst
        self.burst = burst
        self._clock = clock

    def _insert(self) -> Any:
        return pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert

    async def wait(self, key: str, cost: int = 1) -> float:
        """Seconds until `key` may spend `cost` links (0.0: now), spending nothing."""
        async with self._engine.connect() as connection:
            full_at = (
                await connection.execute(select(_BUCKETS.c.full_at).where(_BUCKETS.c.key == key[:160]))
            ).scalar_one_or_none()
        now = self._clock()
        start = max(full_at if full_at is not None else now, now)
        wait = start + min(max(cost, 1), self._burst) * self._interval - now - self._capacity
        return wait if wait > _EPSILON else 0.0

    async def charge(self, key: str, cost: int = 1) -> None:
        """Spend `cost` links, even past the limit (the links were made)."""
        if cost < 1:
            return
        now = self._clock()
        spend = cost * self._interval
        later = case((_BUCKETS.c.full_at > now, _BUCKETS.c.full_at), else_=now) + spend
        statement = (
            self._insert()(_BUCKETS)
            .values(key=key[:160], full_at=now + spend)
            .on_conflict_do_update(index_elements=["key"], set_={"full_at": later})
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def forget(self) -> int:
        """Drop buckets that are full again: they mean the same as no row."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_BUCKETS).where(_BUCKETS.c.full_at <= self._clock()))
        return result.rowcount or 0
