"""`/link` and the "Get tracked link" shortcut end to end: signed request in, ephemeral reply out."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from bot.slack.people import sharer_ref
from tests.slack.conftest import TEAM, USER, SlackLantern


def tags(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def sections(reply: dict[str, object]) -> list[str]:
    blocks = reply.get("blocks")
    assert isinstance(blocks, list)
    return [block["text"]["text"] for block in blocks if block["type"] == "section"]


async def test_one_link_per_channel_and_asking_again_returns_the_same_links(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "https://example.com/post for whatsapp, email")
    assert sent.status == 200
    assert sent.body == ""  # acknowledged at once; the links come through the response URL
    reply = await slack.peer.wait_for_response(sent.key)

    links = await slack.links()
    assert len(links) == 2
    assert sorted(tags(link.tagged_target)["utm_source"] for link in links) == ["email", "whatsapp"]
    assert reply["response_type"] == "ephemeral"
    shown = sections(reply)
    for link in links:
        assert any(text.endswith(f"\n`https://go.lantern.test/{link.slug}`") for text in shown)

    again = await slack.command("/link", "https://example.com/post for whatsapp, email")
    second = await slack.peer.wait_for_response(again.key)
    assert await slack.link_count() == 2
    assert [text.split("\n")[-1] for text in sections(second)[1:]] == [
        text.split("\n")[-1] for text in shown[1:]
    ]
    assert "same link as before" in str(second)


async def test_the_sharer_is_the_slack_user_and_the_default_channel_is_slack(slack: SlackLantern) -> None:
    sent = await slack.command(
        "/link", "<https://example.com/guide|example.com/guide> campaign Spring as spring-guide"
    )
    reply = await slack.peer.wait_for_response(sent.key)

    (link,) = await slack.links()
    assert link.slug == "spring-guide"
    assert tags(link.tagged_target) == {
        "utm_source": "slack",
        "utm_medium": "messaging",
        "utm_campaign": "spring",
        "utm_content": "admin",  # from users.info, through the emulator
    }
    assert "`https://go.lantern.test/spring-guide`" in str(reply)
    sharer = await slack.parts.links.get_or_create_sharer(sharer_ref(TEAM, USER, "admin"))
    assert sharer.id == link.sharer_id and sharer.handle == "admin"
    assert [call.args for call in slack.peer.called("users.info")] == [{"user": USER, "team_id": TEAM}]


async def test_help_and_usage_problems_are_ephemeral_and_friendly(slack: SlackLantern) -> None:
    help_reply = await slack.peer.wait_for_response((await slack.command("/link", "help")).key)
    assert "/link URL [for CHANNEL" in help_reply["text"]

    wrong = await slack.peer.wait_for_response((await slack.command("/link", "for whatsapp")).key)
    assert wrong["response_type"] == "ephemeral"
    assert "Start with the URL" in wrong["text"]
    assert await slack.link_count() == 0


async def test_bad_url_channel_or_taken_slug_get_the_core_message(slack: SlackLantern) -> None:
    for text, says in [
        ("notaurl", "http:// or https://"),
        ("https://example.com for carrier-pigeon", "unknown channel"),
        ("https://go.lantern.test/abc1234", "Lantern"),
    ]:
        reply = await slack.peer.wait_for_response((await slack.command("/link", text)).key)
        assert reply["text"].startswith(":warning: ")
        assert says in reply["text"]
        assert "Traceback" not in reply["text"]
    await slack.peer.wait_for_response((await slack.command("/link", "https://example.com/a as taken")).key)
    taken = await slack.peer.wait_for_response(
        (await slack.command("/link", "https://example.com/b as taken")).key
    )
    assert "already taken" in taken["text"]
    assert await slack.link_count() == 1


async def test_shortcut_makes_a_slack_link_for_each_url_in_the_message(slack: SlackLantern) -> None:
    message = {
        "text": "Launch: <https://example.com/a|the post> and <https://example.org/b?x=1&amp;y=2> cc <!here>",
        "attachments": [{"from_url": "https://example.com/a"}],
    }
    sent = await slack.shortcut(message)
    assert sent.status == 200
    view = await slack.opened_view()
    assert "https://example.org/b?x=1&y=2" in json.dumps(view["blocks"])
    assert await slack.link_count() == 0  # nothing is made until the channels are picked
    submitted = await slack.submit(view, {"channels": {"value": {"selected_options": [{"value": "slack"}]}}})
    assert submitted.status == 200
    reply = await slack.peer.wait_for_response(sent.key)

    links = await slack.links()
    assert sorted(link.target for link in links) == ["https://example.com/a", "https://example.org/b?x=1&y=2"]
    assert all(tags(link.tagged_target)["utm_source"] == "slack" for link in links)
    assert reply["response_type"] == "ephemeral"
    for link in links:
        assert f"`https://go.lantern.test/{link.slug}`" in str(reply)


async def test_shortcut_on_a_message_without_links(slack: SlackLantern) -> None:
    reply = await slack.peer.wait_for_response((await slack.shortcut({"text": "no links <@U1>"})).key)
    assert "no web links" in reply["text"]
    assert await slack.link_count() == 0
