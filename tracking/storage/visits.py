"""Writing visit batches and reading what the tracker needs back (salts, recent previews)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, Table, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tracking.core.rollups import RollupDelta, rollup_delta
from tracking.core.visits import Visit
from tracking.storage.tables import (
    RollupDailyRow,
    RollupDimensionRow,
    RollupHourlyRow,
    VisitorSaltRow,
    VisitRow,
)

_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_SALTS: Table = VisitorSaltRow.__table__  # type: ignore[attr-defined]
_HOURLY: Table = RollupHourlyRow.__table__  # type: ignore[attr-defined]
_DAILY: Table = RollupDailyRow.__table__  # type: ignore[attr-defined]
_DIMS: Table = RollupDimensionRow.__table__  # type: ignore[attr-defined]
_HOUR_KEYS = ("link_id", "hour", "kind", "channel")
_DAY_KEYS = ("link_id", "day", "kind", "channel")
_DIM_KEYS = ("link_id", "day", "kind", "channel", "dimension", "value")


def visit_values(visit: Visit) -> dict[str, object]:
    """A visit as a row mapping for a multi-row insert."""
    values = asdict(visit)
    values["kind"] = visit.kind.value
    return values


def _upsert(connection: AsyncConnection, table: Table, keys: Sequence[str]) -> Insert:
    """INSERT … ON CONFLICT (keys) DO UPDATE visits = visits + excluded.visits, per dialect."""
    statement = pg_insert(table) if connection.dialect.name == "postgresql" else sqlite_insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={"visits": table.c.visits + statement.excluded.visits}
    )


async def apply_rollups(connection: AsyncConnection, delta: RollupDelta) -> None:
    """Add a batch's counter changes to the roll-up tables, inside the caller's transaction."""
    delta.drop_zeros()
    plans: list[tuple[Table, Sequence[str], list[dict[str, object]]]] = [
        (_HOURLY, _HOUR_KEYS, [{**asdict(k), "visits": n} for k, n in delta.hourly.items()]),
        (_DAILY, _DAY_KEYS, [{**asdict(k), "visits": n} for k, n in delta.daily.items()]),
        (_DIMS, _DIM_KEYS, [{**asdict(k), "visits": n} for k, n in delta.dims.items()]),
    ]
    for table, keys, rows in plans:
        if rows:
            # Sorted so concurrent writers lock rows in the same order (no deadlocks on PostgreSQL).
            rows.sort(key=lambda row: tuple(str(row[k]) for k in keys))
            await connection.execute(_upsert(connection, table, keys), rows)


class SqlVisitStore:
    """Visit batches in one transaction each, roll-ups included; the unit the group committer writes."""

    def __init__(self, engine: AsyncEngine, *, tz: ZoneInfo) -> None:
        self._engine = engine
        self._tz = tz

    async def write_batch(self, visits: Sequence[Visit]) -> None:
        """Insert the visits of one batch and update the roll-ups, atomically."""
        if not visits:
            return
        async with self._engine.begin() as connection:
            await connection.execute(insert(_VISITS), [visit_values(v) for v in visits])
            await apply_rollups(connection, rollup_delta(visits, self._tz))

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
