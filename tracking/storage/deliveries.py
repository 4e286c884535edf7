"""Which platform deliveries were already handled, shared by every worker through the database.

Slack retries an event it thinks went unanswered and Telegram may post an
update twice; with `--workers N` the copies can land in different
processes. Each delivery id is claimed here with one INSERT … ON CONFLICT
DO NOTHING, so exactly one process wins and acts on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Table, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.storage.tables import SeenDeliveryRow

_SEEN: Table = SeenDeliveryRow.__table__  # type: ignore[attr-defined]


class SqlSeenDeliveries:
    """Claims delivery ids once; a claim can be given back when handling it failed."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    async def claim(self, *, source: str, key: str) -> bool:
        """True for the first claim of (source, key) in any process; False for every later one."""
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(_SEEN)
            .values(source=source, key=key[:128], seen_at=self._clock())
            .on_conflict_do_nothing(index_elements=["source", "key"])
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return bool(result.rowcount)

    async def release(self, *, source: str, key: str) -> None:
        """Forget a claim, so a retry of a delivery that failed half-way is handled again."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(_SEEN).where(_SEEN.c.source == source, _SEEN.c.key == key[:128]))

    async def forget(self, *, before: datetime) -> int:
        """Drop claims older than `before` (platforms stop retrying within hours)."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_SEEN).where(_SEEN.c.seen_at < before))
        return result.rowcount or 0
