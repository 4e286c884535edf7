"""Monthly partitions of the visits table on PostgreSQL, created ahead of the traffic.

Each process makes sure this month's and the next months' partitions
exist when it starts (and every 12 hours), so a visit never waits on DDL; the

default partition catches anything outside them, so none is ever refused.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

#: Months created ahead of the current one.
AHEAD = 2


def _month(day: date, offset: int) -> date:
    total = day.year * 12 + day.month - 1 + offset
    return date(total // 12, total % 12 + 1, 1)


def partition_name(month: date) -> str:
    """visits_y2026m11 for November 2026."""
    return f"visits_y{month.year:04d}m{month.month:02d}"


async def ensure_partitions(engine: AsyncEngine, now: datetime, ahead: int = AHEAD) -> list[str]:
    """Create missing month partitions from this month to `ahead` months on; return those made."""
    if engine.dialect.name != "postgresql":
        return []
    made = []
    today = now.astimezone(UTC).date()
    for offset in range(ahead + 1):
        start, end = _month(today, offset), _month(today, offset + 1)
        name = partition_name(start)
        statement = (
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF visits "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
        try:
            async with engine.begin() as connection:
                exists = await connection.exec_driver_sql(
                    "SELECT 1 FROM pg_class WHERE relname = $1", (name,)
                )
                if exists.first() is not None:
                    continue
                await connection.exec_driver_sql(statement)
            made.append(name)
        except DBAPIError as error:
            # Another process created it first, or the default partition already holds rows
            # of that month (then they stay there; nothing is lost).
            log.warning("could not create partition %s: %s", name, str(error.orig).splitlines()[0])
    return made
