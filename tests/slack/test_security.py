"""Only Slack, only allowed workspaces, only once: signatures, workspace guard, retries, escaping."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from tests.slack.conftest import BASE_URL, SIGNING_SECRET, SlackLantern, settle, sign
from tracking.core.shortening import ShortenRequest

Forge = Callable[[bytes], tuple[bytes, dict[str, str]]]


def forged_signature(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, sign(body, secret="not-" + SIGNING_SECRET)


def body_changed_by_one_byte(body: bytes) -> tuple[bytes, dict[str, str]]:
    headers = sign(body)
    changed = body.replace(b"whatsapp", b"whatsapq", 1)
    assert len(changed) == len(body) and changed != body
    return changed, headers


def six_minutes_old(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, sign(body, timestamp=int(time.time()) - 6 * 60)


def missing_headers(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {}


@pytest.mark.parametrize(
    "forge", [forged_signature, body_changed_by_one_byte, six_minutes_old, missing_headers]
)
async def test_unsigned_or_stale_requests_get_401_and_do_nothing(slack: SlackLantern, forge: Forge) -> None:
    key, body = slack.command_body("/link", "https://example.com/post for whatsapp")
    sent_body, headers = forge(body)
    sent = await slack.post(sent_body, "application/x-www-form-urlencoded", headers=headers, signed=False)

    assert sent.status == 401
    await settle()
    assert await slack.link_count() == 0
    assert slack.peer.responses[key] == []
    assert slack.peer.calls == []  # not even auth.test: the signature is checked first


async def test_a_correctly_signed_request_passes(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "https://example.com/post for whatsapp")
    assert sent.status == 200
    await slack.peer.wait_for_response(sent.key)
    assert await slack.link_count() == 1


async def test_a_retried_command_creates_nothing_twice(slack: SlackLantern) -> None:
    key, body = slack.command_body("/link", "https://example.com/post for whatsapp, email")
    first = await slack.post(body, "application/x-www-form-urlencoded")
    assert first.status == 200
    await slack.peer.wait_for_response(key)

    retry = await slack.post(
        body,
        "application/x-www-form-urlencoded",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"},
    )
    assert retry.status == 200
    await settle()
    assert await slack.link_count() == 2
    assert len(slack.peer.responses[key]) == 1


async def test_a_retried_event_is_acknowledged_but_not_processed_again(slack: SlackLantern) -> None:
    slug = (await slack.parts.shortener.shorten(ShortenRequest("https://example.com/post"))).link.slug
    event = _link_shared(f"{BASE_URL}/{slug}")
    body = slack.event_body(event)
    assert (await slack.post(body, "application/json")).status == 200
    await slack.peer.wait_for_call("chat.unfurl")

    retried = await slack.post(body, "application/json", headers={"X-Slack-Retry-Num": "1"})
    assert retried.status == 200
    await settle()
    assert len(slack.peer.called("chat.unfurl")) == 1
    assert len(await slack.wait_for_visits("preview", 1)) == 1


async def test_a_workspace_outside_the_allowed_list_is_refused_politely(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "https://example.com/post for whatsapp", team="T0FOREIGN")
    assert sent.status == 200
    assert sent.json() == {"response_type": "ephemeral", "text": "Lantern is not enabled for this workspace."}

    shortcut = await slack.shortcut({"text": "<https://example.com/a>"}, team="T0FOREIGN")
    assert shortcut.status == 200
    refusal = await slack.peer.wait_for_response(shortcut.key)
    assert refusal["text"] == "Lantern is not enabled for this workspace."

    event = await slack.event(
        {"type": "app_home_opened", "user": "U000000001", "tab": "home"}, team="T0FOREIGN"
    )
    assert event.status == 200
    await settle()
    assert await slack.link_count() == 0
    assert slack.peer.responses[sent.key] == []
    assert len(slack.peer.responses[shortcut.key]) == 1
    assert [call.method for call in slack.peer.calls] == ["auth.test"]


HOSTILE_CASES = [
    ("/link", "https://example.com/post for whatsapp campaign <!channel>"),
    ("/link", "https://example.com/post campaign <https://evil.example|click>"),
    ("/link", "https://example.com/post campaign a&amp;b"),
    ("/link", "https://exa mple.com/<!channel>"),
    ("/linkstats", "clicks for campaign <https://evil.example|click> this week"),
    ("/linkstats", "clicks from <!channel> &amp; friends"),
]


@pytest.mark.parametrize(("command", "text"), HOSTILE_CASES)
async def test_hostile_strings_come_back_escaped(slack: SlackLantern, command: str, text: str) -> None:
    sent = await slack.command(command, text)
    reply = json.dumps(await slack.peer.wait_for_response(sent.key), ensure_ascii=False)
    assert "<!channel>" not in reply
    assert "<https://evil" not in reply
    assert "&lt;" in reply or "&amp;" in reply
    assert "Traceback" not in reply


async def test_a_hostile_target_url_is_shortened_and_shown_escaped(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "https://example.com/search?q=&lt;!channel&gt;&amp;x=1 for email")
    reply = json.dumps(await slack.peer.wait_for_response(sent.key), ensure_ascii=False)
    assert await slack.link_count() == 1
    assert "<!channel>" not in reply
    assert "&amp;utm_source=email" in reply


def _link_shared(url: str) -> dict[str, object]:
    return {
        "type": "link_shared",
        "channel": "C000000001",
        "user": "U000000001",
        "message_ts": "1700000000.000200",
        "source": "conversations_history",
        "unfurl_id": "C000000001.1700000000.000200.abc",
        "is_bot_user_member": True,
        "links": [{"domain": "go.lantern.test", "url": url}],
        "event_ts": "1700000000.000300",
    }
