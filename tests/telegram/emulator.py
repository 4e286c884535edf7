"""telegram-test-api 4.2.1 for the end-to-end tests: start it, talk to it as a user, mend its replies.

What the emulator gets wrong, and where it is mended (here, never in Lantern):

- bot side: `getMe` has no `is_bot`; sent messages carry `date` in milliseconds and echo
  the raw request (JSON strings where Telegram has objects); edits, `setWebhook` and
  `answerCallbackQuery` answer `null` where Telegram answers `true` → `EmulatorRequest`.
- updates: callback queries have no `chat_instance` → `mend_update`, used by
  `EmulatorRequest` (polling) and by `SecretProxy` (webhook).
- webhooks are posted without `X-Telegram-Bot-Api-Secret-Token` → `SecretProxy` adds it,
  so Lantern's check stays as strict as in production.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from telegram.request import HTTPXRequest

from bot.telegram.webhook import PATH, SECRET_HEADER

LAUNCHER = Path(__file__).with_name("emulator.js")
EMULATOR_BOT = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}
#: Bot API methods the emulator answers `null` to where Telegram answers `true`.
_TRUE_RESULTS = frozenset({"editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "setWebhook"})
_MILLISECONDS = 10**11  # a `date` above this is milliseconds since 1970, not seconds


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_emulator(port: int, timeout: float = 20.0) -> subprocess.Popen[str]:
    """Start the emulator with node; return once it listens (its later output is drained)."""
    process = subprocess.Popen(
        ["node", str(LAUNCHER), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=LAUNCHER.parent,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("ready"):
            threading.Thread(target=process.stdout.read, daemon=True).start()  # a full pipe would stall node
            return process
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"telegram-test-api did not start on port {port}")


def stop_emulator(process: subprocess.Popen[str]) -> None:
    """Stop the emulator started by `start_emulator`."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _seconds(value: Any) -> Any:
    return value // 1000 if isinstance(value, int) and value > _MILLISECONDS else value


def _fix_dates(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _seconds(value) if key == "date" else _fix_dates(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_fix_dates(item) for item in node]
    return node


def mend_update(update: dict[str, Any]) -> dict[str, Any]:
    """An emulator update as Telegram would send it."""
    mended: dict[str, Any] = _fix_dates(update)
    query = mended.get("callback_query")
    if isinstance(query, dict):
        query.setdefault("chat_instance", "emulator")
    return mended


def _as_message(sent: dict[str, Any]) -> dict[str, Any]:
    """A sent message as Telegram returns it (the emulator echoes the raw request)."""
    message: dict[str, Any] = {
        "message_id": sent["message_id"],
        "date": _seconds(sent["date"]),
        "chat": {"id": sent["chat"]["id"], "type": "private", "first_name": "Emulated"},
        "from": EMULATOR_BOT,
        "text": sent.get("text", ""),
    }
    markup = sent.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    return message


def mend_reply(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Bot API reply of the emulator as Telegram would give it."""
    result = body.get("result")
    if method == "getMe" and isinstance(result, dict):
        body["result"] = {**result, "is_bot": True}
    elif method in _TRUE_RESULTS and result is None:
        body["result"] = True
    elif method == "sendMessage" and isinstance(result, dict):
        body["result"] = _as_message(result)
    elif method == "getUpdates" and isinstance(result, list):
        body["result"] = [mend_update(update) for update in result]
    return body


class EmulatorRequest(HTTPXRequest):
    """The bot's HTTP client, with every emulator reply mended before PTB reads it."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if status != 200:
            return status, payload
        body = mend_reply(url.rsplit("/", 1)[-1], json.loads(payload))
        return status, json.dumps(body).encode()


class SecretProxy:
    """Between the emulator's webhook and Lantern: adds the secret header the emulator leaves out."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.target: str | None = None  # Lantern's origin, once it runs
        self.forwarded = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(PATH, self._forward)
        return app

    async def _forward(self, request: web.Request) -> web.Response:
        assert self.target is not None, "set SecretProxy.target before users write"
        update = mend_update(await request.json())
        async with (
            ClientSession() as session,
            session.post(self.target + PATH, json=update, headers={SECRET_HEADER: self.secret}) as answer,
        ):
            self.forwarded += 1
            return web.Response(status=answer.status, body=await answer.read())


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, as the emulator's client API shows it."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> BotMessage:
        message = stored["message"]
        markup = message.get("reply_markup")
        return cls(
            message_id=int(stored["messageId"]),
            chat_id=int(message["chat_id"]),
            text=message.get("text", ""),
            reply_markup=markup if isinstance(markup, dict) else None,
        )

    def buttons(self) -> dict[str, str]:
        """Button text → its URL or callback data."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return {
            button["text"]: button.get("url") or button["callback_data"] for row in rows for button in row
        }


class EmulatedUser:
    """A Telegram user writing to the bot in a private chat, through the emulator's client API."""

    def __init__(
        self,
        session: ClientSession,
        api_url: str,
        token: str,
        *,
        user_id: int = 4711,
        first_name: str = "Ada",
        last_name: str = "Lovelace",
        username: str = "ada",
    ) -> None:
        self._session = session
        self._api = api_url
        self._token = token
        self.user_id = user_id
        self._user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
        }
        self._chat = {"id": user_id, "type": "private", "first_name": first_name, "username": username}

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        async with self._session.post(f"{self._api}/{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    def _message(self, text: str) -> dict[str, Any]:
        return {
            "botToken": self._token,
            "from": self._user,
            "chat": self._chat,
            "date": int(time.time()),
            "text": text,
        }

    async def write(self, text: str) -> None:
        """Send a plain message."""
        await self._post("sendMessage", self._message(text))

    async def command(self, text: str) -> None:
        """Send a command such as `/link https://example.com`."""
        length = len(text.split()[0])
        message = {
            **self._message(text),
            "entities": [{"offset": 0, "length": length, "type": "bot_command"}],
        }
        await self._post("sendCommand", message)

    async def press(self, message: BotMessage, button: str) -> None:
        """Press an inline keyboard button under one of the bot's messages."""
        shown = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self._chat,
            "from": EMULATOR_BOT,
            "text": message.text,
        }
        data = message.buttons()[button]
        await self._post(
            "sendCallback", {"botToken": self._token, "from": self._user, "message": shown, "data": data}
        )

    async def replies(self, count: int = 1, within: float = 15.0) -> list[BotMessage]:
        """Wait for `count` new messages from the bot in this chat."""
        received: list[BotMessage] = []
        deadline = time.monotonic() + within
        while len(received) < count:
            body = await self._post("getUpdates", {"token": self._token, "chatId": self.user_id})
            received += [BotMessage.from_stored(item) for item in body.get("result", [])]
            if len(received) >= count:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot sent {len(received)} of {count} messages: {received}")
            await asyncio.sleep(0.05)
        return received

    async def edited(self, message: BotMessage, within: float = 15.0) -> BotMessage:
        """Wait until the bot edits one of its messages; return the new version."""
        deadline = time.monotonic() + within
        while True:
            history = await self._post("getUpdatesHistory", {"token": self._token})
            for stored in history.get("result", []):
                if "messageId" in stored and stored.get("message", {}).get("chat_id") is not None:
                    current = BotMessage.from_stored(stored)
                    if current.message_id == message.message_id and current.text != message.text:
                        return current
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not edit message {message.message_id}")
            await asyncio.sleep(0.05)
