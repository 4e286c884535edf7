"""What the tracker reads back about visits (salts, recent previews); roll-up upserts for re-classifying."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tracking.core.rollups import RollupDelta
from tracking.storage.tables import VisitBatchRow, VisitorSaltRow, VisitRow
from tracking.storage.visit_sql import rollup_statements

_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_SALTS: Table = VisitorSaltRow.__table__  # type: ignore[attr-defined]
_BATCHES: Table = VisitBatchRow.__table__  # type: ignore[attr-defined]


async def apply_rollups(connection: AsyncConnection, delta: RollupDelta) -> None:
    """Add counter changes to the roll-up tables, inside the caller's transaction."""
    for sql, rows in rollup_statements(connection.dialect.name, delta):
        await connection.exec_driver_sql(sql, rows)


class SqlVisitStore:
    """What the tracker reads back about visits (recent previews, the day's salt) and batch-id clean-up.

    Batches themselves are written by the database's `VisitWriter`
    (`PgVisitWriter` or `SqliteVisitWriter`), never from here.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def forget_batches(self, *, before: datetime) -> int:
        """Drop ids of batches written before `before`: past a week no retry or replay is pending."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_BATCHES).where(_BATCHES.c.written_at < before))
        return result.rowcount or 0

    async def recent_previews(self, link_id: int, *, since: datetime) -> dict[str, datetime]:
        """Each channel whose preview fetcher fetched this link since `since`, with the last time."""
        query = (
            select(_VISITS.c.channel, func.max(_VISITS.c.at))
            .where(_VISITS.c.link_id == link_id, _VISITS.c.kind == "preview", _VISITS.c.at >= since)
            .group_by(_VISITS.c.channel)
        )
        async with self._engine.connect() as connection:
            return {str(channel): at for channel, at in (await connection.execute(query)).all()}

    async def salt_for(self, day: date) -> str:
        """The salt of `day`, created by whichever process asks first; older ones are deleted."""
        key = day.isoformat()
        values = {"day": key, "salt": secrets.token_hex(32)}
        async with self._engine.begin() as connection:
            dialect = connection.dialect.name
            statement = pg_insert(_SALTS) if dialect == "postgresql" else sqlite_insert(_SALTS)
            await connection.execute(statement.values(values).on_conflict_do_nothing())
            await connection.execute(
                delete(_SALTS).where(_SALTS.c.day < (day - timedelta(days=1)).isoformat())
            )
            salt = (await connection.execute(select(_SALTS.c.salt).where(_SALTS.c.day == key))).scalar_one()
        return str(salt)
