"""`POST /telegram/webhook`: check Telegram's secret header, queue the update, answer at once."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update

from bot.telegram.ptb import LanternApplication

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 -- a header name, not a secret

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def webhook_url(base_url: str) -> str:
    """The public URL Telegram is told to post updates to."""
    return f"{base_url.rstrip('/')}{PATH}"


def _problem(status: int, error: str, message: str) -> web.Response:
    return web.json_response({"error": error, "message": message}, status=status)


def webhook_handler(secret: str, application: Callable[[], LanternApplication | None]) -> Handler:
    """The route's handler; `application` returns the running bot (None before start-up)."""
    expected = secret.encode()

    async def telegram_webhook(request: web.Request) -> web.StreamResponse:
        """Accept an update only with the right secret (compared in constant time)."""
        # aiohttp keeps undecodable header bytes as surrogates; turn them back into those bytes
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            return _problem(401, "unauthorized", f"missing or wrong {SECRET_HEADER}")
        running = application()
        if running is None:
            return _problem(503, "unavailable", "the Telegram bot is not running yet")
        try:
            data = await request.json()
        except ValueError:
            return _problem(400, "invalid_json", "the body must be a JSON Telegram update")
        except RecursionError:
            return _problem(400, "invalid_json", "the JSON is nested too deeply to be a Telegram update")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return _problem(400, "invalid_update", "the body must be a Telegram update object")
        try:
            update = Update.de_json(data, running.bot)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
            log.warning("Telegram update %s could not be read: %s", data.get("update_id"), error)
            return _problem(400, "invalid_update", "the update could not be read")
        await running.update_queue.put(update)
        return web.Response(status=200)

    return telegram_webhook
