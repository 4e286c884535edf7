"""The PostgreSQL visit writer: a whole batch in one statement, one round trip.

Raw visits and every roll-up go in through `unnest` of arrays inside
data-modifying CTEs, conditioned on claiming the batch's id: PostgreSQL
runs it as one atomic statement, so a batch costs one round trip instead
of a BEGIN, a COPY, five upserts and a COMMIT, and a batch written before
(a retry, a replay from the spool) changes nothing. Its tables and columns
come from the same definition as the SQLite writer's (`visit_sql`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

from tracking.core.rollups import rollup_delta
from tracking.core.visits import Visit
from tracking.storage.outbox_tables import OutboxRow
from tracking.storage.tables import VisitRow
from tracking.storage.visit_sql import (
    LISTENING,
    OUTBOX_COLUMNS,
    ROLLUP_TABLES,
    VISIT_COLUMNS,
    is_moment,
    outbox_rows,
    visit_values,
    written_columns,
)

_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_OUTBOX: Table = OutboxRow.__table__  # type: ignore[attr-defined]


_ARRAY_TYPES: dict[type, str] = {int: "int", str: "text", bool: "bool", date: "date"}


def _array_type(column: Column[Any]) -> str:
    """The PostgreSQL array element type for one column, from its table definition."""
    if is_moment(column):
        return "timestamptz"
    kind = column.type
    base = kind.impl_instance if isinstance(kind, TypeDecorator) else kind  # sqlmodel's AutoString
    return _ARRAY_TYPES[base.python_type]


#: Each table a batch writes, with its columns as (name, array type), from the table classes.
_ARRAYS: dict[str, tuple[tuple[str, str], ...]] = {
    table.name: tuple((column.name, _array_type(column)) for column in written_columns(table))
    for table in (_VISITS, *(rollup.table for rollup in ROLLUP_TABLES))
}


def _statement() -> str:
    parts = [
        "WITH claim AS (INSERT INTO visit_batches (id, written_at) VALUES ($1, $2) "
        "ON CONFLICT (id) DO NOTHING RETURNING id)"
    ]
    number = 3
    for index, (table, columns) in enumerate(_ARRAYS.items()):
        names = [name for name, _ in columns]
        arrays = ", ".join(f"${number + i}::{kind}[]" for i, (_, kind) in enumerate(columns))
        number += len(columns)
        sql = (
            f"w{index} AS (INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - constant names
            f"SELECT * FROM unnest({arrays}) WHERE EXISTS (SELECT 1 FROM claim)"
        )
        if table != _VISITS.name:
            keys = [n for n in names if n != "visits"]
            sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET visits = {table}.visits + excluded.visits"
        parts.append(sql + ")")
    kinds = [_array_type(_OUTBOX.c[name]) for name in OUTBOX_COLUMNS]
    arrays = ", ".join(f"${number + i}::{kind}[]" for i, kind in enumerate(kinds))
    parts.append(
        f"wo AS (INSERT INTO outbox ({', '.join(OUTBOX_COLUMNS)}) "  # noqa: S608 - constant
        f"SELECT * FROM unnest({arrays}) WHERE EXISTS (SELECT 1 FROM claim) "
        f"AND (${number + len(kinds)}::bool OR {LISTENING}))"
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
    arguments: list[Any] = [batch_id, datetime.now(UTC)]
    arguments.extend(_columns([visit_values(v) for v in visits], len(VISIT_COLUMNS)))
    for rollup in ROLLUP_TABLES:
        arguments.extend(_columns(sorted(rollup.rows(delta), key=str), len(rollup.columns)))
    arguments.extend(_columns(outbox_rows("postgresql", visits), len(OUTBOX_COLUMNS)))
    arguments.append(forward_always)
    return arguments


class PgVisitWriter:
    """Writes visit batches to PostgreSQL, one statement each."""

    def __init__(self, engine: AsyncEngine, *, tz: ZoneInfo, forward_always: bool = False) -> None:
        self._engine = engine
        self._tz = tz
        self._forward_always = forward_always  # GA4 is on: every click and share leaves Lantern

    async def start(self) -> None:
        """Nothing to open: batches borrow connections from the engine's pool."""

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

    async def close(self) -> None:
        """Nothing to close: the engine's pool is disposed with the engine."""
