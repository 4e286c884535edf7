"""The link limit as a Telegram user meets it: a "Slow down" reply, nothing stored, others unaffected."""

from __future__ import annotations

import json
from typing import Any

from tests.telegram.conftest import RecordedBot, StartBot
from tests.telegram.recorder import USER, inline_query_update, message_update

SOMEONE_ELSE: dict[str, Any] = {**USER, "id": 4712, "first_name": "Grace", "username": "grace"}
LIMITS = {"link_rate_per_minute": 1, "link_rate_burst": 2}  # two links, then one a minute


async def test_past_the_limit_the_reply_says_slow_down(start_bot: StartBot, sqlite_url: str) -> None:
    bot: RecordedBot = await start_bot(sqlite_url, **LIMITS)
    assert await bot.post(message_update("/link https://example.com/a for whatsapp, email")) == 200
    await bot.recorder.wait_for("sendMessage", 1)
    assert await bot.post(message_update("/link https://example.com/b")) == 200
    [made, refused] = await bot.recorder.wait_for("sendMessage", 2)
    assert "Your links" in made.params["text"]
    assert refused.params["text"].startswith("Slow down: you can make 1 link a minute; try again in ")
    assert refused.params["text"].endswith((" s", " min"))
    assert "Sorry" not in refused.params["text"]
    assert len(await bot.storage.links()) == 2

    assert await bot.post(inline_query_update("https://example.com/c")) == 200
    [answer] = await bot.recorder.wait_for("answerInlineQuery")
    assert json.loads(answer.params["results"]) == []
    assert json.loads(answer.params["button"])["text"].startswith("slow down: you can make 1 link a minute")

    assert await bot.post(message_update("/link https://example.com/c", user=SOMEONE_ELSE)) == 200
    texts = [call.params["text"] for call in await bot.recorder.wait_for("sendMessage", 3)]
    assert "Your link" in texts[2]
    assert len(await bot.storage.links()) == 3
