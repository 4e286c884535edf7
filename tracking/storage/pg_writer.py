"""The PostgreSQL visit writer: a whole batch in one statement, one round trip.

Raw visits and every roll-up go in through `unnest` of arrays inside
data-modifying CTEs, conditioned on claiming the batch's id: PostgreSQL
runs it as one atomic statement, so a batch costs one round trip instead
of a BEGIN, a COPY, five upserts and a COMMIT, and a batch written before
(a retry, a replay from the spool) changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.core.rollups import rollup_delta
from tracking.core.visits import Visit
from tracking.storage.visit_sql import LISTENING, outbox_rows

_ARRAYS = {
    "visits": ("link_id int", "at timestamptz", "method text", "kind text", "channel text", "evidence text",
               "rule text", "rules_version int", "user_agent text", "referrer text", "ip_prefix text",
               "visitor_hash text", "device text", "browser text", "os text", "country text", "private bool"),
    "rollup_hourly": ("link_id int", "hour timestamptz", "kind text", "channel text", "visits int"),
    "rollup_daily": ("link_id int", "day date", "kind text", "channel text", "visits int"),
    "rollup_daily_dimensions": ("link_id int", "day date", "kind text", "channel text", "dimension text",
                                "value text", "visits int"),
    "rollup_daily_totals": ("kind text", "day date", "channel text", "visits int"),
    "rollup_daily_links": ("kind text", "day date", "link_id int", "visits int"),
}  # fmt: skip


def _statement() -> str:
    parts = [
        "WITH claim AS (INSERT INTO visit_batches (id, written_at) VALUES ($1, $2) "
        "ON CONFLICT (id) DO NOTHING RETURNING id)"
    ]
    number = 3
    for index, (table, columns) in enumerate(_ARRAYS.items()):
        names = [c.split()[0] for c in columns]
        arrays = ", ".join(f"${number + i}::{c.split()[1]}[]" for i, c in enumerate(columns))
        number += len(columns)
        sql = (
            f"w{index} AS (INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - constant names
            f"SELECT * FROM unnest({arrays}) WHERE EXISTS (SELECT 1 FROM claim)"
        )
        if table != "visits":
            keys = [n for n in names if n != "visits"]
            sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET visits = {table}.visits + excluded.visits"
        parts.append(sql + ")")
    columns = ("event_id text", "event text", "link_id int", "at timestamptz", "data text")
    arrays = ", ".join(f"${number + i}::{c.split()[1]}[]" for i, c in enumerate(columns))
    parts.append(
        f"wo AS (INSERT INTO outbox ({', '.join(c.split()[0] for c in columns)}) "  # noqa: S608 - constant
        f"SELECT * FROM unnest({arrays}) WHERE EXISTS (SELECT 1 FROM claim) "
        f"AND (${number + len(columns)}::bool OR {LISTENING}))"
    )
    return ", ".join(parts) + " SELECT count(*) FROM claim"  # noqa: S608 - constant names only


STATEMENT = _statement()


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def batch_arguments(
    visits: Sequence[Visit], batch_id: str, tz: ZoneInfo, *, forward_always: bool = False
) -> list[Any]:
    """The statement's arguments: the batch id, then one array per column of each table."""
    delta = rollup_delta(visits, tz)
    delta.drop_zeros()
    tables: dict[str, list[tuple[Any, ...]]] = {
        "visits": [(v.link_id, v.at, v.method, v.kind.value, v.channel, v.evidence, v.rule, v.rules_version,
                    v.user_agent, v.referrer, v.ip_prefix, v.visitor_hash, v.device, v.browser, v.os,
                    v.country, v.private) for v in visits],
        "rollup_hourly": [(k.link_id, k.hour, k.kind, k.channel, n) for k, n in delta.hourly.items()],
        "rollup_daily": [(k.link_id, k.day, k.kind, k.channel, n) for k, n in delta.daily.items()],
        "rollup_daily_dimensions": [(k.link_id, k.day, k.kind, k.channel, k.dimension, k.value, n)
                                    for k, n in delta.dims.items()],
        "rollup_daily_totals": [(k.kind, k.day, k.channel, n) for k, n in delta.totals.items()],
        "rollup_daily_links": [(k.kind, k.day, k.link_id, n) for k, n in delta.link_days.items()],
    }  # fmt: skip
    arguments: list[Any] = [batch_id, datetime.now(UTC)]
    for table, columns in _ARRAYS.items():
        arguments.extend(
            _columns(sorted(tables[table], key=str) if table != "visits" else tables[table], len(columns))
        )
    arguments.extend(_columns(outbox_rows("postgresql", visits), 5))
    arguments.append(forward_always)
    return arguments


class PgVisitWriter:
    """Writes visit batches to PostgreSQL, one statement each."""

    def __init__(self, engine: AsyncEngine, *, tz: ZoneInfo, forward_always: bool = False) -> None:
        self._engine = engine
        self._tz = tz
        self._forward_always = forward_always  # GA4 is on: every click and share leaves Lantern

    async def write_batch(self, visits: Sequence[Visit], batch_id: str | None = None) -> None:
        """Store the batch and its roll-ups atomically; nothing when its id was stored before."""
        if not visits:
            return
        arguments = batch_arguments(
            visits, batch_id or uuid.uuid4().hex, self._tz, forward_always=self._forward_always
        )
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.fetchval(STATEMENT, *arguments)
