"""The numbers of one dashboard page, read through the stats service (roll-ups, never raw visits).

One page asks about a dozen small questions at once (headline, series and
panels); they run concurrently and each reads the smallest roll-up that
answers it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime

from tracking.core.channels import CHANNELS, DARK_SOCIAL, Group, channels_in, find_channel
from tracking.core.errors import NotFound
from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row
from tracking.stats import StatsService
from tracking.web.dashboard.scope import Scope

TOP_ROWS = 10
#: Evidence a click can have, strongest first (the attribution panel always lists all of them).
CLICK_EVIDENCE = ("in-app-browser", "referrer", "recent-preview", "link-tag", "none")
#: Panels read as breakdowns of clicks, and the filter a clicked row of each adds.
PANEL_GROUPS = (
    GroupBy.CAMPAIGN,
    GroupBy.LINK,
    GroupBy.SHARER,
    GroupBy.COUNTRY,
    GroupBy.DEVICE,
    GroupBy.BROWSER,
)
PANEL_FILTERS: tuple[tuple[str, str | None], ...] = (
    ("campaigns", "campaign"),
    ("links", "link"),
    ("sharers", "sharer"),
    ("countries", "country"),
    ("devices", "device"),
    ("browsers", "browser"),
)
#: The dimension each per-day panel shows (such a panel is empty while another dimension filters).
PANEL_DIMENSIONS = {
    "countries": "country",
    "devices": "device",
    "browsers": "browser",
    "evidence": "evidence",
}
_GROUP_OF = {channel.name: channel.group for channel in CHANNELS}


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline number and the same number over the previous period."""

    key: str  # clicks, shares, visitors, dark
    value: float
    previous: float
    is_share: bool = False  # a fraction (dark-social share), compared in percentage points
    previous_defined: bool = True  # False when the previous period had nothing to take a share of
    pending: bool = False  # not counted with the page: the browser asks for it afterwards

    @property
    def change(self) -> float | None:
        """Relative change (0.25 = +25 %), or the difference for shares; None when undefined."""
        if self.is_share:
            return self.value - self.previous if self.previous_defined else None
        if self.previous == 0:
            return None
        return (self.value - self.previous) / self.previous


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One row of a panel; `filter` is the (parameter, value) clicking it adds, if it can filter."""

    key: str
    label: str
    value: int
    share: float
    filter: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ChannelGroup:
    """A channel group's total and its channels' rows."""

    group: Group
    value: int
    share: float
    rows: tuple[PanelRow, ...]


@dataclass(frozen=True, slots=True)
class Series:
    """Clicks and share events per time bucket; `grain` is hour, day, week or month."""

    grain: GroupBy
    keys: tuple[str, ...]
    clicks: tuple[int, ...]
    shares: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything one page shows."""

    scope: Scope
    figures: tuple[Figure, ...]
    series: Series
    channel_groups: tuple[ChannelGroup, ...]
    panels: dict[str, tuple[PanelRow, ...] | None]  # None: not read with the page (asked for after)
    question: Answer | None = None
    notes: tuple[str, ...] = field(default=())


def series_grain(scope: Scope) -> GroupBy:
    """Hours for a day or two, days up to a quarter, then weeks, then months."""
    if scope.days <= 2 and scope.dimension is None:  # dimensions are kept per day, not per hour
        return GroupBy.HOUR
    if scope.days <= 93:
        return GroupBy.DAY
    if scope.days <= 800:
        return GroupBy.WEEK
    return GroupBy.MONTH


def _rows(rows: tuple[Row, ...], total: int, param: str | None) -> tuple[PanelRow, ...]:
    denominator = total or 1
    return tuple(
        PanelRow(
            row.key,
            row.label,
            row.value,
            row.value / denominator,
            (param, row.key) if param and row.key else None,
        )
        for row in rows
        if row.value > 0
    )


def _channel_groups(answer: Answer) -> tuple[ChannelGroup, ...]:
    total = answer.total or 1
    by_group: dict[Group, list[Row]] = {}
    for row in answer.rows:
        by_group.setdefault(_GROUP_OF.get(row.key, Group.WEB), []).append(row)
    groups = [
        ChannelGroup(
            group=group,
            value=sum(row.value for row in rows),
            share=sum(row.value for row in rows) / total,
            rows=_rows(tuple(rows), answer.total, "channel"),
        )
        for group, rows in by_group.items()
    ]
    groups.sort(key=lambda g: (-g.value, g.group.value))
    return tuple(group for group in groups if group.value > 0)


def _evidence(rows: tuple[Row, ...]) -> tuple[PanelRow, ...]:
    found = {row.key: row.value for row in rows}
    keys = [*CLICK_EVIDENCE, *(k for k in found if k not in CLICK_EVIDENCE and found[k] > 0)]
    total = sum(max(found.get(k, 0), 0) for k in keys) or 1
    return tuple(
        PanelRow(k, k, value, value / total, ("evidence", k) if value > 0 else None)
        for k in keys
        if (value := max(found.get(k, 0), 0)) > 0 or k in CLICK_EVIDENCE
    )


def dark_channels(scope: Scope) -> tuple[str, ...]:
    """The dark-social channels the scope allows."""
    dark = channels_in(DARK_SOCIAL)
    return dark if scope.channels is None else tuple(c for c in dark if c in scope.channels)


#: Questions of one page asked at once: enough to overlap, few enough to reuse pooled connections
#: (SQLite's pool keeps 5; an overflow connection costs a thread and an open each time).
CONCURRENT_QUESTIONS = 2


class DashboardReader:
    """Builds a Dashboard from a Scope with one stats service."""

    def __init__(self, stats: StatsService) -> None:
        self._stats = stats
        self._slots = asyncio.Semaphore(CONCURRENT_QUESTIONS)

    async def _ask(self, interpretation: Interpretation, *, now: datetime) -> Answer:
        async with self._slots:
            return await self._stats.answer(interpretation, now=now)

    async def _rows(self, interpretation: Interpretation, *, now: datetime) -> tuple[Row, ...]:
        async with self._slots:
            return await self._stats.breakdown(interpretation, now=now)

    async def read(
        self, scope: Scope, *, now: datetime, visitors: bool = True, dimensions: bool = True
    ) -> Dashboard:
        """Every number of the page; a link or sharer nobody knows raises NotFound.

        Unique visitors are the one number counted from raw visits (a daily-salted hash cannot be
        rolled up); with `visitors=False` it is left for a second request so the page stays fast.
        With `dimensions=False` the country, device, browser and evidence panels are left out too
        (None): their roll-up keeps every link and channel, which is the slow read at millions of
        visits, so the page asks for them afterwards.
        """
        ask = self._ask

        async def rows(interpretation: Interpretation, *, now: datetime) -> tuple[Row, ...] | None:
            group = interpretation.group_by
            if not dimensions and group is not None and group.value in PANEL_DIMENSIONS.values():
                return None
            return await self._rows(interpretation, now=now)

        grain = series_grain(scope)
        dark = dark_channels(scope)

        async def unique_visitors() -> Answer | None:
            return await ask(scope.interpretation(Metric.UNIQUE_VISITORS), now=now) if visitors else None

        answers = asyncio.gather(
            ask(scope.interpretation(Metric.CLICKS, GroupBy.CHANNEL), now=now),
            ask(scope.interpretation(Metric.PREVIEWS, GroupBy.CHANNEL), now=now),
            ask(scope.interpretation(Metric.CLICKS, channels=dark), now=now),
        )
        breakdowns = asyncio.gather(
            rows(scope.interpretation(Metric.CLICKS, grain), now=now),
            rows(scope.interpretation(Metric.PREVIEWS, grain), now=now),
            *(
                rows(scope.interpretation(Metric.CLICKS, group, top=TOP_ROWS), now=now)
                for group in PANEL_GROUPS
            ),
            rows(scope.interpretation(Metric.CLICKS, GroupBy.EVIDENCE), now=now),
        )
        (clicks, shares, dark_clicks), found, unique = await asyncio.gather(
            answers, breakdowns, unique_visitors()
        )
        click_series, share_series, *panel_rows, evidence = found
        assert click_series is not None and share_series is not None
        if not dark:  # the filter leaves no dark-social channel: their clicks are none
            dark_clicks = replace(dark_clicks, total=0, previous_total=0)
        figures = (
            Figure("clicks", clicks.total, clicks.previous_total),
            Figure("shares", shares.total, shares.previous_total),
            Figure("visitors", unique.total, unique.previous_total)
            if unique is not None
            else Figure("visitors", 0, 0, pending=True),
            Figure(
                "dark",
                dark_clicks.total / clicks.total if clicks.total else 0.0,
                dark_clicks.previous_total / clicks.previous_total if clicks.previous_total else 0.0,
                is_share=True,
                previous_defined=clicks.previous_total > 0,
            ),
        )
        series = Series(
            grain=grain,
            keys=tuple(row.key for row in click_series),
            clicks=tuple(row.value for row in click_series),
            shares=tuple(row.value for row in share_series),
        )
        panels = {
            "apps": _rows(shares.rows, shares.total, "channel"),
            **{
                name: None if found_rows is None else _rows(found_rows, clicks.total, param)
                for (name, param), found_rows in zip(PANEL_FILTERS, panel_rows, strict=True)
            },
            "evidence": None if evidence is None else _evidence(evidence),
        }
        return Dashboard(
            scope=scope,
            figures=figures,
            series=series,
            channel_groups=_channel_groups(clicks),
            panels=panels,
            notes=unique.notes if unique is not None else (),
        )


def channel_label(name: str) -> str:
    """A channel's display name (its own name when unknown)."""
    found = find_channel(name)
    return found.label if found else name


__all__ = ["Dashboard", "DashboardReader", "NotFound", "channel_label"]
