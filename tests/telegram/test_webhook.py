"""The webhook route and everything the emulator cannot show: real update JSON posted to
`/telegram/webhook`, the bot's Bot API calls caught by a recorder."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientSession

from bot.telegram import TELEGRAM_BOT, replies
from lantern.composition import PARTS, build_app
from tests.telegram.conftest import SECRET, RecordedBot, ServerFactory, StartBot, new_token
from tests.telegram.emulator import free_port
from tests.telegram.recorder import (
    USER,
    callback_update,
    chosen_result_update,
    inline_query_update,
    message_update,
)
from tests.web.conftest import BROWSER
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings

QUIET = 0.3  # seconds to wait before asserting that nothing (more) happened


async def eventually(check: Any, within: float = 10.0) -> Any:
    """Poll an async check until it returns something truthy."""
    deadline = time.monotonic() + within
    while True:
        found = await check()
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_start_up_registers_the_webhook_with_its_secret(recorded: RecordedBot) -> None:
    [call] = recorded.recorder.of("setWebhook")
    assert call.params["url"] == "https://go.example.com/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert json.loads(call.params["allowed_updates"]) == [
        "message",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
    ]
    assert "getUpdates" not in [c.method for c in recorded.recorder.calls]


async def test_start_up_registers_commands_and_descriptions_in_english_and_french(
    recorded: RecordedBot,
) -> None:
    menus = recorded.recorder.of("setMyCommands")
    by_place = {
        (json.loads(call.params["scope"])["type"], call.params.get("language_code")): json.loads(
            call.params["commands"]
        )
        for call in menus
    }
    assert set(by_place) == {
        ("all_private_chats", None),
        ("all_group_chats", None),
        ("all_private_chats", "fr"),
        ("all_group_chats", "fr"),
    }
    assert [c["command"] for c in by_place[("all_private_chats", None)]] == ["link", "stats", "help", "start"]
    assert [c["command"] for c in by_place[("all_group_chats", None)]] == ["link", "stats", "help"]
    assert by_place[("all_private_chats", "fr")][0]["description"].startswith("Créer des liens suivis")
    descriptions = {
        call.params.get("language_code"): call.params["description"]
        for call in recorded.recorder.of("setMyDescription")
    }
    assert descriptions[None].startswith("Lantern makes short links")
    assert descriptions["fr"].startswith("Lantern crée des liens courts")
    assert len(recorded.recorder.of("setMyShortDescription")) == 2
    [webhook] = recorded.recorder.of("setWebhook")
    assert webhook.params.get("drop_pending_updates") in (None, "false")


async def test_pending_updates_are_dropped_when_asked(start_bot: StartBot, sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url, telegram_drop_pending_updates=True)
    [webhook] = bot.recorder.of("setWebhook")
    assert webhook.params["drop_pending_updates"] == "true"


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET[:-1] + "X", SECRET + "x"])
async def test_missing_or_wrong_secret_is_401_and_changes_nothing(
    recorded: RecordedBot, secret: str | None
) -> None:
    assert await recorded.post(message_update("/link https://example.com/post"), secret=secret) == 401
    await asyncio.sleep(QUIET)
    assert recorded.recorder.of("sendMessage") == []
    assert await recorded.storage.links() == []


async def test_a_body_that_is_no_update_is_400(recorded: RecordedBot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    for body in (b"{not json", b"[]", b'{"message": {}}', b'{"update_id": 1, "message": {"text": "x"}}'):
        async with recorded.client.post(recorded.url("/telegram/webhook"), data=body, headers=headers) as r:
            assert r.status == 400, body
    await asyncio.sleep(QUIET)
    assert recorded.recorder.of("sendMessage") == []


async def test_the_same_update_id_is_handled_once(recorded: RecordedBot) -> None:
    update = message_update("/link https://example.com/once")
    assert [await recorded.post(update) for _ in range(3)] == [200, 200, 200]
    assert await recorded.post(message_update("/help")) == 200
    await recorded.recorder.wait_for("sendMessage", 2)
    await asyncio.sleep(QUIET)
    texts = [call.params["text"] for call in recorded.recorder.of("sendMessage")]
    assert sum("Your links" in text for text in texts) == 1, texts
    assert len(await recorded.storage.links()) == 1


async def test_inline_typing_creates_nothing_and_a_pick_makes_one_telegram_link(
    start_bot: StartBot, database_url: str
) -> None:
    bot = await start_bot(database_url, link_rate_per_minute=1, link_rate_burst=1)
    typed = "https://example.com/post"
    for end in range(len("https://example.c"), len(typed) + 1):  # letter by letter
        assert await bot.post(inline_query_update(typed[:end])) == 200
    answers = await bot.recorder.wait_for("answerInlineQuery", len(typed) - len("https://example.c") + 1)
    await asyncio.sleep(QUIET)
    assert await bot.storage.links() == []
    last = answers[-1]
    assert last.params["is_personal"] == "true"
    [result] = json.loads(last.params["results"])
    slug = result["id"].split(":")[0]
    assert result["id"] == f"{slug}:telegram"
    assert result["input_message_content"]["message_text"] == f"https://go.example.com/{slug}"
    for answer in answers:  # never "slow down" while typing, though the limit is one link
        assert "button" not in answer.params or "slow down" not in answer.params["button"]

    assert await bot.post(chosen_result_update(result["id"], query=typed)) == 200
    [link] = await eventually(bot.storage.links)
    assert (link.slug, link.channel, link.target) == (slug, "telegram", typed)
    assert "utm_source=telegram" in link.tagged_target
    [share] = await eventually(bot.storage.visits)
    assert (share.link_id, share.kind, share.channel) == (link.id, "preview", "telegram")
    assert (share.evidence, share.rule) == ("platform-event", "telegram-inline")
    [sharer] = await bot.storage.sharers()
    assert (sharer.platform, sharer.external_id) == ("telegram", str(USER["id"]))

    # the limit counted the one pick: the next link is refused, though none was made while typing
    await bot.post(message_update("/link https://example.com/next"))
    [refused] = await bot.recorder.wait_for("sendMessage")
    assert refused.params["text"].startswith("Slow down")
    assert len(await bot.storage.links()) == 1


async def test_inline_offers_only_telegram_even_when_other_channels_are_named(recorded: RecordedBot) -> None:
    await recorded.post(inline_query_update("https://example.com/x for wa, whatsapp, sms campaign Q4"))
    [answer] = await recorded.recorder.wait_for("answerInlineQuery")
    [result] = json.loads(answer.params["results"])
    assert result["id"].endswith(":telegram")
    await recorded.post(
        chosen_result_update(result["id"], query="https://example.com/x for wa, whatsapp, sms campaign Q4")
    )
    [link] = await eventually(recorded.storage.links)
    assert (link.channel, link.campaign) == ("telegram", "q4")


async def test_a_pick_of_an_existing_link_reuses_it(recorded: RecordedBot) -> None:
    await recorded.post(message_update("/link https://example.com/again"))
    await recorded.recorder.wait_for("sendMessage")
    [made] = await recorded.storage.links()
    await recorded.post(inline_query_update("https://example.com/again"))
    [answer] = await recorded.recorder.wait_for("answerInlineQuery")
    [result] = json.loads(answer.params["results"])
    assert result["id"] == f"{made.slug}:telegram"
    await recorded.post(chosen_result_update(result["id"], query="https://example.com/again"))
    await eventually(recorded.storage.visits)
    assert [link.slug for link in await recorded.storage.links()] == [made.slug]


async def test_inline_query_with_a_bad_url_or_nothing_explains_on_the_button(recorded: RecordedBot) -> None:
    await recorded.post(inline_query_update("not-a-link"))
    await recorded.post(inline_query_update(""))
    answers = await recorded.recorder.wait_for("answerInlineQuery", 2)
    buttons = sorted(json.loads(a.params["button"])["text"] for a in answers)
    assert all(json.loads(a.params["results"]) == [] for a in answers)
    assert buttons == [replies.INLINE_HINT, "the URL must start with http:// or https://"]
    assert await recorded.storage.links() == []


async def test_a_pick_of_something_unknown_stores_nothing(recorded: RecordedBot) -> None:
    await recorded.post(chosen_result_update("nosuch1:whatsapp", query="x"))
    await recorded.post(chosen_result_update("garbage", query="x"))
    await asyncio.sleep(QUIET)
    assert await recorded.storage.visits() == []


async def test_a_pasted_link_comes_to_copy_with_share_buttons_tagged_per_app(recorded: RecordedBot) -> None:
    await recorded.post(message_update("https://example.com/pasted"))
    [sent] = await recorded.recorder.wait_for("sendMessage")
    assert json.loads(sent.params["link_preview_options"]) == {"is_disabled": True}
    links = {link.channel: link for link in await recorded.storage.links()}
    assert sorted(links) == ["email", "sms", "telegram", "whatsapp"]
    assert f"<code>https://go.example.com/{links['telegram'].slug}</code>" in sent.params["text"]
    keyboard = json.loads(sent.params["reply_markup"])["inline_keyboard"]
    buttons = {b["text"]: b["url"] for row in keyboard for b in row}
    assert buttons == {
        "WhatsApp": f"https://wa.me/?text=https%3A%2F%2Fgo.example.com%2F{links['whatsapp'].slug}",
        "Email": f"mailto:?body=https%3A%2F%2Fgo.example.com%2F{links['email'].slug}",
        "SMS": f"sms:?body=https%3A%2F%2Fgo.example.com%2F{links['sms'].slug}",
    }


async def test_an_old_or_unknown_button_gets_a_plain_alert(recorded: RecordedBot) -> None:
    await recorded.post(callback_update("ch:ZZZZZZZ:email", message_id=1000))
    french = {**USER, "language_code": "fr"}
    await recorded.post(callback_update("whatever", message_id=1000, user=french))
    first, second = await recorded.recorder.wait_for("answerCallbackQuery", 2)
    texts = sorted([first.params["text"], second.params["text"]])
    assert texts[0].startswith("Ce bouton vient d’un ancien message")
    assert texts[1].startswith("This button is from an older message and no longer works.")
    assert all(call.params["show_alert"] == "true" for call in (first, second))
    assert "ZZZZZZZ" not in " ".join(texts) and "'" not in " ".join(texts)
    assert recorded.recorder.of("editMessageText") == []


async def test_stats_with_a_series_sends_the_chart_as_a_photo(start_bot: StartBot, sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url)
    await bot.post(message_update("/link https://example.com/chart"))
    await bot.recorder.wait_for("sendMessage")
    [link] = await bot.storage.links()
    headers = {"User-Agent": BROWSER}
    async with bot.client.get(bot.url(f"/{link.slug}"), headers=headers, allow_redirects=False) as response:
        assert response.status == 302
    await bot.post(message_update("/stats clicks by day this week"))
    [photo] = await bot.recorder.wait_for("sendPhoto")
    assert photo.params["caption"].startswith("<b>1 click · this week")  # the answer is the caption
    assert photo.params["parse_mode"] == "HTML"
    assert len(bot.recorder.of("sendMessage")) == 1  # only the /link reply: no separate answer
    assert photo.files["photo"].startswith(b"\x89PNG")
    assert photo.params["chat_id"] == str(USER["id"])


async def test_stats_without_rows_or_with_nothing_counted_sends_no_photo(recorded: RecordedBot) -> None:
    await recorded.post(message_update("/stats clicks this week"))
    await recorded.post(message_update("/stats clicks by day this week"))
    await recorded.post(message_update("/stats"))
    sent = await recorded.recorder.wait_for("sendMessage", 3)
    await asyncio.sleep(QUIET)
    assert recorded.recorder.of("sendPhoto") == []
    texts = sorted(call.params["text"] for call in sent)
    assert texts[0].startswith("Ask a question after /stats")
    assert all(text.startswith("No clicks this week yet") for text in texts[1:])


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("/link", "Use /link URL [for CHANNEL, …] [campaign NAME]"),
        ("/link ftp://example.com/f", "Sorry, only http and https links can be shortened"),
        (
            "/link https://example.com/ for <b>pigeon</b>",
            "Sorry, unknown channel '&lt;b&gt;pigeon&lt;/b&gt;'",
        ),
        ("/link <script>alert(1)</script>", "Sorry, the URL must start with http:// or https://"),
        ("/link https://example.com/ campaign bad!name", "Sorry, a campaign name is 1 to 64 letters"),
        ("/stats clicks from <i>nowhere</i>", "Sorry, I could not read"),
    ],
)
async def test_mistakes_get_a_friendly_escaped_reply(recorded: RecordedBot, command: str, says: str) -> None:
    await recorded.post(message_update(command))
    [reply] = await recorded.recorder.wait_for("sendMessage")
    text = reply.params["text"]
    assert says in text
    assert "<script>" not in text and "<b>pigeon" not in text and "<i>nowhere" not in text
    assert "Traceback" not in text
    assert await recorded.storage.links() == []


async def test_pasted_text_without_a_link_gets_a_hint_and_groups_are_left_alone(
    recorded: RecordedBot,
) -> None:
    await recorded.post(message_update("https://example.com/in-a-group", chat_type="supergroup"))
    await recorded.post(message_update("hello there"))
    [reply] = await recorded.recorder.wait_for("sendMessage")
    await asyncio.sleep(QUIET)
    assert reply.params["text"] == replies.NO_URL
    assert len(recorded.recorder.of("sendMessage")) == 1
    await recorded.post(
        message_update("/link@lantern_test_bot https://example.com/g", chat_type="supergroup")
    )
    [_, made] = await recorded.recorder.wait_for("sendMessage", 2)
    assert made.params["chat_id"] == "-100123" and "Your links" in made.params["text"]


class ExplodingStats:
    """A stats service that fails the way a bug would."""

    tz = ZoneInfo("UTC")

    async def answer(self, *_: object, **__: object) -> None:
        raise RuntimeError("boom: the database fell over")


async def test_an_unexpected_error_is_logged_with_its_traceback_and_answered_briefly(
    start_bot: StartBot, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    recorded = await start_bot(sqlite_url, bots={"stats": ExplodingStats()})
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        await recorded.post(message_update("/stats clicks today"))
        [reply] = await recorded.recorder.wait_for("sendMessage")
    assert reply.params["text"] == replies.APOLOGY
    [record] = [r for r in caplog.records if r.name.startswith("bot.telegram")]
    assert record.exc_info is not None and "boom" in str(record.exc_info[1])


async def test_only_allowed_users_get_anything(start_bot: StartBot, sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url, telegram_allowed_users="111,222")
    await bot.post(message_update("/link https://example.com/secret"))
    await bot.post(message_update("/stats clicks today"))
    await bot.post(message_update("chatter in a group", chat_type="group"))
    await bot.post(inline_query_update("https://example.com/secret"))
    await bot.post(callback_update("ch:abc1234:email", message_id=5))
    await bot.post(chosen_result_update("abc1234:email", query="x"))
    refusals = await bot.recorder.wait_for("sendMessage", 2)
    [alert] = await bot.recorder.wait_for("answerCallbackQuery")
    [inline_answer] = await bot.recorder.wait_for("answerInlineQuery")
    await asyncio.sleep(QUIET)
    expected = replies.refusal_text(int(USER["id"]))
    assert [call.params["text"] for call in refusals] == [expected, expected]
    assert len(bot.recorder.of("sendMessage")) == 2
    assert "4711" in expected
    assert alert.params["show_alert"] == "true" and alert.params["text"] == expected
    assert json.loads(inline_answer.params["results"]) == []
    assert await bot.storage.links() == [] and await bot.storage.visits() == []

    allowed = {**USER, "id": 222}
    await bot.post(message_update("/link https://example.com/team", user=allowed))
    replies_now = await bot.recorder.wait_for("sendMessage", 3)
    assert "Your links" in replies_now[-1].params["text"]


@pytest.mark.parametrize("raw_secret", [b"\xff\xfe\xfd", "geheimnis-é-0123456789".encode()])
async def test_a_secret_header_of_odd_bytes_is_401_not_a_crash(
    recorded: RecordedBot, raw_secret: bytes
) -> None:
    body = json.dumps(message_update("/help")).encode()
    host, port = recorded.server.host, recorded.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: " + raw_secret + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    assert status_line.split()[1] == b"401"


async def test_short_links_keep_working_while_the_bot_api_is_unreachable(
    clean_env: None, sqlite_url: str, aiohttp_server: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=sqlite_url,
        telegram_token=new_token(),
        telegram_mode="polling",
        telegram_api_url=f"http://127.0.0.1:{free_port()}",
        telegram_allow_anyone=True,
    )
    server = await aiohttp_server(build_app(settings))
    parts = server.app[PARTS]
    slug = (await parts.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
    async with (
        ClientSession() as session,
        session.get(server.make_url(f"/{slug}"), allow_redirects=False) as response,
    ):
        assert response.status == 302
    for _ in range(100):
        if "cannot reach the Telegram Bot API" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert "cannot reach the Telegram Bot API" in caplog.text
    assert not server.app[TELEGRAM_BOT].started.is_set()


@pytest.mark.parametrize(
    ("text", "entity", "target"),
    [
        ("see example.com/post", {"type": "url", "offset": 4, "length": 16}, "https://example.com/post"),
        (
            "read this 👀 now",
            {"type": "text_link", "offset": 5, "length": 4, "url": "https://example.com/hidden"},
            "https://example.com/hidden",
        ),
    ],
)
async def test_pasted_links_are_read_from_telegrams_entities(
    recorded: RecordedBot, text: str, entity: dict[str, Any], target: str
) -> None:
    update = message_update(text)
    update["message"]["entities"] = [entity]
    await recorded.post(update)
    [reply] = await recorded.recorder.wait_for("sendMessage")
    assert f"It opens {target}" in reply.params["text"]
    assert {link.target for link in await recorded.storage.links()} == {target}
