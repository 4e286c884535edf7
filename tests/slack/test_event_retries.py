"""Slack's Events API retries: deduplicated by `event_id` in the database, never dropped.

A retry after `http_error` is the only copy Lantern ever sees of that
event, so it must be unfurled and counted; a second copy of an event
already handled (a timeout retry, or the same delivery reaching another
worker) must not be.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import ClientSession

from lantern.composition import build_app
from tests.slack.conftest import (
    BASE_URL,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    ServerFactory,
    SlackLantern,
    settle,
)
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings


def link_shared(url: str) -> dict[str, object]:
    return {
        "type": "link_shared",
        "channel": "C000000001",
        "user": "U000000001",
        "message_ts": "1700000000.000300",
        "links": [{"domain": "go.lantern.test", "url": url}],
        "event_ts": "1700000000.000300",
    }


async def a_link(slack: SlackLantern) -> str:
    result = await slack.parts.shortener.shorten(ShortenRequest("https://example.com/retry"))
    return result.link.slug


async def test_a_retry_after_a_failed_delivery_is_unfurled_and_counted_once(slack: SlackLantern) -> None:
    slug = await a_link(slack)
    body = slack.event_body(link_shared(f"{BASE_URL}/{slug}"))
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}

    sent = await slack.post(body, "application/json", headers=retry)

    assert sent.status == 200
    (unfurl,) = await slack.peer.wait_for_call("chat.unfurl")
    assert f"{BASE_URL}/{slug}" in json.dumps(unfurl.args["unfurls"])
    assert len(await slack.wait_for_visits("preview", 1)) == 1

    again = await slack.post(body, "application/json", headers={**retry, "X-Slack-Retry-Num": "2"})
    assert again.status == 200
    await settle()
    assert len(slack.peer.called("chat.unfurl")) == 1
    assert len(await slack.visits("preview")) == 1


async def test_the_same_event_id_twice_is_handled_once(slack: SlackLantern) -> None:
    slug = await a_link(slack)
    body = slack.event_body(link_shared(f"{BASE_URL}/{slug}"))

    statuses = [(await slack.post(body, "application/json")).status for _ in range(2)]

    assert statuses == [200, 200]
    await slack.peer.wait_for_call("chat.unfurl")
    await settle()
    assert len(slack.peer.called("chat.unfurl")) == 1
    assert len(await slack.wait_for_visits("preview", 1)) == 1


async def test_distinct_events_for_the_same_link_are_each_handled(slack: SlackLantern) -> None:
    slug = await a_link(slack)
    for _ in range(2):
        await slack.event(link_shared(f"{BASE_URL}/{slug}"))
    await slack.peer.wait_for_call("chat.unfurl", 2)
    assert len(await slack.wait_for_visits("preview", 2)) == 2


async def test_two_workers_sharing_the_database_handle_one_event_once(
    slack: SlackLantern, database_url: str, aiohttp_server: ServerFactory
) -> None:
    """The second worker is a second app on the same database, as `lantern serve --workers 2` runs."""
    options: dict[str, Any] = {
        "database_url": database_url,
        "base_url": BASE_URL,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.peer.url("/api/"),
        "slack_allowed_teams": (TEAM,),
        "worker_index": 1,
    }
    second = await aiohttp_server(build_app(Settings(**options)))
    slug = await a_link(slack)
    body = slack.event_body(link_shared(f"{BASE_URL}/{slug}"))
    first = await slack.post(body, "application/json")
    async with ClientSession() as client:
        other = SlackLantern(second, client, slack.peer)
        retried = await other.post(
            body, "application/json", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
        )
    assert (first.status, retried.status) == (200, 200)
    await slack.peer.wait_for_call("chat.unfurl")
    await settle()
    assert len(slack.peer.called("chat.unfurl")) == 1
    assert len(await slack.wait_for_visits("preview", 1)) == 1
