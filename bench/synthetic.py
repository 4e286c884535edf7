"""Synthetic but realistic traffic for benchmarks, written straight into a Lantern database.

Links are created over the period; each link's visits decay after its
creation (most shares and clicks come in the first days, as with real
shared links); kinds, channels, devices and countries follow fixed mixes.
Raw visits go in with COPY (PostgreSQL) or one big transaction (SQLite),
and the roll-ups are the exact aggregates of those visits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tracking.storage.visit_sql import VISIT_COLUMNS, DriverSql

KINDS = ["click", "preview", "bot"]
CHANNELS = ["whatsapp", "telegram", "slack", "email", "sms", "facebook", "x", "linkedin", "signal", "discord"]
MESSAGING = ["whatsapp", "telegram", "slack", "signal", "discord", "imessage"]
ALL_CHANNELS = [*CHANNELS, "imessage", "direct"]
CAMPAIGNS = [f"campaign-{n}" for n in range(19)] + ["spring-sale"]
DEVICES = [
    ("mobile", "Mobile Safari", "iOS"),
    ("mobile", "Chrome Mobile", "Android"),
    ("desktop", "Chrome", "Windows"),
    ("desktop", "Safari", "Mac OS X"),
    ("tablet", "Safari", "iOS"),
]
COUNTRIES = ["DE", "US", "FR", "GB", "ES", "IT", "NL", "BR", "IN", ""]


@dataclass(frozen=True)
class Dataset:
    """What was generated: counts to report and the moment questions are asked at."""

    visits: int
    links: int
    days: int
    as_of: datetime


def _hours(as_of: datetime, days: int, tz: ZoneInfo) -> tuple[list[datetime], list[date]]:
    start = (as_of - timedelta(days=days)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = [start + timedelta(hours=h) for h in range(days * 24)]
    hours = [h for h in hours if h < as_of]
    return hours, [h.astimezone(tz).date() for h in hours]


CHUNK = 500_000
RAW_INDEXES = ("ix_visits_at", "ix_visits_link_kind_at")


def _draw(rng: np.random.Generator, visits: int, link_count: int, hours: int) -> dict[str, np.ndarray]:
    """One array per visit attribute, drawn with the mixes described in the module docstring."""
    created = rng.integers(0, hours, size=link_count)
    tags = rng.integers(0, len(CHANNELS), size=link_count)
    weights = 1 / (np.arange(link_count) + 1) ** 0.8
    link = rng.choice(link_count, size=visits, p=weights / weights.sum())
    hour = np.minimum(hours - 1, created[link] + rng.exponential(72, size=visits).astype(np.int64))
    kind = rng.choice(3, size=visits, p=[0.75, 0.15, 0.10])  # click, preview, bot
    roll = rng.random(visits)
    tag = tags[link]
    other = rng.integers(0, len(ALL_CHANNELS), size=visits)
    messaging = np.array([ALL_CHANNELS.index(c) for c in MESSAGING])[
        rng.integers(0, len(MESSAGING), size=visits)
    ]
    channel = np.where(
        kind == 1,
        np.where(roll < 0.8, tag, messaging),
        np.where(
            kind == 2,
            tag,
            np.where(roll < 0.7, tag, np.where(roll < 0.9, ALL_CHANNELS.index("direct"), other)),
        ),
    )
    return {
        "link": link + 1,
        "hour": hour,
        "kind": kind,
        "channel": channel,
        "device": rng.integers(0, len(DEVICES), size=visits),
        "country": rng.integers(0, len(COUNTRIES), size=visits),
        "second": rng.integers(0, 3600, size=visits),
        "created": created,
        "tags": tags,
    }


def _aggregate(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows of the given small non-negative integer columns and how often each occurs.

    The columns are packed into one int64 key (16 bits each, the link 24): a 1-D unique is
    many times faster than a row-wise one.
    """
    widths = [24] + [13] * (len(columns) - 1)
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    for column, width in zip(columns, widths, strict=True):
        packed = (packed << width) | column.astype(np.int64)
    keys, counts = np.unique(packed, return_counts=True)
    unpacked = []
    for width in reversed(widths):
        unpacked.append(keys & ((1 << width) - 1))
        keys = keys >> width
    return np.stack(list(reversed(unpacked)), axis=1), counts


async def generate(
    engine: AsyncEngine,
    *,
    visits: int,
    tz: ZoneInfo,
    as_of: datetime,
    days: int = 120,
    seed: int = 7,
    raw: bool = True,
) -> Dataset:
    """Fill an empty, migrated database with `visits` visits and their exact roll-ups."""
    rng = np.random.default_rng(seed)
    hours, local_days = _hours(as_of, days, tz)
    link_count = max(20, visits // 5000)
    sql = DriverSql(engine.dialect.name)
    d = _draw(rng, visits, link_count, len(hours))
    links = [
        (n + 1, int(d["created"][n]), CHANNELS[int(d["tags"][n])], CAMPAIGNS[n % len(CAMPAIGNS)], n % 50 + 1)
        for n in range(link_count)
    ]
    first_day = local_days[0].toordinal()
    day_index = np.array([ld.toordinal() - first_day for ld in local_days])[d["hour"]]
    async with engine.begin() as connection:
        await _insert_links(connection, sql, links, hours)
        if raw:
            for index in RAW_INDEXES:  # built once after the load, not row by row
                await connection.exec_driver_sql(f"DROP INDEX {index}")
            await _insert_raw(connection, sql, d, hours)
            await connection.exec_driver_sql("CREATE INDEX ix_visits_at ON visits (at)")
            await connection.exec_driver_sql(
                "CREATE INDEX ix_visits_link_kind_at ON visits (link_id, kind, at)"
            )
        kinds = np.array(KINDS)
        names = np.array(ALL_CHANNELS)
        unique, counts = _aggregate([d["link"], d["hour"], d["kind"], d["channel"]])
        await _insert(
            connection,
            sql,
            "rollup_hourly",
            "link_id, hour, kind, channel, visits",
            [
                (int(lk), sql.moment(hours[h]), str(kinds[k]), str(names[c]), int(n))
                for (lk, h, k, c), n in zip(unique.tolist(), counts.tolist(), strict=True)
            ],
        )
        unique, counts = _aggregate([d["link"], day_index, d["kind"], d["channel"]])
        await _insert(
            connection,
            sql,
            "rollup_daily",
            "link_id, day, kind, channel, visits",
            [
                (int(lk), sql.day(date.fromordinal(first_day + o)), str(kinds[k]), str(names[c]), int(n))
                for (lk, o, k, c), n in zip(unique.tolist(), counts.tolist(), strict=True)
            ],
        )
        unique, counts = _aggregate([d["kind"], day_index, d["channel"]])
        await _insert(
            connection,
            sql,
            "rollup_daily_totals",
            "kind, day, channel, visits",
            [
                (str(kinds[k]), sql.day(date.fromordinal(first_day + o)), str(names[c]), int(n))
                for (k, o, c), n in zip(unique.tolist(), counts.tolist(), strict=True)
            ],
        )
        unique, counts = _aggregate([d["link"], day_index, d["kind"]])
        await _insert(
            connection,
            sql,
            "rollup_daily_links",
            "kind, day, link_id, visits",
            [
                (str(kinds[k]), sql.day(date.fromordinal(first_day + o)), int(lk), int(n))
                for (lk, o, k), n in zip(unique.tolist(), counts.tolist(), strict=True)
            ],
        )
        device_of = np.array([x[0] for x in DEVICES])

        browser_of = np.array([x[1] for x in DEVICES])
        for dimension, codes, labels in (
            ("country", d["country"], np.array(COUNTRIES)),
            ("device", d["device"], device_of),
            ("browser", d["device"], browser_of),
            ("evidence", np.zeros_like(d["kind"]), np.array(["link-tag"])),  # as the raw rows say
        ):
            unique, counts = _aggregate([d["link"], day_index, d["kind"], d["channel"], codes])
            rows: dict[tuple[object, ...], int] = {}
            for (lk, o, k, c, v), n in zip(unique.tolist(), counts.tolist(), strict=True):
                key = (
                    int(lk),
                    sql.day(date.fromordinal(first_day + o)),
                    str(kinds[k]),
                    str(names[c]),
                    dimension,
                    str(labels[v]),
                )
                rows[key] = rows.get(key, 0) + int(n)
            await _insert(
                connection,
                sql,
                "rollup_daily_dimensions",
                "link_id, day, kind, channel, dimension, value, visits",
                [(*key, n) for key, n in rows.items()],
            )
        await connection.exec_driver_sql("ANALYZE")
    if not sql.sqlite:  # what autovacuum does in production: index-only scans need the visibility map
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
    return Dataset(visits=visits, links=link_count, days=days, as_of=as_of)


async def _insert_raw(
    connection: AsyncConnection, sql: DriverSql, d: dict[str, np.ndarray], hours: list[datetime]
) -> None:
    base = np.datetime64(hours[0].replace(tzinfo=None), "s")
    kinds, names = np.array(KINDS), np.array(ALL_CHANNELS)
    for start in range(0, len(d["link"]), CHUNK):
        part = slice(start, start + CHUNK)
        moments = base + (d["hour"][part] * 3600 + d["second"][part]).astype("timedelta64[s]")
        if sql.sqlite:
            at: list[object] = [m + ".000000" for m in np.datetime_as_string(moments).tolist()]
            at = [m.replace("T", " ") for m in at]  # type: ignore[attr-defined]
        else:
            at = [m.replace(tzinfo=UTC) for m in moments.astype("datetime64[us]").tolist()]
        device = d["device"][part].tolist()
        rows = [
            (
                lk,
                t,
                "GET",
                str(kinds[k]),
                str(names[c]),
                "link-tag",
                None,
                1,
                "Mozilla/5.0",
                None,
                "203.0.113.0/24",
                f"{start + i:016x}",
                DEVICES[dv][0],
                DEVICES[dv][1],
                DEVICES[dv][2],
                COUNTRIES[co] or None,
                False,
            )
            for i, (lk, t, k, c, dv, co) in enumerate(
                zip(
                    d["link"][part].tolist(),
                    at,
                    d["kind"][part].tolist(),
                    d["channel"][part].tolist(),
                    device,
                    d["country"][part].tolist(),
                    strict=True,
                )
            )
        ]
        await _insert_visits(connection, sql, rows)


async def _insert(
    connection: AsyncConnection, sql: DriverSql, table: str, columns: str, values: list[tuple[object, ...]]
) -> None:
    count = columns.count(",") + 1
    statement = f"INSERT INTO {table} ({columns}) VALUES ({sql.placeholders(count)})"
    await connection.exec_driver_sql(statement, values)


async def _insert_links(
    connection: AsyncConnection,
    sql: DriverSql,
    links: list[tuple[int, int, str, str, int]],
    hours: list[datetime],
) -> None:
    sharers: list[tuple[object, ...]] = [
        (n, "bench", f"user-{n}", f"User {n}", f"user-{n}", sql.moment(hours[0])) for n in range(1, 51)
    ]
    link_rows: list[tuple[object, ...]] = [
        (
            link_id,
            f"b{link_id:06d}",
            f"https://example.com/p/{link_id}",
            f"https://example.com/p/{link_id}?utm_source={tag}",
            "example.com",
            tag,
            campaign,
            sharer,
            None,
            False,
            sql.moment(hours[created]),
            sql.moment(hours[created]),
            None,
            False,
            None,
            0,
        )
        for link_id, created, tag, campaign, sharer in links
    ]
    await _insert(
        connection, sql, "sharers", "id, platform, external_id, display_name, handle, created_at", sharers
    )
    await _insert(
        connection,
        sql,
        "links",
        "id, slug, target, tagged_target, target_host, channel, campaign, "
        "sharer_id, dedupe_key, custom_slug, created_at, updated_at, expires_at, disabled, max_clicks, "
        "clicks",
        link_rows,
    )
    if not sql.sqlite:
        await connection.exec_driver_sql("SELECT setval('links_id_seq', (SELECT max(id) FROM links))")
        await connection.exec_driver_sql("SELECT setval('sharers_id_seq', (SELECT max(id) FROM sharers))")


async def _insert_visits(
    connection: AsyncConnection, sql: DriverSql, rows: Sequence[tuple[object, ...]]
) -> None:
    if sql.sqlite:
        await connection.exec_driver_sql(sql.insert_visits(), list(rows))
        return
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table("visits", records=list(rows), columns=list(VISIT_COLUMNS))
