"""A stranger's webhook posts get clear 4xx answers; questions are limited per Telegram user;
someone not on the allow-list gets a polite no and nothing else."""

from __future__ import annotations

from typing import Any

from bot.telegram.webhook import PATH, SECRET_HEADER
from tests.telegram.conftest import SECRET, RecordedBot, StartBot
from tests.telegram.recorder import USER, message_update

SOMEONE_ELSE: dict[str, Any] = {**USER, "id": 4712, "first_name": "Grace", "username": "grace"}


async def test_deeply_nested_json_is_400(recorded: RecordedBot) -> None:
    async with recorded.client.post(
        recorded.url(PATH),
        data=b"[" * 20_000,
        headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_json"


async def test_questions_are_limited_per_telegram_user(start_bot: StartBot, sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url, question_rate_per_minute=1, question_burst=1)
    assert await bot.post(message_update("/stats clicks this week")) == 200
    assert await bot.post(message_update("/stats clicks today")) == 200
    assert await bot.post(message_update("/stats clicks today", user=SOMEONE_ELSE)) == 200
    texts = [call.params["text"] for call in await bot.recorder.wait_for("sendMessage", 3)]
    refused = [text for text in texts if "1 question a minute" in text]
    assert len(refused) == 1 and "Sorry" not in refused[0]


async def test_a_stranger_is_refused_politely(start_bot: StartBot, sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url, telegram_allowed_users="4712")
    assert await bot.post(message_update("/link https://example.com/a")) == 200
    [reply] = await bot.recorder.wait_for("sendMessage", 1)
    assert "only works for its team" in reply.params["text"] and "4711" in reply.params["text"]
    assert await bot.storage.links() == []
