"""GA4 forwarding through the real app, to a local stand-in for the Measurement Protocol."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.web.conftest import Running
from tests.web.receiver import Recorder
from tracking.storage.outbox import SqlOutbox


@pytest.fixture
async def receiver() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    await recorder.start()
    yield recorder
    await recorder.stop()


@pytest.fixture
def settings_overrides(receiver: Recorder) -> dict[str, Any]:
    return {"ga4_measurement_id": "G-TEST123", "ga4_api_secret": "s3cr3t-ga4", "ga4_url": receiver.url}


async def _settle(lantern: Running) -> None:
    outbox = SqlOutbox(lantern.parts.engine, clock=lantern.parts.clock)
    for _ in range(100):
        if await outbox.backlog() == {"events": 0, "deliveries": 0}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the forwarder did not settle")


async def test_a_click_arrives_as_a_ga4_event_with_its_campaign(lantern: Running, receiver: Recorder) -> None:
    slug = await lantern.shorten("https://example.com/post", channel="whatsapp", campaign="spring-sale")
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False) as response:
        assert response.status == 302
    (request,) = await receiver.wait_for(1)
    assert request.path == "/mp/collect"
    assert request.query == {"measurement_id": "G-TEST123", "api_secret": "s3cr3t-ga4"}
    document = request.json()
    number, seconds = document["client_id"].split(".")
    assert number.isdigit() and seconds.isdigit()
    names = [event["name"] for event in document["events"]]
    assert names == ["campaign_details", "lantern_click"]
    campaign, click = document["events"]
    assert campaign["params"]["source"] == "whatsapp"
    assert campaign["params"]["campaign"] == "spring-sale"
    assert campaign["params"]["medium"]
    for event in document["events"]:
        assert event["params"]["session_id"].isdigit()
        assert event["params"]["engagement_time_msec"] > 0
    assert click["params"]["link"] == slug
    assert click["params"]["channel"] == "whatsapp"
    assert document["consent"] == {"ad_user_data": "DENIED", "ad_personalization": "DENIED"}


async def test_private_visits_and_bots_send_nothing(lantern: Running, receiver: Recorder) -> None:
    slug = await lantern.shorten("https://example.com/post", channel="email")
    for headers in ({"DNT": "1"}, {"Sec-GPC": "1"}, {"User-Agent": "python-requests/2.32"}):
        async with lantern.client.get(lantern.url(f"/{slug}"), headers=headers, allow_redirects=False) as r:
            assert r.status == 302
    await _settle(lantern)
    assert receiver.received == []


async def test_a_share_event_is_forwarded_as_lantern_share(lantern: Running, receiver: Recorder) -> None:
    slug = await lantern.shorten("https://example.com/post", channel="telegram")
    preview = {"User-Agent": "TelegramBot (like TwitterBot)"}
    async with lantern.client.get(lantern.url(f"/{slug}"), headers=preview, allow_redirects=False):
        pass
    (request,) = await receiver.wait_for(1)
    assert [e["name"] for e in request.json()["events"]][-1] == "lantern_share"
