"""`lantern doctor` asks the Bot API (the telegram-test-api emulator) about the configured bot.

The emulator answers `getMe` but not `getWebhookInfo` (500) and accepts any
token, so a small stand-in in front of it answers those two things the way
Telegram does: the webhook's state, and 401 for a revoked token. Everything
else goes on to the emulator.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from lantern.doctor import Check, Status, run_checks
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine

ServerFactory = Callable[..., Awaitable[TestServer]]
REVOKED = "999:revoked"


class BotApiStandIn:
    """Forwards to the emulator; answers getWebhookInfo and revoked tokens itself."""

    def __init__(self, emulator_url: str) -> None:
        self.emulator_url = emulator_url
        self.webhook: dict[str, Any] = {"url": "", "pending_update_count": 0}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._call)
        return app

    async def _call(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if token == REVOKED:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if method == "getWebhookInfo":
            return web.json_response({"ok": True, "result": self.webhook})
        async with (
            ClientSession() as session,
            session.post(f"{self.emulator_url}/bot{token}/{method}", data=await request.read()) as answer,
        ):
            return web.Response(
                body=await answer.read(), status=answer.status, content_type="application/json"
            )


async def settings_for(tmp_path: Path, api_url: str, **values: Any) -> Settings:
    if not values.get("telegram_allow_anyone"):
        values.setdefault("telegram_allowed_users", "42")  # the bot is closed to everyone without a list
    url = f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    return Settings(database_url=url, telegram_api_url=api_url, **values)


def telegram_lines(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks if check.name.startswith("telegram")}


async def test_polling_bot_against_the_emulator(clean_env: None, tmp_path: Path, emulator_url: str) -> None:
    settings = await settings_for(
        tmp_path, emulator_url, telegram_token="123:abc", telegram_mode="polling", telegram_allowed_users="42"
    )
    checks = telegram_lines(await run_checks(settings))
    assert checks["telegram token"].status is Status.OK
    assert checks["telegram token"].message == "valid: @TestNameBot"
    assert checks["telegram allowed users"].status is Status.OK
    # the emulator has no getWebhookInfo: said, not hidden, and not a failure of the bot's setup
    assert checks["telegram webhook"].status is Status.WARN


@pytest.fixture
async def stand_in(emulator_url: str, aiohttp_server: ServerFactory) -> tuple[BotApiStandIn, str]:
    peer = BotApiStandIn(emulator_url)
    server = await aiohttp_server(peer.app())
    return peer, str(server.make_url("")).rstrip("/")


async def test_webhook_state_against_the_mode(
    clean_env: None, tmp_path: Path, stand_in: tuple[BotApiStandIn, str]
) -> None:
    peer, api_url = stand_in
    polling = await settings_for(
        tmp_path, api_url, telegram_token="123:abc", telegram_mode="polling", telegram_allow_anyone=True
    )
    checks = telegram_lines(await run_checks(polling))
    assert (checks["telegram webhook"].status, checks["telegram webhook"].message) == (
        Status.OK,
        "none set, as polling needs",
    )
    assert checks["telegram allowed users"].status is Status.WARN
    assert "LANTERN_TELEGRAM_ALLOWED_USERS" in checks["telegram allowed users"].message

    peer.webhook["url"] = "https://old.example.com/hook"
    checks = telegram_lines(await run_checks(polling))
    assert checks["telegram webhook"].status is Status.WARN
    assert "Lantern removes it" in checks["telegram webhook"].message

    webhook = await settings_for(
        tmp_path,
        api_url,
        telegram_token="123:abc",
        telegram_webhook_secret="s" * 32,
        base_url="https://go.example.com",
    )
    checks = telegram_lines(await run_checks(webhook))
    assert checks["telegram webhook"].status is Status.WARN
    assert "replaces it with https://go.example.com/telegram/webhook" in checks["telegram webhook"].message
    peer.webhook["url"] = "https://go.example.com/telegram/webhook"
    assert telegram_lines(await run_checks(webhook))["telegram webhook"].status is Status.OK
    peer.webhook["last_error_message"] = "Wrong response from the webhook: 401 Unauthorized"
    checks = telegram_lines(await run_checks(webhook))
    assert checks["telegram webhook"].status is Status.WARN
    assert "401 Unauthorized" in checks["telegram webhook"].message


async def test_refused_token_and_a_webhook_telegram_cannot_reach(
    clean_env: None, tmp_path: Path, stand_in: tuple[BotApiStandIn, str]
) -> None:
    _, api_url = stand_in
    settings = await settings_for(tmp_path, api_url, telegram_token=REVOKED, telegram_webhook_secret="s" * 32)
    checks = {check.name: check for check in await run_checks(settings)}
    assert checks["telegram token"].status is Status.FAIL
    assert (
        "Unauthorized" in checks["telegram token"].message
        and "@BotFather" in checks["telegram token"].message
    )
    # webhook mode with the default http://localhost:8080: Telegram could never post there
    assert checks["telegram webhook url"].status is Status.FAIL
    assert "LANTERN_TELEGRAM_MODE=polling" in checks["telegram webhook url"].message
