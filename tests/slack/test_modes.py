"""How Slack is switched on: off without a token, HTTP with a signing secret, Socket Mode with an
app-level token; and the one error handler."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web

from bot.slack.install import EVENTS_PATH, api_base_url
from lantern.composition import build_app
from tests.slack.conftest import APP_TOKEN, BASE_URL, SlackLantern, settle
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings


def has_events_route(app: web.Application) -> bool:
    return any(
        route.resource is not None and route.resource.canonical == EVENTS_PATH
        for route in app.router.routes()
    )


def test_slack_is_off_without_a_bot_token(clean_env: None, tmp_path: Path) -> None:
    app = build_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'l.db'}"))
    assert not has_events_route(app)


def test_http_mode_adds_the_events_route_and_socket_mode_does_not(clean_env: None, tmp_path: Path) -> None:
    common: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'l.db'}",
        "slack_bot_token": "xoxb-1",
    }
    assert has_events_route(build_app(Settings(**common, slack_signing_secret="s")))
    assert not has_events_route(build_app(Settings(**common, slack_app_token="xapp-1")))


def test_api_base_url_always_ends_with_a_slash(clean_env: None) -> None:
    assert api_base_url(Settings(slack_api_url="http://127.0.0.1:9/api")) == "http://127.0.0.1:9/api/"
    assert api_base_url(Settings()) == "https://slack.com/api/"


class ExplodingStats:
    """A stats service whose database is on fire."""

    tz = __import__("zoneinfo").ZoneInfo("UTC")

    async def answer(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")


@pytest.mark.parametrize("slack_bots", [{"stats": ExplodingStats()}])
async def test_an_unexpected_error_is_logged_with_its_traceback_and_answered_briefly(
    slack: SlackLantern, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        sent = await slack.command("/linkstats", "clicks this week")
        reply = await slack.peer.wait_for_response(sent.key)
    assert (sent.status, sent.body) == (200, "")  # the acknowledgement stands
    assert reply == {
        "response_type": "ephemeral",
        "text": ":warning: Sorry, something went wrong on Lantern's side. Please try again in a minute.",
    }
    (record,) = [r for r in caplog.records if r.name == "bot.slack.app"]
    assert record.getMessage() == "Slack command /linkstats failed"
    assert record.exc_info is not None and "database on fire" in str(record.exc_info[1])


class TestSocketMode:
    """With LANTERN_SLACK_APP_TOKEN, Lantern dials out to Slack's WebSocket instead of serving HTTP."""

    @pytest.fixture
    def slack_settings(self) -> dict[str, Any]:
        return {"slack_app_token": APP_TOKEN}

    async def test_a_command_over_the_socket_is_acknowledged_and_answered(self, slack: SlackLantern) -> None:
        peer = slack.peer
        await peer.wait(lambda: peer.socket is not None, "the Socket Mode connection")
        (opened,) = peer.called("apps.connections.open")
        assert opened.args == {}  # the app-level token travels in the Authorization header
        async with slack.client.post(slack.server.make_url(EVENTS_PATH), data=b"x") as response:
            assert response.status == 404  # no HTTP endpoint in Socket Mode

        key, response_url = peer.response_url()
        payload = dict(
            parse_qsl(slack.command_body("/link", "https://example.com/post for telegram")[1].decode())
        )
        payload["response_url"] = response_url
        envelope_id = str(uuid.uuid4())
        assert peer.socket is not None
        await peer.socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )

        reply = await peer.wait_for_response(key)
        await peer.wait(lambda: any(a.get("envelope_id") == envelope_id for a in peer.socket_acks), "the ack")
        assert "`https://go.lantern.test/" in str(reply)
        (link,) = await slack.links()
        assert "utm_source=telegram" in link.tagged_target


@pytest.mark.parametrize("slack_bots", [{"stats": ExplodingStats()}])
async def test_an_event_that_fails_is_logged_and_nothing_is_posted(
    slack: SlackLantern, caplog: pytest.LogCaptureFixture
) -> None:
    slug = (await slack.parts.shortener.shorten(ShortenRequest("https://example.com/x"))).link.slug
    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        sent = await slack.event(
            {
                "type": "link_shared",
                "channel": "C1",
                "message_ts": "1.2",
                "links": [{"url": f"{BASE_URL}/{slug}"}],
            }
        )
        assert sent.status == 200
        await settle()
    (record,) = [r for r in caplog.records if r.name == "bot.slack.app"]
    assert record.getMessage() == "Slack event link_shared failed"
    assert slack.peer.called("chat.unfurl") == []


async def test_slacks_url_check_is_answered(slack: SlackLantern) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()
    sent = await slack.post(body, "application/json")
    assert (sent.status, sent.json()) == (200, {"challenge": "c-123"})


async def test_a_body_that_is_not_utf8_is_refused(slack: SlackLantern) -> None:
    sent = await slack.post(b"command=%2Flink&text=\xff\xfe", "application/x-www-form-urlencoded")
    assert sent.status == 401
    assert slack.peer.calls == []


async def test_a_shortcut_on_a_long_message_is_not_refused_for_its_size(slack: SlackLantern) -> None:
    message = {"text": "<https://example.com/long> " + "words " * 15_000}  # ~90 KB, over the tracker's 64 KiB
    sent = await slack.shortcut(message)
    assert sent.status == 200
    view = await slack.opened_view()
    await slack.submit(view, {"channels": {"value": {"selected_options": [{"value": "slack"}]}}})
    reply = await slack.peer.wait_for_response(sent.key)
    assert "`https://go.lantern.test/" in str(reply)
