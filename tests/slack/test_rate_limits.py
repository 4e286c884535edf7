"""The link limit as a Slack user meets it: a "slow down" reply, nothing stored, others unaffected."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.people import sharer_ref
from tests.slack.conftest import TEAM, SlackLantern
from tracking.core.shortening import ShortenRequest


@pytest.fixture
def slack_settings() -> dict[str, Any]:
    return {"link_rate_per_minute": 1, "link_rate_burst": 2}  # two links, then one a minute


async def test_past_the_limit_link_and_the_shortcut_say_slow_down(slack: SlackLantern) -> None:
    made = await slack.command("/link", "https://example.com/post for whatsapp, email")
    await slack.peer.wait_for_response(made.key)
    assert await slack.link_count() == 2

    refused = await slack.peer.wait_for_response(
        (await slack.command("/link", "https://example.com/more")).key
    )
    assert refused["response_type"] == "ephemeral"
    assert refused["text"].startswith(":warning: slow down: you can make 1 link a minute; try again in ")
    assert refused["text"].endswith((" s", " min"))

    shortcut = await slack.shortcut({"text": "see <https://example.com/shared>"})
    view = await slack.opened_view()
    await slack.submit(view, {"channels": {"value": {"selected_options": [{"value": "slack"}]}}})
    reply = await slack.peer.wait_for_response(shortcut.key)
    assert "https://example.com/shared: slow down: you can make 1 link a minute" in reply["text"]
    assert await slack.link_count() == 2

    someone_else = sharer_ref(TEAM, "U0SOMEONE", "Someone Else")
    result = await slack.parts.shortener.shorten(
        ShortenRequest("https://example.com/more", channel="slack", sharer=someone_else)
    )
    assert result.created  # the limit is per person


async def test_a_web_api_call_slack_rate_limits_is_tried_again(slack: SlackLantern) -> None:
    slack.peer.throttle_once.add("users.info")
    sent = await slack.command("/link", "https://example.com/throttled")
    reply = await slack.peer.wait_for_response(sent.key)
    assert "go.lantern.test/" in str(reply)
    answers = [call.answer for call in slack.peer.called("users.info")]
    assert answers[0] == {"ok": False, "error": "ratelimited"} and answers[1]["ok"] is True
    [link] = await slack.links()
    assert "utm_content=admin" in link.tagged_target  # the name came from the retried users.info
