"""No secret in any log line: whole Telegram sessions at DEBUG (polling and webhook), and a
token Telegram rejects; every captured line is searched for the token and the webhook secret."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from lantern.composition import build_app
from tests.telegram.conftest import SECRET, Emulated, ServerFactory, new_token
from tracking.settings import Settings


def every_line(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as a handler writes it, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_telegram_session_logs_neither_token_nor_webhook_secret(
    emulated: Emulated, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await emulated.user.command("/link https://example.com/post for whatsapp")
    await emulated.user.replies()
    await emulated.user.command("/stats clicks by day this week")
    await emulated.user.replies()
    await asyncio.sleep(0.3)  # a few more polls

    text = every_line(caplog)
    token = emulated.parts.settings.telegram_token
    assert token is not None
    assert len(caplog.records) > 20  # DEBUG really was on
    assert "HTTP Request" not in text  # httpx's URL lines are silenced
    for secret in (token.get_secret_value(), token.get_secret_value().split(":")[1], SECRET):
        assert secret not in text


async def test_a_rejected_token_is_not_echoed(
    clean_env: None, sqlite_url: str, aiohttp_server: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def unauthorized(_request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)

    bot_api = web.Application()
    bot_api.router.add_route("*", "/{tail:.*}", unauthorized)
    api: TestServer = await aiohttp_server(bot_api)
    token = new_token()
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        database_url=sqlite_url,
        telegram_token=token,
        telegram_mode="polling",
        telegram_api_url=str(api.make_url("")).rstrip("/"),
        telegram_allowed_users="4711",
    )
    await aiohttp_server(build_app(settings))
    for _ in range(100):
        if "Telegram rejected LANTERN_TELEGRAM_TOKEN" in caplog.text:
            break
        await asyncio.sleep(0.05)
    text = every_line(caplog)
    assert "Telegram rejected LANTERN_TELEGRAM_TOKEN" in text
    assert token not in text and token.split(":")[1] not in text
