"""Digest and alert subscriptions in SQL, and the step that turns a due digest into an outbox event.

A due digest is claimed by one conditional UPDATE of its `next_run_at`
(the old value is part of the WHERE), in the same transaction as the
outbox row that will post it: however many workers or hosts look at the
same moment, exactly one of them moves the schedule on and queues the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col

from tracking.core.digests import Cadence, Schedule, is_late
from tracking.core.forwarding.events import new_event_id
from tracking.storage.outbox_tables import AlertSentRow, OutboxRow, SubscriptionRow
from tracking.storage.tables import RollupHourlyRow

DIGEST_DUE = "digest.due"
ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's digest or alerts, as the bots list them and the sender posts them."""

    id: int
    kind: str
    platform: str
    chat_id: str
    team_id: str | None
    question: str
    schedule: Schedule | None
    timezone: str
    language: str
    next_run_at: datetime | None
    last_run_at: datetime | None


def _subscription(row: SubscriptionRow) -> Subscription:
    assert row.id is not None
    schedule = None
    if row.cadence:
        schedule = Schedule(
            cadence=Cadence(row.cadence),
            hour=row.hour,
            minute=row.minute,
            weekday=row.weekday,
            monthday=row.monthday,
        )
    return Subscription(
        id=row.id,
        kind=row.kind,
        platform=row.platform,
        chat_id=row.chat_id,
        team_id=row.team_id,
        question=row.question,
        schedule=schedule,
        timezone=row.timezone,
        language=row.language,
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
    )


class SqlSubscriptions:
    """Subscriptions for the chat commands and the forwarder."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    async def add_digest(
        self,
        *,
        platform: str,
        chat_id: str,
        team_id: str | None,
        question: str,
        schedule: Schedule,
        timezone: str,
        language: str,
        created_by: str,
        first_run: datetime,
    ) -> Subscription:
        """Store a digest whose first run is `first_run`."""
        row = SubscriptionRow(
            kind="digest",
            platform=platform,
            chat_id=chat_id,
            team_id=team_id,
            question=question[:500],
            cadence=schedule.cadence.value,
            weekday=schedule.weekday,
            monthday=schedule.monthday,
            hour=schedule.hour,
            minute=schedule.minute,
            timezone=timezone,
            language=language,
            created_by=created_by[:128],
            created_at=self._clock(),
            next_run_at=first_run,
        )
        async with self._sessions() as session:
            session.add(row)
            await session.commit()
            return _subscription(row)

    async def set_alerts(
        self, *, platform: str, chat_id: str, team_id: str | None, on: bool, language: str, created_by: str
    ) -> bool:
        """Switch a chat's alerts on or off; True when that changed anything."""
        where = and_(
            col(SubscriptionRow.kind) == "alerts",
            col(SubscriptionRow.platform) == platform,
            col(SubscriptionRow.chat_id) == chat_id,
        )
        async with self._sessions() as session:
            existing = (await session.execute(select(SubscriptionRow).where(where))).scalars().first()
            if on and existing is None:
                session.add(
                    SubscriptionRow(
                        kind="alerts",
                        platform=platform,
                        chat_id=chat_id,
                        team_id=team_id,
                        language=language,
                        created_by=created_by[:128],
                        created_at=self._clock(),
                    )
                )
            elif not on and existing is not None:
                await session.execute(delete(SubscriptionRow).where(where))
            else:
                return False
            await session.commit()
            return True

    async def of_chat(self, *, platform: str, chat_id: str) -> list[Subscription]:
        """A chat's digests and alerts, oldest first."""
        statement = (
            select(SubscriptionRow)
            .where(col(SubscriptionRow.platform) == platform, col(SubscriptionRow.chat_id) == chat_id)
            .order_by(col(SubscriptionRow.id))
        )
        async with self._sessions() as session:
            return [_subscription(row) for row in (await session.execute(statement)).scalars()]

    async def get(self, subscription_id: int) -> Subscription | None:
        """One subscription by number."""
        async with self._sessions() as session:
            row = await session.get(SubscriptionRow, subscription_id)
            return _subscription(row) if row else None

    async def remove(self, *, subscription_id: int, platform: str, chat_id: str) -> bool:
        """Remove a chat's own subscription (a chat cannot remove another's)."""
        async with self._sessions() as session:
            result = await session.execute(
                delete(SubscriptionRow).where(
                    col(SubscriptionRow.id) == subscription_id,
                    col(SubscriptionRow.platform) == platform,
                    col(SubscriptionRow.chat_id) == chat_id,
                )
            )
            await session.commit()
            return bool(getattr(result, "rowcount", 0))

    async def alert_chats(self) -> list[Subscription]:
        """Every chat that wants alerts."""
        statement = select(SubscriptionRow).where(col(SubscriptionRow.kind) == "alerts")
        async with self._sessions() as session:
            return [_subscription(row) for row in (await session.execute(statement)).scalars()]

    async def queue_due_digests(self, *, next_for: Callable[[Subscription, datetime], datetime]) -> int:
        """Move every due digest's schedule on and queue its run in the outbox; returns how many."""
        now = self._clock()
        due = select(SubscriptionRow).where(
            col(SubscriptionRow.kind) == "digest", col(SubscriptionRow.next_run_at) <= now
        )
        queued = 0
        async with self._sessions() as session:
            rows = list((await session.execute(due)).scalars())
        for row in rows:
            subscription = _subscription(row)
            scheduled = row.next_run_at
            assert scheduled is not None
            async with self._sessions() as session:
                moved = await session.execute(
                    update(SubscriptionRow)
                    .where(col(SubscriptionRow.id) == row.id, col(SubscriptionRow.next_run_at) == scheduled)
                    .values(next_run_at=next_for(subscription, now), last_run_at=now)
                )
                if not getattr(moved, "rowcount", 0):
                    await session.rollback()
                    continue  # another worker took this run
                data = {
                    "subscription_id": row.id,
                    "scheduled_for": scheduled.isoformat(),
                    "late": is_late(scheduled, now),
                }
                session.add(
                    OutboxRow(
                        event_id=new_event_id(), event=DIGEST_DUE, link_id=None, at=now, data=json.dumps(data)
                    )
                )
                await session.commit()
                queued += 1
        return queued

    async def raise_alert(self, key: str) -> bool:
        """Record an alert's key; True only the first time (each alert is raised once)."""
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(AlertSentRow)
            .values(key=key[:128], created_at=self._clock())
            .on_conflict_do_nothing(index_elements=["key"])
        )
        async with self._sessions() as session:
            result = await session.execute(statement)
            await session.commit()
            return bool(getattr(result, "rowcount", 0))

    async def spiking_links(
        self, *, hour: datetime, minimum: int, factor: float
    ) -> list[tuple[int, int, float]]:
        """(link id, clicks in `hour`, that hour's usual clicks over the past week), well above usual."""
        async with self._sessions() as session:
            now_rows = (
                await session.execute(
                    select(col(RollupHourlyRow.link_id), func.sum(col(RollupHourlyRow.visits)))
                    .where(col(RollupHourlyRow.kind) == "click", col(RollupHourlyRow.hour) == hour)
                    .group_by(col(RollupHourlyRow.link_id))
                    .having(func.sum(col(RollupHourlyRow.visits)) >= minimum)
                )
            ).all()
            if not now_rows:
                return []
            past = [hour - timedelta(days=day) for day in range(1, 8)]
            usual_rows = (
                await session.execute(
                    select(col(RollupHourlyRow.link_id), func.sum(col(RollupHourlyRow.visits)))
                    .where(
                        col(RollupHourlyRow.kind) == "click",
                        col(RollupHourlyRow.hour).in_(past),
                        col(RollupHourlyRow.link_id).in_([link for link, _ in now_rows]),
                    )
                    .group_by(col(RollupHourlyRow.link_id))
                )
            ).all()
        usual = {int(link): int(total) / 7 for link, total in usual_rows}
        return [
            (int(link), int(count), usual.get(int(link), 0.0))
            for link, count in now_rows
            if int(count) >= factor * usual.get(int(link), 0.0)
        ]
