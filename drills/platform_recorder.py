"""Where Slack and Telegram stand during drill 6: a local server that answers their APIs and remembers.

Lantern's Slack Web API base (`/slack/api/`), Telegram Bot API root
(`/telegram`) and Slack response URLs (`/respond/{key}`) all point here.
Every call is answered `{"ok": true, …}` with just enough of a result for
the SDKs to go on (auth.test, users.info, getMe, sendMessage…), so the
drill can count what Lantern did after each forged or replayed request.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

SLACK_TEAM = "T0DRILL01"
SLACK_USER = "U0DRILL01"
SLACK_BOT_USER = "U0LANTERN"
TELEGRAM_BOT: dict[str, Any] = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Lantern",
    "username": "lantern_drill_bot",
}


@dataclass(frozen=True)
class Call:
    """One API call Lantern made: which platform, which method, with what arguments."""

    platform: str
    method: str
    args: dict[str, Any]


@dataclass
class PlatformRecorder:
    """The recording server; `origin` is set once it listens."""

    origin: str = ""
    calls: list[Call] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def slack_api(self) -> str:
        return f"{self.origin}/slack/api/"

    @property
    def telegram_api(self) -> str:
        return f"{self.origin}/telegram"

    def response_url(self, key: str) -> str:
        return f"{self.origin}/respond/{key}"

    def of(self, platform: str, method: str | None = None) -> list[Call]:
        """Calls to one platform (and method), in order."""
        return [c for c in self.calls if c.platform == platform and method in (None, c.method)]

    async def wait_for(self, condition: Any, what: str, within: float = 20.0) -> None:
        """Poll until `condition()` holds (Lantern works after it has answered the request)."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {within}s waiting for {what}")
            await asyncio.sleep(0.02)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/slack/api/{method}", self._slack)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/telegram/bot{token}/{method}", self._telegram)
        return app

    async def _slack(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if request.content_type == "application/json" and raw:
            args |= json.loads(raw)
        elif raw:
            args |= dict(parse_qsl(raw.decode()))
        self.calls.append(Call("slack", method, args))
        answer: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            answer |= {
                "team_id": SLACK_TEAM,
                "user_id": SLACK_BOT_USER,
                "bot_id": "B0LANTERN",
                "team": "Drill",
            }
        elif method == "users.info":
            profile = {"display_name": "Ada", "real_name": "Ada Lovelace"}
            answer["user"] = {"id": args.get("user", SLACK_USER), "name": "ada", "profile": profile}
        elif method == "chat.postMessage":
            answer |= {"channel": args.get("channel"), "ts": f"{time.time():.6f}"}
        return web.json_response(answer)

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.setdefault(request.match_info["key"], []).append(await request.json())
        return web.Response(text="ok")

    async def _telegram(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = {key: str(value) for key, value in (await request.post()).items()}
        if not args and request.content_type == "application/json":
            args = await request.json()
        self.calls.append(Call("telegram", method, args))
        result: Any = True
        if method == "getMe":
            result = TELEGRAM_BOT
        elif method in {"sendMessage", "editMessageText"}:
            result = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": int(args.get("chat_id", 0)), "type": "private"},
                "from": TELEGRAM_BOT,
                "text": args.get("text", ""),
            }
        return web.json_response({"ok": True, "result": result})


@asynccontextmanager
async def recording(port: int) -> AsyncIterator[PlatformRecorder]:
    """The recorder listening on 127.0.0.1:port for the duration of the block."""
    recorder = PlatformRecorder(origin=f"http://127.0.0.1:{port}")
    runner = web.AppRunner(recorder.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield recorder
    finally:
        await runner.cleanup()
