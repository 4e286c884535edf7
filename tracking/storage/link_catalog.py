"""Links as a person browsing them sees them: each with its sharer and its counts.

`lantern links list` and `lantern links show` read this. Counts come from
the daily per-link roll-ups (never from raw visits), so they survive
`lantern prune` and cost the same however many visits a link has had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, Table, desc, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import Label

from tracking.core.links import Link
from tracking.storage.links import to_link
from tracking.storage.tables import LinkRow, RollupDailyLinkRow, SharerRow

_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
_SHARERS: Table = SharerRow.__table__  # type: ignore[attr-defined]
_LINK_DAYS: Table = RollupDailyLinkRow.__table__  # type: ignore[attr-defined]

SortOrder = Literal["created", "clicks"]


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One link with who made it and how often it was clicked, previewed and fetched by bots."""

    link: Link
    sharer_handle: str | None
    sharer_name: str | None
    clicks: int
    previews: int
    bots: int


def _counts() -> Select[Any]:
    """Per link: visits of each kind over all time, from the daily roll-ups."""

    def kind_total(kind: str) -> Label[Any]:
        return func.coalesce(func.sum(_LINK_DAYS.c.visits).filter(_LINK_DAYS.c.kind == kind), 0).label(
            f"{kind}s"
        )

    return select(
        _LINK_DAYS.c.link_id, kind_total("click"), kind_total("preview"), kind_total("bot")
    ).group_by(_LINK_DAYS.c.link_id)


class SqlLinkCatalog:
    """Reads links for people to browse; never writes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def _select(self) -> Select[Any]:
        counts = _counts().subquery("counts")
        return (
            select(
                *_LINKS.c,
                _SHARERS.c.handle.label("sharer_handle"),
                _SHARERS.c.display_name.label("sharer_name"),
                func.coalesce(counts.c.clicks, 0).label("n_clicks"),
                func.coalesce(counts.c.previews, 0).label("n_previews"),
                func.coalesce(counts.c.bots, 0).label("n_bots"),
            )
            .select_from(_LINKS)
            .outerjoin(_SHARERS, _SHARERS.c.id == _LINKS.c.sharer_id)
            .outerjoin(counts, counts.c.link_id == _LINKS.c.id)
        )

    async def entries(
        self,
        *,
        channel: str | None = None,
        campaign: str | None = None,
        sharer: str | None = None,
        order: SortOrder = "created",
        limit: int = 50,
    ) -> list[CatalogEntry]:
        """Links matching every filter given; newest first, or most clicked first."""
        statement = self._select()
        if channel is not None:
            statement = statement.where(_LINKS.c.channel == channel)
        if campaign is not None:
            statement = statement.where(_LINKS.c.campaign == campaign)
        if sharer is not None:
            name = sharer.removeprefix("@").lower()
            statement = statement.where(
                or_(func.lower(_SHARERS.c.handle) == name, func.lower(_SHARERS.c.display_name) == name)
            )
        if order == "clicks":
            statement = statement.order_by(desc("n_clicks"))
        statement = statement.order_by(_LINKS.c.created_at.desc(), _LINKS.c.id.desc()).limit(limit)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).mappings().all()
        return [_entry(row) for row in rows]

    async def entry(self, *, slug: str) -> CatalogEntry | None:
        """One link by slug, or None."""
        statement = self._select().where(_LINKS.c.slug == slug)
        async with self._engine.connect() as connection:
            row = (await connection.execute(statement)).mappings().first()
        return _entry(row) if row is not None else None


def _entry(row: object) -> CatalogEntry:
    values = dict(row)  # type: ignore[call-overload]
    link_row = LinkRow(**{column.name: values[column.name] for column in _LINKS.c})
    return CatalogEntry(
        link=to_link(link_row),
        sharer_handle=values["sharer_handle"],
        sharer_name=values["sharer_name"],
        clicks=int(values["n_clicks"]),
        previews=int(values["n_previews"]),
        bots=int(values["n_bots"]),
    )
