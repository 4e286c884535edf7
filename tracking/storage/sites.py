"""Registered sites, their pages as pseudo-links, and share tokens, in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col

from tracking.core.errors import InvalidInput, NotFound
from tracking.core.links import Link, NewLink
from tracking.core.ports import DuplicateLink, SlugCollision
from tracking.core.sites import Site, new_site_key, page_slug
from tracking.storage.links import SqlLinkRepository
from tracking.storage.site_tables import PageTokenRow, SiteRow


def _site(row: SiteRow) -> Site:
    assert row.id is not None
    return Site(id=row.id, origin=row.origin, key=row.key)


class SqlSites:
    """Sites for `lantern site …`, and what `/collect` needs: a site by key, a page's link, tokens."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock
        self._links = SqlLinkRepository(engine, clock=clock)

    async def add(self, origin: str) -> Site:
        """Register an origin (once) with a fresh key."""
        row = SiteRow(origin=origin, key=new_site_key(), created_at=self._clock())
        async with self._sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                raise InvalidInput(
                    f"{origin} is registered already; `lantern site list` shows its tag"
                ) from None
            return _site(row)

    async def all(self) -> list[Site]:
        """Every registered site, oldest first."""
        async with self._sessions() as session:
            rows = (await session.execute(select(SiteRow).order_by(col(SiteRow.id)))).scalars()
            return [_site(row) for row in rows]

    async def remove(self, origin: str) -> Site:
        """Stop accepting beacons from an origin (its pages' numbers stay)."""
        async with self._sessions() as session:
            row = (
                await session.execute(select(SiteRow).where(col(SiteRow.origin) == origin))
            ).scalar_one_or_none()
            if row is None:
                raise NotFound(f"no site {origin}; `lantern site list` shows them")
            site = _site(row)
            await session.execute(delete(PageTokenRow).where(col(PageTokenRow.site_id) == site.id))
            await session.execute(delete(SiteRow).where(col(SiteRow.id) == site.id))
            await session.commit()
            return site

    async def by_key(self, key: str) -> Site | None:
        """The site a tag's key names, if it is registered."""
        async with self._sessions() as session:
            row = (await session.execute(select(SiteRow).where(col(SiteRow.key) == key))).scalar_one_or_none()
            return _site(row) if row else None

    async def page_link(self, site: Site, path: str) -> Link:
        """The pseudo-link of a page, made the first time the page is seen (races end in one row)."""
        slug = page_slug(site.key, path)
        existing = await self._links.get_by_slug(slug)
        if existing is not None:
            return existing
        target = f"{site.origin}{path}"
        now = self._clock()
        new = NewLink(
            slug=slug,
            target=target,
            tagged_target=target,
            channel=None,
            campaign=None,
            sharer_id=None,
            dedupe_key=None,
            created_at=now,
            expires_at=None,
            max_clicks=None,
            custom_slug=False,
        )
        try:
            return await self._links.insert_link(new)
        except (SlugCollision, DuplicateLink):
            found = await self._links.get_by_slug(slug)
            assert found is not None
            return found

    async def first_arrival(self, *, site: Site, token: str, link_id: int, at: datetime) -> bool:
        """Count a token's arrival; True only the first time it is seen (a new copy share)."""
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(PageTokenRow)
            .values(site_id=site.id, token=token, link_id=link_id, first_seen=at, arrivals=1)
            .on_conflict_do_nothing(index_elements=["site_id", "token"])
        )
        async with self._sessions() as session:
            result = await session.execute(statement)
            inserted = bool(getattr(result, "rowcount", 0))
            if not inserted:
                await session.execute(
                    update(PageTokenRow)
                    .where(col(PageTokenRow.site_id) == site.id, col(PageTokenRow.token) == token)
                    .values(arrivals=col(PageTokenRow.arrivals) + 1)
                )
            await session.commit()
            return inserted

    async def copies(self, *, start: datetime, end: datetime) -> int:
        """Copied addresses first seen in [start, end)."""
        statement = (
            select(func.count())
            .select_from(PageTokenRow)
            .where(col(PageTokenRow.first_seen) >= start, col(PageTokenRow.first_seen) < end)
        )
        async with self._sessions() as session:
            return int((await session.execute(statement)).scalar_one())


def page_path(target: str) -> str:
    """A page link's path, as stats label it."""
    return urlsplit(target).path or "/"
