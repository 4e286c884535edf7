"""The outbox, webhooks and deliveries in SQL.

Claims are leases taken by one conditional UPDATE: the lease condition is
part of the UPDATE's own WHERE, so PostgreSQL re-checks it on the row it
locks and two workers (or hosts) never hold the same event or delivery;
a worker killed mid-way simply lets its lease run out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, and_, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col

from tracking.core.errors import InvalidInput, NotFound
from tracking.core.forwarding.events import EventName, new_event_id
from tracking.core.forwarding.outbox import Delivery, NewDelivery, PendingEvent, Webhook
from tracking.storage.outbox_tables import DeliveryRow, OutboxRow, WebhookRow
from tracking.storage.tables import LinkRow, SharerRow
from tracking.storage.types import UtcDateTime


def _webhook(row: WebhookRow, *, with_secret: bool = False) -> Webhook:
    assert row.id is not None
    return Webhook(
        id=row.id,
        url=row.url,
        events=tuple(part for part in row.events.split(",") if part),
        created_at=row.created_at,
        disabled=row.disabled,
        disabled_reason=row.disabled_reason,
        failures_in_row=row.failures_in_row,
        owner_chat=row.owner_chat,
        secret=row.secret if with_secret else "",
    )


def _delivery(row: DeliveryRow) -> Delivery:
    assert row.id is not None
    return Delivery(
        id=row.id,
        destination=row.destination,
        webhook_id=row.webhook_id,
        event_id=row.event_id,
        event=row.event,
        created_at=row.created_at,
        body=row.body,
        group_key=row.group_key,
        status=row.status,
        attempts=row.attempts,
        last_status=row.last_status,
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at,
        delivered_at=row.delivered_at,
    )


def link_created_event(row: LinkRow) -> Insert:
    """The `link.created` outbox row for a link being inserted, written only while a webhook listens."""
    listening = exists(select(col(WebhookRow.id)).where(col(WebhookRow.disabled).is_(False)))
    values = select(
        literal(new_event_id()),
        literal(EventName.LINK_CREATED.value),
        literal(row.id),
        literal(row.created_at, UtcDateTime()),
        literal("{}"),
        literal(False),
    ).where(listening)
    columns = ["event_id", "event", "link_id", "at", "data", "dispatched"]
    return insert(OutboxRow).from_select(columns, values)


class SqlOutbox:
    """Everything the forwarder and `lantern webhook …` read and write."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    # --- webhooks -------------------------------------------------------------------------

    async def add_webhook(
        self, *, url: str, secret: str, events: Sequence[EventName], owner_chat: str | None = None
    ) -> Webhook:
        """Store a receiver; a URL can be registered once."""
        row = WebhookRow(
            url=url,
            secret=secret,
            events=",".join(event.value for event in events),
            created_at=self._clock(),
            owner_chat=owner_chat,
        )
        async with self._sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                raise InvalidInput(f"a webhook for {url} exists already; remove it first") from None
            return _webhook(row)

    async def webhooks(self, *, with_secrets: bool = False) -> list[Webhook]:
        """Every receiver, oldest first."""
        async with self._sessions() as session:
            rows = (await session.execute(select(WebhookRow).order_by(col(WebhookRow.id)))).scalars()
            return [_webhook(row, with_secret=with_secrets) for row in rows]

    async def webhook(self, url_or_id: str, *, with_secret: bool = False) -> Webhook:
        """One receiver by its URL or its number; NotFound names what was asked for."""
        condition = col(WebhookRow.url) == url_or_id
        if url_or_id.isdigit():
            condition = or_(condition, col(WebhookRow.id) == int(url_or_id))
        async with self._sessions() as session:
            row = (await session.execute(select(WebhookRow).where(condition))).scalars().first()
        if row is None:
            raise NotFound(f"no webhook {url_or_id!r}; `lantern webhook list` shows them")
        return _webhook(row, with_secret=with_secret)

    async def remove_webhook(self, url_or_id: str) -> Webhook:
        """Forget a receiver and its deliveries."""
        hook = await self.webhook(url_or_id)
        async with self._sessions() as session:
            await session.execute(delete(DeliveryRow).where(col(DeliveryRow.webhook_id) == hook.id))
            await session.execute(delete(WebhookRow).where(col(WebhookRow.id) == hook.id))
            await session.commit()
        return hook

    async def set_webhook_disabled(self, webhook_id: int, *, disabled: bool, reason: str | None) -> None:
        """Switch a receiver off (with why) or back on (its failure count starts again)."""
        values: dict[str, Any] = {"disabled": disabled, "disabled_reason": reason}
        if not disabled:
            values["failures_in_row"] = 0
        async with self._sessions() as session:
            await session.execute(update(WebhookRow).where(col(WebhookRow.id) == webhook_id).values(**values))
            await session.commit()

    async def webhook_result(self, webhook_id: int, *, ok: bool) -> int:
        """Count a delivery's outcome for its receiver; returns its failures in a row."""
        async with self._sessions() as session:
            column = col(WebhookRow.failures_in_row)
            await session.execute(
                update(WebhookRow)
                .where(col(WebhookRow.id) == webhook_id)
                .values(failures_in_row=0 if ok else column + 1)
            )
            failures = (
                await session.execute(select(column).where(col(WebhookRow.id) == webhook_id))
            ).scalar_one_or_none()
            await session.commit()
        return int(failures or 0)

    # --- the outbox ------------------------------------------------------------------------

    async def add_event(
        self,
        *,
        event: EventName | str,
        link_id: int | None,
        at: datetime,
        data: dict[str, Any],
        event_id: str,
    ) -> None:
        """An event raised outside a visit batch (e.g. `lantern webhook test`)."""
        async with self._sessions() as session:
            session.add(
                OutboxRow(event_id=event_id, event=str(event), link_id=link_id, at=at, data=json.dumps(data))
            )
            await session.commit()

    async def claim_events(self, *, limit: int, lease: timedelta) -> list[PendingEvent]:
        """Take up to `limit` events not yet fanned out, for `lease`."""
        now = self._clock()
        token = uuid.uuid4().hex
        free = or_(col(OutboxRow.claim_until).is_(None), col(OutboxRow.claim_until) < now)
        candidates = (
            select(col(OutboxRow.id))
            .where(col(OutboxRow.dispatched).is_(False), free)
            .order_by(col(OutboxRow.id))
            .limit(limit)
        )
        async with self._sessions() as session:
            ids = list((await session.execute(candidates)).scalars())
            if not ids:  # the idle poll only reads, so it never takes SQLite's write lock
                return []
            await session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id).in_(ids), col(OutboxRow.dispatched).is_(False), free)
                .values(claim=token, claim_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            rows = (
                await session.execute(
                    select(OutboxRow).where(col(OutboxRow.claim) == token).order_by(col(OutboxRow.id))
                )
            ).scalars()
            return [
                PendingEvent(
                    id=row.id or 0,
                    event_id=row.event_id,
                    event=row.event,
                    link_id=row.link_id,
                    at=row.at,
                    data=json.loads(row.data),
                )
                for row in rows
            ]

    async def dispatch(self, events: Sequence[PendingEvent], deliveries: Sequence[NewDelivery]) -> None:
        """Store the events' deliveries and mark them fanned out, atomically (a retry adds none twice)."""
        if not events:
            return
        now = self._clock()
        async with self._sessions() as session:
            if deliveries:
                dialect = self._engine.dialect.name
                insert = pg_insert if dialect == "postgresql" else sqlite_insert
                rows = [
                    {
                        "destination": d.destination,
                        "webhook_id": d.webhook_id,
                        "event_id": d.event_id,
                        "event": d.event,
                        "created_at": now,
                        "body": d.body,
                        "group_key": d.group_key,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                    for d in deliveries
                ]
                statement = insert(DeliveryRow).values(rows)
                await session.execute(
                    statement.on_conflict_do_nothing(index_elements=["destination", "event_id"])
                )
            await session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id).in_([event.id for event in events]))
                .values(dispatched=True, claim=None, claim_until=None)
            )
            await session.commit()

    async def link_details(self, link_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """What receivers are told about each link: slug, targets, tag, campaign, sharer."""
        if not link_ids:
            return {}
        statement = (
            select(LinkRow, SharerRow)
            .join(SharerRow, col(SharerRow.id) == col(LinkRow.sharer_id), isouter=True)
            .where(col(LinkRow.id).in_(sorted(set(link_ids))))
        )
        async with self._sessions() as session:
            result = await session.execute(statement)
            details: dict[int, dict[str, Any]] = {}
            for link, sharer in result.all():
                assert link.id is not None
                details[link.id] = {
                    "id": link.id,
                    "slug": link.slug,
                    "target": link.target,
                    "tagged_target": link.tagged_target,
                    "channel": link.channel,
                    "campaign": link.campaign,
                    "sharer": sharer.handle if sharer is not None else None,
                    "created_at": link.created_at.isoformat(),
                }
            return details

    # --- deliveries ------------------------------------------------------------------------

    async def claim_deliveries(self, *, limit: int, lease: timedelta) -> list[Delivery]:
        """Take up to `limit` deliveries that are due, for `lease`."""
        now = self._clock()
        token = uuid.uuid4().hex
        due = and_(
            col(DeliveryRow.status) == "pending",
            col(DeliveryRow.next_attempt_at) <= now,
            or_(col(DeliveryRow.claim_until).is_(None), col(DeliveryRow.claim_until) < now),
        )
        candidates = select(col(DeliveryRow.id)).where(due).order_by(col(DeliveryRow.id)).limit(limit)
        async with self._sessions() as session:
            ids = list((await session.execute(candidates)).scalars())
            if not ids:
                return []
            await session.execute(
                update(DeliveryRow)
                .where(col(DeliveryRow.id).in_(ids), due)
                .values(claim=token, claim_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            rows = (
                await session.execute(
                    select(DeliveryRow).where(col(DeliveryRow.claim) == token).order_by(col(DeliveryRow.id))
                )
            ).scalars()
            return [_delivery(row) for row in rows]

    async def finish(
        self,
        delivery_ids: Sequence[int],
        *,
        ok: bool,
        status: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        """Record an attempt: delivered, to be retried at `retry_at`, or dead (`retry_at` None)."""
        now = self._clock()
        values: dict[str, Any] = {
            "attempts": col(DeliveryRow.attempts) + 1,
            "last_status": status,
            "last_error": (error or "")[:512] or None,
            "last_attempt_at": now,
            "claim": None,
            "claim_until": None,
        }
        if ok:
            values.update(status="delivered", delivered_at=now)
        elif retry_at is None:
            values.update(status="dead")
        else:
            values.update(next_attempt_at=retry_at)
        async with self._sessions() as session:
            await session.execute(
                update(DeliveryRow).where(col(DeliveryRow.id).in_(list(delivery_ids))).values(**values)
            )
            await session.commit()

    async def postpone(self, delivery_id: int, *, until: datetime) -> None:
        """Hold a delivery back until `until` (quiet hours), without counting an attempt."""
        async with self._sessions() as session:
            await session.execute(
                update(DeliveryRow)
                .where(col(DeliveryRow.id) == delivery_id)
                .values(next_attempt_at=until, claim=None, claim_until=None)
            )
            await session.commit()

    async def give_up_on_webhook(self, webhook_id: int) -> int:
        """A disabled receiver's pending deliveries are marked failed; returns how many."""
        async with self._sessions() as session:
            result = await session.execute(
                update(DeliveryRow)
                .where(col(DeliveryRow.webhook_id) == webhook_id, col(DeliveryRow.status) == "pending")
                .values(status="failed", claim=None, claim_until=None)
            )
            await session.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    async def recent_deliveries(self, webhook_id: int, *, limit: int = 20) -> list[Delivery]:
        """A receiver's latest deliveries, newest first."""
        statement = (
            select(DeliveryRow)
            .where(col(DeliveryRow.webhook_id) == webhook_id)
            .order_by(col(DeliveryRow.id).desc())
            .limit(limit)
        )
        async with self._sessions() as session:
            return [_delivery(row) for row in (await session.execute(statement)).scalars()]

    async def backlog(self) -> dict[str, int]:
        """Events waiting for fan-out and deliveries waiting to be sent (for /metrics and tests)."""
        async with self._sessions() as session:
            events = (
                await session.execute(
                    select(func.count()).select_from(OutboxRow).where(col(OutboxRow.dispatched).is_(False))
                )
            ).scalar_one()
            pending = (
                await session.execute(
                    select(func.count()).select_from(DeliveryRow).where(col(DeliveryRow.status) == "pending")
                )
            ).scalar_one()
        return {"events": int(events), "deliveries": int(pending)}

    async def forget(self, *, before: datetime) -> None:
        """Drop fanned-out events and finished deliveries older than `before`."""
        async with self._sessions() as session:
            await session.execute(
                delete(OutboxRow).where(col(OutboxRow.dispatched).is_(True), col(OutboxRow.at) < before)
            )
            await session.execute(
                delete(DeliveryRow).where(
                    col(DeliveryRow.status) != "pending", col(DeliveryRow.created_at) < before
                )
            )
            await session.commit()
