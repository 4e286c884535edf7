"""`/linkstats` end to end: the answer in the channel, its chart uploaded through the emulator."""

from __future__ import annotations

import json

from tests.slack.conftest import CHANNEL, SlackLantern
from tracking.core.shortening import ShortenRequest


async def make_links(slack: SlackLantern, count: int = 2) -> None:
    for n in range(count):
        await slack.parts.shortener.shorten(ShortenRequest(f"https://example.com/{n}", channel="whatsapp"))


async def test_answer_in_channel_and_chart_uploaded_to_the_channel(slack: SlackLantern) -> None:
    await make_links(slack)
    sent = await slack.command("/linkstats", "links by day this week")
    assert sent.status == 200
    answer = await slack.peer.wait_for_response(sent.key)
    assert answer["response_type"] == "in_channel"
    assert answer["text"].startswith("*2 links created")
    assert "```" in answer["text"]

    (completed,) = await slack.peer.wait_for_call("files.completeUploadExternal")
    assert completed.args["channel_id"] == CHANNEL
    assert completed.answer["ok"] is True
    (url_call,) = slack.peer.called("files.getUploadURLExternal")
    assert url_call.args["filename"] == "lantern-chart.png"
    assert int(url_call.args["length"]) > 1000
    file_id = json.loads(completed.args["files"])[0]["id"]
    stored = slack.peer.emulator.call("files.info", file=file_id)
    assert stored["ok"] is True
    assert CHANNEL in stored["file"]["channels"]
    assert stored["file"]["title"].startswith("Links created")


async def test_no_chart_for_a_plain_total(slack: SlackLantern) -> None:
    await make_links(slack, 1)
    sent = await slack.command("/linkstats", "links this week")
    answer = await slack.peer.wait_for_response(sent.key)
    assert answer["text"].startswith("*1 link created")
    await slack.peer.wait_for_call("auth.test")
    assert slack.peer.called("files.getUploadURLExternal") == []


async def test_alone_it_shows_help_with_examples(slack: SlackLantern) -> None:
    reply = await slack.peer.wait_for_response((await slack.command("/linkstats", "")).key)
    assert reply["response_type"] == "ephemeral"
    assert "`/linkstats clicks from messaging this week`" in reply["text"]


async def test_an_unreadable_question_says_what_was_understood_and_suggests(slack: SlackLantern) -> None:
    reply = await slack.peer.wait_for_response(
        (await slack.command("/linkstats", "clicks on the moon this week")).key
    )
    assert reply["response_type"] == "ephemeral"
    text = reply["text"]
    assert "could not read" in text
    assert "I understood: metric: clicks, period: this week" in text
    assert text.count("• `/linkstats ") >= 2


async def test_a_channel_without_the_bot_still_gets_the_answer_and_an_invite_hint(
    slack: SlackLantern,
) -> None:
    await make_links(slack)
    private = slack.peer.emulator.private_channel
    sent = await slack.command("/linkstats", "links by day this week", channel=private)
    answer = await slack.peer.wait_for_response(sent.key)
    assert answer["response_type"] == "in_channel"
    hint = await slack.peer.wait_for_response(sent.key, count=2)
    assert hint["response_type"] == "ephemeral"
    assert "/invite @Lantern" in hint["text"]
    (completed,) = slack.peer.called("files.completeUploadExternal")
    assert completed.answer == {"ok": False, "error": "not_in_channel"}


async def test_a_direct_message_gets_the_answer_and_a_hint_that_fits_a_dm(slack: SlackLantern) -> None:
    await make_links(slack)
    sent = await slack.command(
        "/linkstats", "links by day this week", channel="D0SOMEONE", channel_name="directmessage"
    )
    answer = await slack.peer.wait_for_response(sent.key)
    assert answer["response_type"] == "in_channel"
    hint = await slack.peer.wait_for_response(sent.key, count=2)
    assert hint["response_type"] == "ephemeral"
    assert "direct message" in hint["text"]
    assert "invite" not in hint["text"].lower()
