"""A stand-in Bot API server that records every call, and the update JSON Telegram would post.

For what the emulator cannot do (inline queries, chosen inline results,
photos): the app's `telegram_api_url` points here, tests post real update
JSON to `/telegram/webhook` and read back the calls the bot made.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER: dict[str, Any] = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Lantern",
    "username": "lantern_test_bot",
}
USER: dict[str, Any] = {
    "id": 4711,
    "is_bot": False,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "username": "ada",
}


@dataclass(frozen=True)
class Call:
    """One Bot API call: its method, its form fields, and any uploaded files."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)


class BotApiRecorder:
    """Answers every Bot API method plausibly and remembers each call."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._message_ids = itertools.count(1000)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._answer)
        return app

    def of(self, method: str) -> list[Call]:
        """The calls of one method so far, in order."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, within: float = 15.0) -> list[Call]:
        """Wait until `method` was called `count` times."""
        deadline = time.monotonic() + within
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                seen = [call.method for call in self.calls]
                raise AssertionError(
                    f"{method} called {len(self.of(method))} of {count} times; calls: {seen}"
                )
            await asyncio.sleep(0.02)
        return self.of(method)

    async def _answer(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, str] = {}
        files: dict[str, bytes] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
            else:
                params[key] = str(value)
        self.calls.append(Call(method, params, files))
        return web.json_response({"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, str]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto", "editMessageText"}:
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id", "0")), "type": "private"},
                "from": BOT_USER,
            }
            if method == "sendPhoto":
                message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1200, "height": 675}]
            else:
                message["text"] = params.get("text", "")
            return message
        return True


_update_ids = itertools.count(900_000)


def next_update_id() -> int:
    """A fresh update id."""
    return next(_update_ids)


def message_update(text: str, *, user: dict[str, Any] = USER, chat_type: str = "private") -> dict[str, Any]:
    """A `message` update; a leading `/word` is marked as a bot command, as Telegram does."""
    chat: dict[str, Any] = {"id": user["id"], "type": chat_type, "first_name": user["first_name"]}
    if chat_type != "private":
        chat = {"id": -100123, "type": chat_type, "title": "Team"}
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": next_update_id(), "message": message}


def inline_query_update(query: str, *, user: dict[str, Any] = USER) -> dict[str, Any]:
    """An `inline_query` update: the user typed `@bot <query>` in some chat."""
    return {
        "update_id": next_update_id(),
        "inline_query": {"id": f"iq{next(_update_ids)}", "from": user, "query": query, "offset": ""},
    }


def chosen_result_update(result_id: str, *, query: str, user: dict[str, Any] = USER) -> dict[str, Any]:
    """A `chosen_inline_result` update (sent when inline feedback is on)."""
    return {
        "update_id": next_update_id(),
        "chosen_inline_result": {"result_id": result_id, "from": user, "query": query},
    }


def callback_update(data: str, *, message_id: int, user: dict[str, Any] = USER) -> dict[str, Any]:
    """A `callback_query` update: a button pressed under the bot's message."""
    return {
        "update_id": next_update_id(),
        "callback_query": {
            "id": f"cb{next(_update_ids)}",
            "from": user,
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
                "from": BOT_USER,
                "text": "Your link for Telegram",
            },
        },
    }
