"""Writing visit batches and reading what the tracker needs back (recent previews)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tracking.core.rollups import RollupDelta, rollup_delta
from tracking.core.visits import Visit
from tracking.storage.tables import QuarantinedVisitRow, VisitBatchRow, VisitorKeyCheckRow, VisitRow
from tracking.storage.visit_sql import (
    VISIT_COLUMNS,
    DriverSql,
    batch_statements,
    claim_batch,
    quarantine_visit,
    rollup_statements,
)

_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_KEY_CHECK: Table = VisitorKeyCheckRow.__table__  # type: ignore[attr-defined]
_QUARANTINE: Table = QuarantinedVisitRow.__table__  # type: ignore[attr-defined]
_BATCHES: Table = VisitBatchRow.__table__  # type: ignore[attr-defined]


async def apply_rollups(connection: AsyncConnection, delta: RollupDelta) -> None:
    """Add counter changes to the roll-up tables, inside the caller's transaction."""
    for sql, rows in rollup_statements(connection.dialect.name, delta):
        await connection.exec_driver_sql(sql, rows)


class SqlVisitStore:
    """Visit batches in one transaction each, roll-ups included; the unit the group committer writes."""

    def __init__(self, engine: AsyncEngine, *, tz: ZoneInfo) -> None:
        self._engine = engine
        self._tz = tz

    async def write_batch(self, visits: Sequence[Visit], batch_id: str | None = None) -> None:
        """Insert the visits of one batch and update the roll-ups, atomically.

        A spooled batch comes with its id; if the database already holds that
        id, the batch was written before (replayed twice) and is skipped.
        """
        if not visits:
            return
        async with self._engine.begin() as connection:
            if batch_id is not None:
                sql, params = claim_batch(connection.dialect.name, batch_id)
                claimed = await connection.exec_driver_sql(sql, params)
                if not claimed.rowcount:
                    return
            if connection.dialect.name == "postgresql":
                await self._copy_visits(connection, visits)
                statements = rollup_statements("postgresql", rollup_delta(visits, self._tz))
            else:
                statements = batch_statements(connection.dialect.name, visits, self._tz)
            for sql, rows in statements:
                await connection.exec_driver_sql(sql, rows)

    async def forget_batches(self, *, before: datetime) -> int:
        """Drop ids of batches written before `before`: past a week no retry or replay is pending."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_BATCHES).where(_BATCHES.c.written_at < before))
        return result.rowcount or 0

    @staticmethod
    async def _copy_visits(connection: AsyncConnection, visits: Sequence[Visit]) -> None:
        """COPY the raw rows: PostgreSQL's fastest load path, inside the batch's transaction."""
        sql = DriverSql("postgresql")
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.copy_records_to_table(
            "visits", records=[sql.visit_row(v) for v in visits], columns=list(VISIT_COLUMNS)
        )

    async def recent_previews(self, link_id: int, *, since: datetime) -> dict[str, datetime]:
        """Each channel whose preview fetcher fetched this link since `since`, with the last time."""
        query = (
            select(_VISITS.c.channel, func.max(_VISITS.c.at))
            .where(_VISITS.c.link_id == link_id, _VISITS.c.kind == "preview", _VISITS.c.at >= since)
            .group_by(_VISITS.c.channel)
        )
        async with self._engine.connect() as connection:
            return {str(channel): at for channel, at in (await connection.execute(query)).all()}

    async def key_fingerprint(self, fingerprint: str) -> str:
        """Record the visitor key's fingerprint unless one is there; the one the database holds."""
        async with self._engine.begin() as connection:
            dialect = connection.dialect.name
            statement = pg_insert(_KEY_CHECK) if dialect == "postgresql" else sqlite_insert(_KEY_CHECK)
            values = {"id": 1, "fingerprint": fingerprint, "created_at": datetime.now(UTC)}
            await connection.execute(statement.values(values).on_conflict_do_nothing())
            stored = await connection.execute(select(_KEY_CHECK.c.fingerprint).where(_KEY_CHECK.c.id == 1))
            return str(stored.scalar_one())

    async def quarantine(self, visit: Visit, *, reason: str, row_id: str) -> None:
        """Keep a visit the database refused aside, with the reason (see tracking.storage.refusals)."""
        async with self._engine.begin() as connection:
            sql, params = quarantine_visit(connection.dialect.name, visit, reason, row_id)
            await connection.exec_driver_sql(sql, params)

    async def quarantined(self) -> int:
        """How many visits the quarantine holds."""
        async with self._engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(_QUARANTINE))).scalar_one())
