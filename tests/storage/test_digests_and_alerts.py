"""Digests and alerts through the real outbox and forwarder on SQLite and PostgreSQL.

The chat side is a small recording poster (the bots' own tests cover posting to the platforms);
everything else — schedules, leases, the outbox, deliveries — is the real thing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lantern.digests import next_run_of
from tracking.core.attribution import VisitKind
from tracking.core.forwarding.events import visit_events
from tracking.forwarder import AlertRules, Forwarder
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.outbox import SqlOutbox
from tracking.storage.subscriptions import SqlSubscriptions, Subscription
from tracking.subscribing import Asker, SubscriptionCommands

START = datetime(2026, 12, 7, 7, 50, tzinfo=UTC)  # a Monday, 08:50 in Paris


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Posted:
    """Stands in for Slack and Telegram: remembers what would have been posted where."""

    calls: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)

    async def __call__(self, subscription: Subscription, *, kind: str, data: dict[str, Any]) -> None:
        self.calls.append((subscription.id, kind, data))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(database_url)
    await migrate.upgrade(built)
    yield built
    await built.dispose()


def _forwarder(engine: AsyncEngine, clock: Clock, posted: Posted, **rules: Any) -> Forwarder:
    return Forwarder(
        outbox=SqlOutbox(engine, clock=clock),
        base_url="https://go.example",
        clock=clock,
        subscriptions=SqlSubscriptions(engine, clock=clock),
        post_to_chat=posted,
        next_run=next_run_of,
        alert_rules=AlertRules(timezone="Europe/Paris", **rules),
    )


def _commands(engine: AsyncEngine, clock: Clock) -> SubscriptionCommands:
    def check(question: str, now: datetime, tz: ZoneInfo) -> None:
        return None

    return SubscriptionCommands(
        store=SqlSubscriptions(engine, clock=clock),
        clock=clock,
        timezone="Europe/Paris",
        check_question=check,
    )


async def _drain(*forwarders: Forwarder) -> None:
    for forwarder in forwarders:
        forwarder._last_schedule_check = 0.0
    for _ in range(5):
        done = await asyncio.gather(*(f.run_once() for f in forwarders))
        if not any(done):
            return


async def test_a_digest_is_posted_once_by_two_workers_at_its_time(engine: AsyncEngine) -> None:
    clock, posted = Clock(), Posted()
    asker = Asker("telegram", "-1001", "alice", language="fr")
    reply = await _commands(engine, clock).handle(
        "subscribe weekly monday 9:00 clicks by channel last week", asker
    )
    assert reply is not None and reply.startswith("Abonnement")
    first, second = _forwarder(engine, clock, posted), _forwarder(engine, clock, posted)
    await _drain(first, second)
    assert posted.calls == []  # 08:50 in Paris: not yet
    clock.now = START + timedelta(minutes=11)
    for _ in range(3):
        await _drain(first, second)
    assert [(kind, data["late"]) for _, kind, data in posted.calls] == [("digest.due", False)]
    (subscription,) = await SqlSubscriptions(engine, clock=clock).of_chat(
        platform="telegram", chat_id="-1001"
    )
    assert subscription.next_run_at == datetime(2026, 12, 14, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


async def test_a_run_missed_while_down_is_sent_once_marked_late(engine: AsyncEngine) -> None:
    clock, posted = Clock(), Posted()
    await _commands(engine, clock).handle(
        "subscribe daily 9:00 clicks yesterday", Asker("slack", "C1", "bob")
    )
    clock.now = START + timedelta(days=3, hours=5)  # down for three days
    await _drain(_forwarder(engine, clock, posted))
    assert [(kind, data["late"]) for _, kind, data in posted.calls] == [("digest.due", True)]


async def test_subscriptions_are_listed_and_removed_per_chat(engine: AsyncEngine) -> None:
    clock = Clock()
    commands = _commands(engine, clock)
    asker = Asker("slack", "C1", "bob")
    await commands.handle("subscribe daily 8:00 clicks yesterday", asker)
    listed = await commands.handle("subscriptions", asker)
    assert listed is not None and "#1 every day at 08:00: “clicks yesterday”" in listed
    assert (
        await commands.handle("unsubscribe 1", Asker("slack", "C2", "eve"))
        == "This chat has no subscription #1."
    )
    assert await commands.handle("unsubscribe 1", asker) == "Unsubscribed from #1."
    assert await commands.handle("what is this", asker) is None
    refused = await commands.handle("subscribe clicks yesterday", asker)
    assert refused is not None and "daily, weekly or monthly" in refused


async def _click(
    engine: AsyncEngine, clock: Clock, kind: VisitKind = VisitKind.CLICK, channel: str = "whatsapp"
) -> None:
    from tracking.core.links import NewLink
    from tracking.core.visits import Visit
    from tracking.storage.links import SqlLinkRepository

    links = SqlLinkRepository(engine, clock=clock)
    link = await links.get_by_slug("abc")
    if link is None:
        link = await links.insert_link(
            NewLink(
                "abc",
                "https://example.com/",
                "https://example.com/",
                None,
                None,
                None,
                None,
                clock(),
                None,
                None,
                False,
            )
        )
    visit = Visit(link.id, clock(), "GET", kind, channel, "referrer", None, 1, None, None, None,
                  "ab" * 16, None, None, None, None, False)  # fmt: skip
    outbox = SqlOutbox(engine, clock=clock)
    for event in visit_events([visit]):
        await outbox.add_event(
            event=event.event, link_id=event.link_id, at=event.at, data=event.data, event_id=event.id
        )


async def test_first_click_and_new_app_alerts_are_raised_once(engine: AsyncEngine) -> None:
    clock, posted = Clock(), Posted()
    commands = _commands(engine, clock)
    assert (await commands.handle("alerts on", Asker("slack", "C1", "bob")) or "").startswith("Alerts are on")
    forwarder = _forwarder(engine, clock, posted)
    await _click(engine, clock)
    await _click(engine, clock)
    await _click(engine, clock, VisitKind.PREVIEW, "telegram")
    await _click(engine, clock, VisitKind.PREVIEW, "telegram")
    await _drain(forwarder)
    assert [data["alert"] for _, _, data in posted.calls] == ["first_click", "new_app"]
    assert posted.calls[1][2]["channel"] == "telegram"


async def test_alerts_wait_through_quiet_hours(engine: AsyncEngine) -> None:
    clock, posted = Clock(START.replace(hour=22)), Posted()  # 23:00 in Paris
    await _commands(engine, clock).handle("alerts on", Asker("slack", "C1", "bob"))
    forwarder = _forwarder(engine, clock, posted, quiet_start=22, quiet_end=7)
    await _click(engine, clock)
    await _drain(forwarder)
    assert posted.calls == []
    clock.now = START.replace(hour=6, minute=1) + timedelta(days=1)  # 07:01 in Paris
    await _drain(forwarder)
    assert [data["alert"] for _, _, data in posted.calls] == ["first_click"]
