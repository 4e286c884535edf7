"""The SQL of the visit write path, shared by the async store and the SQLite writer thread.

Driver-level statements and plain tuples: no ORM work per row, and one
place that knows how each database wants datetimes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tracking.core.forwarding.events import visit_events
from tracking.core.rollups import RollupDelta, rollup_delta
from tracking.core.visits import Visit

_HOUR_KEYS = ("link_id", "hour", "kind", "channel")
_DAY_KEYS = ("link_id", "day", "kind", "channel")
_DIM_KEYS = ("link_id", "day", "kind", "channel", "dimension", "value")
_TOTAL_KEYS = ("kind", "day", "channel")
_LINK_DAY_KEYS = ("kind", "day", "link_id")


VISIT_COLUMNS = (
    "link_id",
    "at",
    "method",
    "kind",
    "channel",
    "evidence",
    "rule",
    "rules_version",
    "user_agent",
    "referrer",
    "ip_prefix",
    "visitor_hash",
    "device",
    "browser",
    "os",
    "country",
    "private",
)


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

    def visit_row(self, v: Visit) -> tuple[object, ...]:
        return (
            v.link_id,
            self.moment(v.at),
            v.method,
            v.kind.value,
            v.channel,
            v.evidence,
            v.rule,
            v.rules_version,
            v.user_agent,
            v.referrer,
            v.ip_prefix,
            v.visitor_hash,
            v.device,
            v.browser,
            v.os,
            v.country,
            v.private,
        )

    def upsert(self, table: str, keys: Sequence[str]) -> str:
        columns = (*keys, "visits")
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({self.placeholders(len(columns))}) "  # noqa: S608 - constant names only
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET visits = {table}.visits + excluded.visits"
        )


def _sorted(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    # One lock order for every writer: concurrent batches cannot deadlock on PostgreSQL.
    return sorted(rows, key=lambda row: tuple(str(part) for part in row))


Statement = tuple[str, list[tuple[object, ...]]]


def rollup_statements(dialect: str, delta: RollupDelta) -> list[Statement]:
    """The upserts that apply a batch's counter changes, as (SQL, rows) pairs."""
    delta.drop_zeros()
    sql = DriverSql(dialect)
    hourly: list[tuple[object, ...]] = [
        (k.link_id, sql.moment(k.hour), k.kind, k.channel, n) for k, n in delta.hourly.items()
    ]
    daily: list[tuple[object, ...]] = [
        (k.link_id, sql.day(k.day), k.kind, k.channel, n) for k, n in delta.daily.items()
    ]
    dims: list[tuple[object, ...]] = [
        (k.link_id, sql.day(k.day), k.kind, k.channel, k.dimension, k.value, n) for k, n in delta.dims.items()
    ]
    totals: list[tuple[object, ...]] = [
        (k.kind, sql.day(k.day), k.channel, n) for k, n in delta.totals.items()
    ]
    link_days: list[tuple[object, ...]] = [
        (k.kind, sql.day(k.day), k.link_id, n) for k, n in delta.link_days.items()
    ]
    plans = (
        ("rollup_hourly", _HOUR_KEYS, hourly),
        ("rollup_daily", _DAY_KEYS, daily),
        ("rollup_daily_dimensions", _DIM_KEYS, dims),
        ("rollup_daily_totals", _TOTAL_KEYS, totals),
        ("rollup_daily_links", _LINK_DAY_KEYS, link_days),
    )
    return [(sql.upsert(table, keys), _sorted(rows)) for table, keys, rows in plans if rows]


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
