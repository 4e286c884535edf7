"""Signed webhooks through the real app: a click reaches a local receiver, signed, once, retried."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.web.conftest import Running
from tests.web.receiver import Recorder
from tracking.core.forwarding.events import EventName
from tracking.core.forwarding.webhooks import SIGNATURE_HEADER, verify
from tracking.storage.outbox import SqlOutbox

SECRET = "whsec_test-secret"
BOT = "curl/8.5.0"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_allow_private": True}


@pytest.fixture
async def receiver() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    await recorder.start()
    yield recorder
    await recorder.stop()


async def _add(lantern: Running, url: str, *events: EventName) -> SqlOutbox:
    outbox = SqlOutbox(lantern.parts.engine, clock=lantern.parts.clock)
    await outbox.add_webhook(url=url, secret=SECRET, events=events or (EventName.LINK_CLICKED,))
    return outbox


async def test_a_click_arrives_signed_within_seconds(lantern: Running, receiver: Recorder) -> None:
    base = receiver.url
    await _add(lantern, f"{base}/hook")
    slug = await lantern.shorten("https://example.com/post", channel="whatsapp", campaign="spring")
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False) as response:
        assert response.status == 302
    (delivery,) = await receiver.wait_for(1)
    assert verify(SECRET, delivery.headers[SIGNATURE_HEADER], delivery.body, now=int(time.time()))
    document = delivery.json()
    assert set(document) == {"id", "event", "created_at", "data"}
    assert document["event"] == "link.clicked"
    assert document["data"]["link"]["slug"] == slug
    assert document["data"]["link"]["campaign"] == "spring"
    assert document["data"]["link"]["short_url"].endswith(f"/{slug}")
    assert document["data"]["kind"] == "click"
    assert "visitor_hash" not in document["data"]


async def test_bots_and_unsubscribed_events_send_nothing(lantern: Running, receiver: Recorder) -> None:
    base = receiver.url
    await _add(lantern, f"{base}/hook")
    slug = await lantern.shorten("https://example.com/post", channel="whatsapp")
    async with lantern.client.get(
        lantern.url(f"/{slug}"), headers={"User-Agent": BOT}, allow_redirects=False
    ):
        pass
    telegram_preview = {"User-Agent": "TelegramBot (like TwitterBot)"}
    async with lantern.client.get(lantern.url(f"/{slug}"), headers=telegram_preview, allow_redirects=False):
        pass
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False):
        pass
    (only,) = await receiver.wait_for(1)
    assert only.json()["event"] == "link.clicked"
    await _settle(lantern)
    assert len(receiver.received) == 1


async def test_a_failing_receiver_gets_the_same_event_again(lantern: Running, receiver: Recorder) -> None:
    receiver.fail_first = 2
    base = receiver.url
    outbox = await _add(lantern, f"{base}/hook", EventName.LINK_CLICKED, EventName.SHARE_DETECTED)
    slug = await lantern.shorten("https://example.com/post")
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False):
        pass
    (delivery,) = await receiver.wait_for(1, within=15)
    assert receiver.attempts == 3
    await _settle(lantern)
    hook = (await outbox.webhooks())[0]
    attempts = await outbox.recent_deliveries(hook.id)
    assert [(d.status, d.attempts) for d in attempts] == [("delivered", 3)]
    assert attempts[0].event_id == delivery.json()["id"]
    await _settle(lantern)
    assert (await outbox.webhooks())[0].failures_in_row == 0


async def test_links_created_are_announced(lantern: Running, receiver: Recorder) -> None:
    base = receiver.url
    await _add(lantern, f"{base}/hook", EventName.LINK_CREATED)
    slug = await lantern.shorten("https://example.com/new", channel="email")
    (delivery,) = await receiver.wait_for(1)
    document = json.loads(delivery.body)
    assert document["event"] == "link.created"
    assert document["data"]["link"]["slug"] == slug
    assert document["data"]["link"]["channel"] == "email"


async def _settle(lantern: Running) -> None:
    """Wait until the forwarder has nothing left to fan out or send."""
    import asyncio

    outbox = SqlOutbox(lantern.parts.engine, clock=lantern.parts.clock)
    for _ in range(100):
        backlog = await outbox.backlog()
        if backlog == {"events": 0, "deliveries": 0}:
            await asyncio.sleep(0.3)
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the forwarder did not settle: {await outbox.backlog()}")
