"""The stats use case: an Interpretation in, an Answer out, read from the roll-ups.

Whole local days read the daily roll-ups; periods that do not start and
end at local midnight (the last N hours) and "by hour" read the hourly
ones. Time series are zero-filled buckets in the configured time zone.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tracking.core.attribution.fetchers import FETCHER_LABELS
from tracking.core.channels import find_channel
from tracking.core.errors import LinkNotFound, NotFound
from tracking.core.ports import LinkLookup, StatsReader
from tracking.core.questions.buckets import MAX_ROWS, fit_series
from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row
from tracking.core.stats_query import DIMENSION_GROUPS, Query

_KINDS: dict[Metric, tuple[str, ...] | None] = {
    Metric.CLICKS: ("click",),
    Metric.PREVIEWS: ("preview",),
    Metric.VISITS: None,
    Metric.UNIQUE_VISITORS: ("click",),
    Metric.LINKS: None,
    Metric.BOTS: ("bot",),
}
_GROUP_KEYS = {
    GroupBy.CHANNEL: "channel", GroupBy.CAMPAIGN: "campaign", GroupBy.LINK: "link",
    GroupBy.SHARER: "sharer", GroupBy.WORKSPACE: "workspace", GroupBy.COUNTRY: "country",
    GroupBy.DEVICE: "device", GroupBy.BROWSER: "browser", GroupBy.FETCHER: "fetcher",
    GroupBy.EVIDENCE: "evidence", GroupBy.PAGE: "page",
}  # fmt: skip
UNIQUE_NOTE = (
    "unique visitors are counted per day (the visitor hash's salt changes daily), "
    "and only while raw visits are kept"
)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def _is_midnight(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    return local.time() == time() and local == _midnight(local.date(), tz)


def _floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment: datetime) -> datetime:
    floored = _floor_hour(moment)
    return floored if floored == moment.astimezone(UTC) else floored + timedelta(hours=1)


class StatsService:
    """Answers interpretations from a `StatsReader`; `links` turns a slug filter into its link.

    Series are filled on `executor` (a small bounded pool) when one is given,
    so a long series never holds up the event loop that serves redirects.
    """

    def __init__(
        self, reader: StatsReader, *, tz: ZoneInfo, links: LinkLookup, executor: Executor | None = None
    ) -> None:
        self._reader = reader
        self._tz = tz
        self._links = links
        self._executor = executor

    @property
    def tz(self) -> ZoneInfo:
        """The time zone that decides days and weeks."""
        return self._tz

    async def answer(self, interpretation: Interpretation, *, now: datetime) -> Answer:
        """The total, its breakdown or series, and the previous period's total.

        A series too fine for its period is coarsened (and a note says so);
        one too long even by month raises InvalidInput.
        """
        interpretation, coarsened = fit_series(interpretation, now)
        base = await self._base_query(interpretation)
        span = interpretation.end - interpretation.start
        previous = replace(interpretation, start=interpretation.start - span, end=interpretation.start)
        total = await self._total(interpretation, base)
        previous_total = await self._total(previous, base)
        rows: tuple[Row, ...] = ()
        if interpretation.group_by is not None:
            rows = await self._rows(interpretation, base, now)
        notes: tuple[str, ...] = (UNIQUE_NOTE,) if interpretation.metric is Metric.UNIQUE_VISITORS else ()
        if coarsened:
            notes += (coarsened,)
        if len(rows) > MAX_ROWS:
            notes += (f"showing the largest {MAX_ROWS:,} of {len(rows):,}; the total counts them all",)
            rows = rows[:MAX_ROWS]
        return Answer(interpretation, total, previous_total, rows, notes)

    async def breakdown(self, interpretation: Interpretation, *, now: datetime) -> tuple[Row, ...]:
        """Only the rows of an answer, without its totals: for a page that shows many at once."""
        if interpretation.group_by is None:
            raise ValueError("a breakdown needs a group_by")
        return await self._rows(interpretation, await self._base_query(interpretation), now)

    async def _base_query(self, i: Interpretation) -> Query:
        link_id = None
        if i.link is not None:
            link = await self._links.get_by_slug(i.link)
            if link is None:
                raise LinkNotFound(f"no link has the slug {i.link!r}")
            link_id = link.id
        sharer_id = None
        if i.sharer is not None:
            sharer_id = await self._reader.find_sharer(i.sharer)
            if sharer_id is None:
                raise NotFound(f"nobody called @{i.sharer} has made a link yet")
        return Query(
            kinds=_KINDS[i.metric],
            channels=i.channels,
            campaign=i.campaign,
            link_id=link_id,
            sharer_id=sharer_id,
            domain=i.domain.lower().removeprefix("www.") if i.domain else None,
            dimension=i.dimension,
            page=i.page if i.page is not None else ("" if i.group_by is GroupBy.PAGE else None),
        )

    def _period(self, query: Query, start: datetime, end: datetime, *, hourly: bool = False) -> Query:
        daily_only = query.group in DIMENSION_GROUPS or query.dimension is not None
        if (not hourly or daily_only) and _is_midnight(start, self._tz) and _is_midnight(end, self._tz):
            first, after = start.astimezone(self._tz).date(), end.astimezone(self._tz).date()
            return replace(query, days=(first, after), hours=None)
        if daily_only:
            # Countries, devices, browsers and evidence are kept per local day only: the days
            # that hold the period answer (an hourly table for them would cost more than it tells).
            first = start.astimezone(self._tz).date()
            after = (end - timedelta(microseconds=1)).astimezone(self._tz).date() + timedelta(days=1)
            return replace(query, days=(first, after), hours=None)
        return replace(query, days=None, hours=(_floor_hour(start), _ceil_hour(end)))

    async def _total(self, i: Interpretation, base: Query) -> int:
        if i.metric is Metric.LINKS:
            return sum(v for _, v in await self._reader.links_created(base, start=i.start, end=i.end))
        if i.metric is Metric.UNIQUE_VISITORS:
            pairs = await self._reader.unique_visitors(replace(base, group="time"), start=i.start, end=i.end)
            return len({(self._local_day(at), h) for at, h in pairs})
        return sum(v for _, v in await self._reader.count(self._period(base, i.start, i.end)))

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self._tz).date()

    async def _rows(self, i: Interpretation, base: Query, now: datetime) -> tuple[Row, ...]:
        group = i.group_by
        assert group is not None
        if group.is_time:
            return await self._series(i, base, group, now)
        key = _GROUP_KEYS[group]
        query = replace(base, group=key)
        if i.metric is Metric.LINKS:
            pairs = await self._reader.links_created(query, start=i.start, end=i.end)
        elif i.metric is Metric.UNIQUE_VISITORS:
            visitor_pairs = await self._reader.unique_visitors(query, start=i.start, end=i.end)
            counts: dict[Any, int] = defaultdict(int)
            for k, _h in set(visitor_pairs):
                counts[k] += 1
            pairs = list(counts.items())
        else:
            pairs = await self._reader.count(self._period(query, i.start, i.end))
        pairs = [(k, v) for k, v in pairs if v]
        pairs.sort(key=lambda kv: (-kv[1], str(kv[0])))
        if i.top is not None:
            pairs = pairs[: i.top]
        labels = await self._labels(group, [str(k) for k, _ in pairs])
        return tuple(Row(str(k), labels.get(str(k), str(k) or "(none)"), v) for k, v in pairs)

    async def _labels(self, group: GroupBy, keys: list[str]) -> dict[str, str]:
        if group is GroupBy.CHANNEL:
            return {k: (c.label if (c := find_channel(k)) else k) for k in keys}
        if group is GroupBy.FETCHER:
            return {k: FETCHER_LABELS.get(k, k) for k in keys}
        if group is GroupBy.PAGE:
            return {k: urlsplit(k).path or "/" for k in keys}
        if group is GroupBy.LINK:
            targets = await self._reader.link_labels(keys)
            return {k: f"/{k} → {_short_target(t)}" for k, t in targets.items()}
        if group is GroupBy.SHARER:
            names = await self._reader.sharer_names([k for k in keys if k])
            return {k: f"{n} (@{k})" for k, n in names.items()} | {"": "(nobody)"}
        if group is GroupBy.CAMPAIGN:
            return {"": "(no campaign)"}
        if group is GroupBy.WORKSPACE:
            return {"": "(not from Slack)"}
        return {"": "(unknown)"}

    async def _series(self, i: Interpretation, base: Query, group: GroupBy, now: datetime) -> tuple[Row, ...]:
        moments = await self._moments(i, base, group)
        if self._executor is None:
            return self._fill_series(i, group, now, moments)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._fill_series, i, group, now, moments)

    def _fill_series(
        self, i: Interpretation, group: GroupBy, now: datetime, moments: Iterable[tuple[datetime, int]]
    ) -> tuple[Row, ...]:
        """Zero-filled buckets from (moment, count) pairs: pure CPU, safe to run off the loop."""
        buckets = self._buckets(group, i.start, i.end, now)
        totals: dict[datetime, int] = defaultdict(int)
        for moment, value in moments:
            totals[self._bucket_of(group, moment)] += value
        return tuple(Row(_bucket_key(group, b), _bucket_label(group, b), totals.get(b, 0)) for b in buckets)

    async def _moments(
        self, i: Interpretation, base: Query, group: GroupBy
    ) -> Iterable[tuple[datetime, int]]:
        """(local moment, count) pairs at the finest grain the source keeps."""
        query = replace(base, group="time")
        if i.metric is Metric.LINKS:
            return [
                (m.astimezone(self._tz), v)
                for m, v in await self._reader.links_created(query, start=i.start, end=i.end)
            ]
        if i.metric is Metric.UNIQUE_VISITORS:
            pairs = await self._reader.unique_visitors(query, start=i.start, end=i.end)
            per_day = {(self._local_day(at), h): at for at, h in pairs}
            grain = {(self._bucket_of(group, at.astimezone(self._tz)), h) for (_d, h), at in per_day.items()}
            counts: dict[datetime, int] = defaultdict(int)
            for bucket, _h in grain:
                counts[bucket] += 1
            return counts.items()
        hourly = group is GroupBy.HOUR
        rows = await self._reader.count(self._period(query, i.start, i.end, hourly=hourly))
        return [(self._as_local(k), v) for k, v in rows]

    def _as_local(self, key: date | datetime) -> datetime:
        if isinstance(key, datetime):
            return key.astimezone(self._tz)
        return _midnight(key, self._tz)

    def _bucket_of(self, group: GroupBy, local: datetime) -> datetime:
        local = local.astimezone(self._tz)
        if group is GroupBy.HOUR:
            return local.replace(minute=0, second=0, microsecond=0)
        day = local.date()
        if group is GroupBy.WEEK:
            day -= timedelta(days=day.weekday())
        elif group is GroupBy.MONTH:
            day = day.replace(day=1)
        return _midnight(day, self._tz)

    def _buckets(self, group: GroupBy, start: datetime, end: datetime, now: datetime) -> list[datetime]:
        """Every bucket from start up to the one holding `now` (future buckets are left out)."""
        last = min(end, max(now, start + timedelta(microseconds=1)))
        buckets: list[datetime] = []
        current = self._bucket_of(group, start)
        while current < last:
            buckets.append(current)
            current = self._next_bucket(group, current)

        return buckets

    def _next_bucket(self, group: GroupBy, bucket: datetime) -> datetime:
        if group is GroupBy.HOUR:
            return (bucket.astimezone(UTC) + timedelta(hours=1)).astimezone(self._tz)
        day = bucket.date()
        if group is GroupBy.DAY:
            day += timedelta(days=1)
        elif group is GroupBy.WEEK:
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return _midnight(day, self._tz)


def _short_target(target: str) -> str:
    parts = urlsplit(target)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path if parts.path != '/' else ''}"


def _bucket_key(group: GroupBy, bucket: datetime) -> str:
    return bucket.isoformat() if group is GroupBy.HOUR else bucket.date().isoformat()


def _bucket_label(group: GroupBy, bucket: datetime) -> str:
    if group is GroupBy.HOUR:
        return bucket.strftime("%a %H:00")
    if group is GroupBy.MONTH:
        return bucket.strftime("%b %Y")
    if group is GroupBy.WEEK:
        return "week of " + bucket.strftime("%-d %b")
    return bucket.strftime("%a %-d %b")
