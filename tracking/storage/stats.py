"""Reading the numbers behind an answer: roll-ups for counts, raw visits only for unique visitors.

Every query returns (key, value) pairs; turning them into labelled,
zero-filled rows in the configured time zone is the stats service's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.core.sites import PAGE_SLUG_PREFIX
from tracking.core.stats_query import DIMENSION_GROUPS, Query
from tracking.storage.site_tables import SiteRow
from tracking.storage.tables import (
    LinkRow,
    RollupDailyLinkRow,
    RollupDailyRow,
    RollupDailyTotalRow,
    RollupDimensionRow,
    RollupHourlyRow,
    SharerRow,
    VisitRow,
)

_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
_SHARERS: Table = SharerRow.__table__  # type: ignore[attr-defined]
_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_HOURLY: Table = RollupHourlyRow.__table__  # type: ignore[attr-defined]
_DAILY: Table = RollupDailyRow.__table__  # type: ignore[attr-defined]
_DIMS: Table = RollupDimensionRow.__table__  # type: ignore[attr-defined]
_TOTALS: Table = RollupDailyTotalRow.__table__  # type: ignore[attr-defined]
_LINK_DAYS: Table = RollupDailyLinkRow.__table__  # type: ignore[attr-defined]

#: Groupings answered from the links table (through a join), and the column each reads.
_LINK_GROUPS = {
    "campaign": _LINKS.c.campaign,
    "link": _LINKS.c.slug,
    "sharer": _SHARERS.c.handle,
    "workspace": _SHARERS.c.workspace,
    "page": _LINKS.c.target,  # pages are pseudo-links (slug "~…") whose target is the page's address
}
_SITES: Table = SiteRow.__table__  # type: ignore[attr-defined]


def _link_level(query: Query) -> bool:
    return query.group in _LINK_GROUPS or any(
        value is not None
        for value in (query.link_id, query.campaign, query.sharer_id, query.domain, query.page)
    )


def choose_table(query: Query) -> Table:
    """The smallest roll-up that can answer: per channel over all links, per link over all
    channels, or the full grain; hours and dimensions have their own tables."""
    if query.group in DIMENSION_GROUPS or query.dimension is not None:
        return _DIMS
    if not query.days:
        return _HOURLY
    channel_level = query.channels is not None or query.group == "channel"
    if not _link_level(query):
        return _TOTALS
    if not channel_level:
        return _LINK_DAYS
    return _DAILY


class SqlStatsReader:
    """Answers Query objects from the roll-up tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _all(self, statement: Select[Any]) -> list[tuple[Any, int]]:
        async with self._engine.connect() as connection:
            return [(key, int(value or 0)) for key, value in (await connection.execute(statement)).all()]

    async def count(self, query: Query) -> list[tuple[Any, int]]:
        """Visit counts from the roll-ups: [(group key, count)], or [(None, total)] ungrouped."""
        table = choose_table(query)
        conditions = self._conditions(table, query)
        if (
            query.dimension is not None
            and query.group in DIMENSION_GROUPS
            and query.group != query.dimension[0]
        ):
            return []  # one dimension per row: a country's visits are not kept by browser
        if query.dimension is not None:
            conditions += [table.c.dimension == query.dimension[0], table.c.value == query.dimension[1]]
        elif query.group in DIMENSION_GROUPS:
            conditions.append(table.c.dimension == query.group)
        if query.group in _LINK_GROUPS:
            # Sum per link first, then name the (few) links: the join never sees every row.
            per_link = (
                select(table.c.link_id, func.sum(table.c.visits).label("visits"))
                .where(and_(*conditions))
                .group_by(table.c.link_id)
                .subquery()
            )
            name = func.coalesce(_LINK_GROUPS[query.group], "").label("key")
            joined = per_link.join(_LINKS, _LINKS.c.id == per_link.c.link_id).outerjoin(
                _SHARERS, _SHARERS.c.id == _LINKS.c.sharer_id
            )
            return await self._all(
                select(name, func.sum(per_link.c.visits)).select_from(joined).group_by(name)
            )
        key = self._group_key(table, query)
        statement = select(key, func.sum(table.c.visits)).where(and_(*conditions))
        if query.group is not None:
            statement = statement.group_by(key)

        return await self._all(statement)

    def _group_key(self, table: Table, query: Query) -> ColumnElement[Any]:
        if query.group is None:
            return literal(None).label("key")
        if query.group == "time":
            return (table.c.day if query.days else table.c.hour).label("key")
        if query.group == "channel":
            return table.c.channel.label("key")
        if query.group in DIMENSION_GROUPS:
            return table.c.value.label("key")
        return func.coalesce(_LINK_GROUPS[query.group], "").label("key")

    def _conditions(self, table: Table, query: Query) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.days:
            conditions += [table.c.day >= query.days[0], table.c.day < query.days[1]]
        elif query.hours:
            conditions += [table.c.hour >= query.hours[0], table.c.hour < query.hours[1]]
        if query.kinds is not None:
            conditions.append(table.c.kind.in_(query.kinds))
        if query.channels is not None:
            conditions.append(table.c.channel.in_(query.channels))
        links = self._link_filter(query)
        if links is not None:
            conditions.append(table.c.link_id.in_(select(_LINKS.c.id).where(links)))
        return conditions

    @staticmethod
    def _link_filter(query: Query) -> ColumnElement[bool] | None:
        parts: list[ColumnElement[bool]] = []
        if query.link_id is not None:
            parts.append(_LINKS.c.id == query.link_id)
        if query.page is not None or query.group == "page":
            parts.append(_LINKS.c.slug.like(PAGE_SLUG_PREFIX + "%"))
        if query.page:  # "" is every page
            parts.append(_LINKS.c.target.in_(select(_SITES.c.origin + literal(query.page))))
        if query.campaign is not None:
            parts.append(_LINKS.c.campaign == query.campaign)
        if query.sharer_id is not None:
            parts.append(_LINKS.c.sharer_id == query.sharer_id)
        if query.domain is not None:
            parts.append(
                or_(_LINKS.c.target_host == query.domain, _LINKS.c.target_host.like("%." + query.domain))
            )
        return and_(*parts) if parts else None

    async def unique_visitors(self, query: Query, *, start: datetime, end: datetime) -> list[tuple[Any, str]]:
        """(group key or visit time, visitor hash) pairs of clicks: uniques are counted by the caller."""
        key: ColumnElement[Any]
        if query.group in _LINK_GROUPS:
            key = func.coalesce(_LINK_GROUPS[query.group], "")
        elif query.group in ("channel", *DIMENSION_GROUPS):
            key = _VISITS.c[query.group]
        else:
            key = _VISITS.c.at
        statement = (
            select(key, _VISITS.c.visitor_hash)
            .distinct()
            .where(
                _VISITS.c.at >= start,
                _VISITS.c.at < end,
                _VISITS.c.kind == "click",
                _VISITS.c.visitor_hash.is_not(None),
            )
        )
        if query.group in _LINK_GROUPS:
            statement = statement.select_from(
                _VISITS.join(_LINKS, _LINKS.c.id == _VISITS.c.link_id).outerjoin(
                    _SHARERS, _SHARERS.c.id == _LINKS.c.sharer_id
                )
            )
        if query.channels is not None:
            statement = statement.where(_VISITS.c.channel.in_(query.channels))
        if query.dimension is not None:
            column, value = _VISITS.c[query.dimension[0]], query.dimension[1]
            statement = statement.where(column == value if value else column.is_(None))
        links = self._link_filter(query)
        if links is not None:
            statement = statement.where(_VISITS.c.link_id.in_(select(_LINKS.c.id).where(links)))
        async with self._engine.connect() as connection:
            return [(k, str(h)) for k, h in (await connection.execute(statement)).all()]

    async def links_created(self, query: Query, *, start: datetime, end: datetime) -> list[tuple[Any, int]]:
        """Links created in [start, end), grouped by creation time or a link attribute."""
        key: ColumnElement[Any]
        if query.group == "time":
            key = _LINKS.c.created_at
        elif query.group == "channel":
            key = func.coalesce(_LINKS.c.channel, "direct")
        elif query.group in _LINK_GROUPS:
            key = func.coalesce(_LINK_GROUPS[query.group], "")
        else:
            key = literal(None)
        statement = (
            select(key.label("key"), func.count())
            .select_from(_LINKS.outerjoin(_SHARERS, _SHARERS.c.id == _LINKS.c.sharer_id))
            .where(_LINKS.c.created_at >= start, _LINKS.c.created_at < end)
        )
        if query.channels is not None:
            statement = statement.where(_LINKS.c.channel.in_(query.channels))
        links = self._link_filter(query)
        if links is not None:
            statement = statement.where(links)
        return await self._all(statement.group_by(key))

    async def find_sharer(self, name: str) -> int | None:
        """A sharer by handle or display name, case-insensitively."""
        lowered = name.lower()
        statement = (
            select(_SHARERS.c.id)
            .where(
                or_(func.lower(_SHARERS.c.handle) == lowered, func.lower(_SHARERS.c.display_name) == lowered)
            )
            .limit(1)
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(statement)).scalar_one_or_none()

    async def link_labels(self, slugs: Sequence[str]) -> dict[str, str]:
        """Slug → target host and path, to label link rows."""
        if not slugs:
            return {}
        statement = select(_LINKS.c.slug, _LINKS.c.target).where(_LINKS.c.slug.in_(list(slugs)))
        async with self._engine.connect() as connection:
            return dict((await connection.execute(statement)).tuples().all())

    async def sharer_names(self, handles: Sequence[str]) -> dict[str, str]:
        """Handle → display name, to label sharer rows."""
        if not handles:
            return {}
        statement = select(_SHARERS.c.handle, _SHARERS.c.display_name).where(
            _SHARERS.c.handle.in_(list(handles))
        )
        async with self._engine.connect() as connection:
            return dict((await connection.execute(statement)).tuples().all())
