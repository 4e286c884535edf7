"""The SQL link repository: the core's LinkRepository on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from tracking.core.links import Link, NewLink, Sharer, SharerRef, handle_candidates
from tracking.core.ports import DuplicateLink, SlugCollision
from tracking.core.urls import canonical_host
from tracking.storage.link_events import notify_link_changed
from tracking.storage.tables import LinkRow, SharerRow


def _now() -> datetime:
    return datetime.now(UTC)


def to_link(row: LinkRow) -> Link:
    """A table row as the core's Link."""
    assert row.id is not None
    return Link(
        id=row.id,
        slug=row.slug,
        target=row.target,
        tagged_target=row.tagged_target,
        channel=row.channel,
        campaign=row.campaign,
        sharer_id=row.sharer_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        disabled=row.disabled,
        max_clicks=row.max_clicks,
        clicks=row.clicks,
    )


def _to_sharer(row: SharerRow) -> Sharer:
    assert row.id is not None
    return Sharer(
        id=row.id,
        platform=row.platform,
        external_id=row.external_id,
        display_name=row.display_name,
        handle=row.handle,
    )


class SqlLinkRepository:
    """Links and sharers in SQL; unique indexes, not look-ups, decide conflicts."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] = _now) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    async def get_by_slug(self, slug: str) -> Link | None:
        async with self._sessions() as session:
            row = (
                await session.execute(select(LinkRow).where(col(LinkRow.slug) == slug))
            ).scalar_one_or_none()
            return to_link(row) if row else None

    async def get_by_id(self, link_id: int) -> Link | None:
        """A link by its numeric id."""
        async with self._sessions() as session:
            row = await session.get(LinkRow, link_id)
            return to_link(row) if row else None

    async def get_by_dedupe_key(self, key: str) -> Link | None:
        async with self._sessions() as session:
            query = select(LinkRow).where(col(LinkRow.dedupe_key) == key)
            row = (await session.execute(query)).scalar_one_or_none()
            return to_link(row) if row else None

    async def insert_link(self, link: NewLink) -> Link:
        row = LinkRow(
            slug=link.slug,
            target=link.target,
            tagged_target=link.tagged_target,
            target_host=canonical_host(urlsplit(link.target).hostname or ""),
            channel=link.channel,
            campaign=link.campaign,
            sharer_id=link.sharer_id,
            dedupe_key=link.dedupe_key,
            custom_slug=link.custom_slug,
            created_at=link.created_at,
            updated_at=link.created_at,
            expires_at=link.expires_at,
            max_clicks=link.max_clicks,
        )
        async with self._sessions() as session:
            # Imported here: the outbox pulls in the attribution rules, which `lantern shorten`
            # and `lantern stats` would otherwise load at start for nothing (docs/benchmarks.md).
            from tracking.storage.outbox import link_created_event

            session.add(row)
            try:
                await session.flush()
                await session.execute(link_created_event(row))
                await session.commit()
            except IntegrityError:
                await session.rollback()
                raise await self._conflict(session, link) from None
            return to_link(row)

    async def _conflict(self, session: AsyncSession, link: NewLink) -> Exception:
        """Tell which unique index refused an insert, by asking the database after the fact."""
        taken = (await session.execute(select(col(LinkRow.id)).where(col(LinkRow.slug) == link.slug))).first()
        if taken is not None:
            return SlugCollision(link.slug)
        return DuplicateLink(link.dedupe_key)

    async def release_dedupe_key(self, link_id: int) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(LinkRow)
                .where(col(LinkRow.id) == link_id)
                .values(dedupe_key=None, updated_at=self._clock())
            )
            await session.commit()

    async def set_disabled(self, slug: str, *, disabled: bool) -> Link | None:
        async with self._sessions() as session:
            row = (
                await session.execute(select(LinkRow).where(col(LinkRow.slug) == slug))
            ).scalar_one_or_none()
            if row is None:
                return None
            row.disabled = disabled
            row.updated_at = self._clock()
            await notify_link_changed(session, slug)
            await session.commit()
            return to_link(row)

    async def get_or_create_sharer(self, ref: SharerRef) -> Sharer:
        identity = (col(SharerRow.platform) == ref.platform) & (col(SharerRow.external_id) == ref.external_id)
        async with self._sessions() as session:
            row = (await session.execute(select(SharerRow).where(identity))).scalar_one_or_none()
            if row is not None:
                changed = False
                if row.display_name != ref.display_name and ref.display_name:
                    row.display_name, changed = ref.display_name[:256], True
                if ref.workspace and row.workspace != ref.workspace:
                    row.workspace, changed = ref.workspace[:32], True
                if changed:
                    await session.commit()
                return _to_sharer(row)
            for handle in handle_candidates(ref):
                row = SharerRow(
                    platform=ref.platform,
                    external_id=ref.external_id,
                    display_name=ref.display_name[:256],
                    handle=handle,
                    created_at=self._clock(),
                    workspace=ref.workspace[:32] if ref.workspace else None,
                )
                session.add(row)
                try:
                    await session.commit()
                    return _to_sharer(row)
                except IntegrityError:
                    await session.rollback()
                    raced = (await session.execute(select(SharerRow).where(identity))).scalar_one_or_none()
                    if raced is not None:
                        return _to_sharer(raced)
        raise RuntimeError(f"no free handle for sharer {ref.display_name!r}")

    async def reserve_click(self, link_id: int) -> bool:
        """Count one click against max_clicks atomically; False when the limit is reached."""
        async with self._sessions() as session:
            result = await session.execute(
                update(LinkRow)
                .where(col(LinkRow.id) == link_id)
                .where(col(LinkRow.max_clicks).is_(None) | (col(LinkRow.clicks) < col(LinkRow.max_clicks)))
                .values(clicks=col(LinkRow.clicks) + 1)
            )
            await session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]
