"""The SQL of the visit write path, shared by both visit writers and the re-classification job.

The table classes (`tracking.storage.tables`) are the one definition of
the columns a batch writes: the raw visit's columns (the `Visit` fields,
a test holds them equal) and each roll-up's keys and counter. The SQLite
statements here and the PostgreSQL arrays of `pg_writer` are both derived
from them. Driver-level statements and plain tuples: no ORM work per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Date, DateTime, Table

from tracking.core.forwarding.events import visit_events
from tracking.core.rollups import RollupDelta, rollup_delta
from tracking.core.visits import Visit
from tracking.storage.tables import (
    RollupDailyLinkRow,
    RollupDailyRow,
    RollupDailyTotalRow,
    RollupDimensionRow,
    RollupHourlyRow,
    VisitRow,
)
from tracking.storage.types import UtcDateTime

Row = tuple[Any, ...]


def written_columns(table: Table) -> tuple[Column[Any], ...]:
    """The columns a batch fills, in table order (the visits' id is the database's own)."""
    return tuple(
        column for column in table.columns if not (column.primary_key and column.autoincrement is True)
    )


_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]

#: The raw visit's columns, in insert order.
VISIT_COLUMNS: tuple[str, ...] = tuple(column.name for column in written_columns(_VISITS))


@dataclass(frozen=True, slots=True)
class RollupTable:
    """One roll-up table: its columns (keys, then the counter) and where its changes come from."""

    table: Table
    changes: Callable[[RollupDelta], dict[Any, int]]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[Column[Any], ...]:
        return written_columns(self.table)

    @property
    def keys(self) -> tuple[str, ...]:
        """The key columns: everything but the `visits` counter (the upsert's conflict target)."""
        return tuple(column.name for column in self.columns if column.name != "visits")

    def rows(self, delta: RollupDelta) -> list[Row]:
        """The counter changes as rows in column order (key fields share the columns' names)."""
        key_of = attrgetter(*self.keys)
        return [(*key_of(key), count) for key, count in self.changes(delta).items()]


#: The roll-ups a batch updates, in the order every writer applies them.
ROLLUP_TABLES: tuple[RollupTable, ...] = (
    RollupTable(RollupHourlyRow.__table__, lambda d: d.hourly),  # type: ignore[attr-defined]
    RollupTable(RollupDailyRow.__table__, lambda d: d.daily),  # type: ignore[attr-defined]
    RollupTable(RollupDimensionRow.__table__, lambda d: d.dims),  # type: ignore[attr-defined]
    RollupTable(RollupDailyTotalRow.__table__, lambda d: d.totals),  # type: ignore[attr-defined]
    RollupTable(RollupDailyLinkRow.__table__, lambda d: d.link_days),  # type: ignore[attr-defined]
)


def is_moment(column: Column[Any]) -> bool:
    """A timestamp column (SQLite keeps it as text)."""
    return isinstance(column.type, UtcDateTime | DateTime)


def is_day(column: Column[Any]) -> bool:
    """A date column (SQLite keeps it as text)."""
    return isinstance(column.type, Date)


_visit_values = attrgetter(*VISIT_COLUMNS)
_KIND = VISIT_COLUMNS.index("kind")
_VISIT_MOMENTS = tuple(i for i, column in enumerate(written_columns(_VISITS)) if is_moment(column))


def visit_values(visit: Visit) -> Row:
    """A visit's values in `VISIT_COLUMNS` order, the kind as its plain text."""
    values = list(_visit_values(visit))
    values[_KIND] = visit.kind.value
    return tuple(values)


class DriverSql:
    """Driver-level SQL for the write path: no ORM work per row on the event loop.

    Rows are plain tuples in the driver's own formats (SQLite keeps datetimes
    as the text SQLAlchemy's DATETIME type writes and reads back).
    """

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def placeholders(self, count: int) -> str:
        return ", ".join("?" if self.sqlite else f"${i}" for i in range(1, count + 1))

    def moment(self, value: datetime) -> object:
        if self.sqlite:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        return value

    def day(self, value: date) -> object:
        return value.isoformat() if self.sqlite else value

    def insert_visits(self) -> str:
        columns = ", ".join(VISIT_COLUMNS)
        # Only constant column names are interpolated; values go through placeholders.
        return f"INSERT INTO visits ({columns}) VALUES ({self.placeholders(len(VISIT_COLUMNS))})"  # noqa: S608

    def visit_row(self, visit: Visit) -> Row:
        values = list(_visit_values(visit))
        values[_KIND] = visit.kind.value
        if self.sqlite:
            for index in _VISIT_MOMENTS:
                values[index] = self.moment(values[index])
        return tuple(values)

    def converter(self, columns: Iterable[Column[Any]]) -> Callable[[Row], Row]:
        """Turns a row of Python values into the driver's formats, column by column."""
        if not self.sqlite:
            return lambda row: row
        steps = [self.moment if is_moment(c) else self.day if is_day(c) else None for c in columns]
        return lambda row: tuple(v if step is None else step(v) for step, v in zip(steps, row, strict=True))

    def upsert(self, table: str, keys: Sequence[str]) -> str:
        columns = (*keys, "visits")
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({self.placeholders(len(columns))}) "  # noqa: S608 - constant names only
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET visits = {table}.visits + excluded.visits"
        )


def lock_order(rows: list[Row]) -> list[Row]:
    """One lock order for every writer: concurrent batches cannot deadlock on PostgreSQL."""
    return sorted(rows, key=lambda row: tuple(str(part) for part in row))


Statement = tuple[str, list[Row]]


def rollup_statements(dialect: str, delta: RollupDelta) -> list[Statement]:
    """The upserts that apply a batch's counter changes, as (SQL, rows) pairs."""
    delta.drop_zeros()
    sql = DriverSql(dialect)
    statements: list[Statement] = []
    for rollup in ROLLUP_TABLES:
        rows = rollup.rows(delta)
        if rows:
            convert = sql.converter(rollup.columns)
            statements.append((sql.upsert(rollup.name, rollup.keys), lock_order([convert(r) for r in rows])))
    return statements


def batch_statements(dialect: str, visits: Sequence[Visit], tz: ZoneInfo) -> list[Statement]:
    """Everything one visit batch writes: the raw rows, then the roll-up changes."""
    sql = DriverSql(dialect)
    return [
        (sql.insert_visits(), [sql.visit_row(v) for v in visits]),
        *rollup_statements(dialect, rollup_delta(visits, tz)),
    ]


def claim_batch(dialect: str, batch_id: str) -> tuple[str, tuple[object, ...]]:
    """Record a spooled batch's id; no row is inserted when it was written before."""
    sql = DriverSql(dialect)
    return (
        f"INSERT INTO visit_batches (id, written_at) VALUES ({sql.placeholders(2)}) "  # noqa: S608 - constant
        "ON CONFLICT (id) DO NOTHING",
        (batch_id, sql.moment(datetime.now(UTC))),
    )


OUTBOX_COLUMNS = ("event_id", "event", "link_id", "at", "data")
#: Is any webhook (or a chat that wants alerts) listening? Asked inside the batch's transaction,
#: so a webhook added a moment before a click is never missed, and a batch costs nothing more
#: while nobody listens.
LISTENING = (
    "EXISTS (SELECT 1 FROM webhooks WHERE NOT disabled) "
    "OR EXISTS (SELECT 1 FROM subscriptions WHERE kind = 'alerts')"
)
ANY_WEBHOOK = f"SELECT {LISTENING}"


def outbox_rows(dialect: str, visits: Sequence[Visit]) -> list[tuple[object, ...]]:
    """The outbox rows a batch raises (clicks and shares), in the driver's formats."""
    sql = DriverSql(dialect)
    return [
        (event.id, event.event.value, event.link_id, sql.moment(event.at), json.dumps(event.data))
        for event in visit_events(visits)
    ]


def insert_outbox(dialect: str) -> str:
    """One outbox row's INSERT (the SQLite writer makes it multi-row)."""
    sql = DriverSql(dialect)
    return (
        f"INSERT INTO outbox ({', '.join(OUTBOX_COLUMNS)}) "  # noqa: S608 - constant names only
        f"VALUES ({sql.placeholders(len(OUTBOX_COLUMNS))})"
    )
