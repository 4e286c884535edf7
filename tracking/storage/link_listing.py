"""Finding links for the dashboard's list: search, filters and totals from the per-link roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.core.dashboard import LinkSearch, ListedLink
from tracking.storage.links import to_link
from tracking.storage.tables import LinkRow, RollupDailyLinkRow, SharerRow

_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
_SHARERS: Table = SharerRow.__table__  # type: ignore[attr-defined]
_LINK_DAYS: Table = RollupDailyLinkRow.__table__  # type: ignore[attr-defined]


class SqlLinkListing:
    """Reads the link list; totals come from `rollup_daily_links`, never from raw visits."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def search(self, search: LinkSearch, *, now: datetime) -> tuple[list[ListedLink], int]:
        """One page of links and how many match in all."""
        totals = (
            select(
                _LINK_DAYS.c.link_id,
                func.sum(_LINK_DAYS.c.visits).filter(_LINK_DAYS.c.kind == "click").label("clicks"),
                func.sum(_LINK_DAYS.c.visits).filter(_LINK_DAYS.c.kind == "preview").label("shares"),
            )
            .group_by(_LINK_DAYS.c.link_id)
            .subquery()
        )
        conditions: list[Any] = []
        if search.text:
            pattern = "%" + search.text.lower().replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
            conditions.append(
                or_(
                    func.lower(_LINKS.c.slug).like(pattern, escape="\\"),
                    func.lower(_LINKS.c.target).like(pattern, escape="\\"),
                    func.lower(func.coalesce(_LINKS.c.campaign, "")).like(pattern, escape="\\"),
                )
            )
        if search.channel:
            conditions.append(_LINKS.c.channel == search.channel)
        if search.campaign:
            conditions.append(_LINKS.c.campaign == search.campaign)
        if search.state == "active":
            conditions += [
                _LINKS.c.disabled.is_(False),
                or_(_LINKS.c.expires_at.is_(None), _LINKS.c.expires_at > now),
            ]
        elif search.state == "disabled":
            conditions.append(_LINKS.c.disabled.is_(True))
        elif search.state == "expired":
            conditions.append(and_(_LINKS.c.expires_at.is_not(None), _LINKS.c.expires_at <= now))
        where = and_(*conditions) if conditions else and_(True)
        clicks = func.coalesce(totals.c.clicks, 0)
        order = {
            "clicks": (clicks.desc(), _LINKS.c.id.desc()),
            "newest": (_LINKS.c.id.desc(),),
            "oldest": (_LINKS.c.id.asc(),),
            "slug": (_LINKS.c.slug.asc(),),
        }[search.sort]
        statement = (
            select(_LINKS, clicks.label("total_clicks"), func.coalesce(totals.c.shares, 0), _SHARERS.c.handle)
            .select_from(
                _LINKS.outerjoin(totals, totals.c.link_id == _LINKS.c.id).outerjoin(
                    _SHARERS, _SHARERS.c.id == _LINKS.c.sharer_id
                )
            )
            .where(where)
            .order_by(*order)
            .limit(search.limit)
            .offset(search.offset)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
            count = (
                await connection.execute(select(func.count()).select_from(_LINKS).where(where))
            ).scalar_one()
        listed = []
        for row in rows:
            values = row._mapping
            link_row = LinkRow(**{column.name: values[column] for column in _LINKS.columns})
            listed.append(ListedLink(to_link(link_row), int(row[-3] or 0), int(row[-2] or 0), row[-1]))
        return listed, int(count)

    async def campaigns(self) -> list[str]:
        """Every campaign name in use, for the filter's choices."""
        statement = (
            select(_LINKS.c.campaign)
            .where(_LINKS.c.campaign.is_not(None))
            .distinct()
            .order_by(_LINKS.c.campaign)
        )
        async with self._engine.connect() as connection:
            return [name for (name,) in (await connection.execute(statement)).all()]
