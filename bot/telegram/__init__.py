"""The Telegram bot: tagged links, share buttons, inline sharing into any chat, and stats answers.

`install` is what the composition root calls when LANTERN_TELEGRAM_TOKEN is set.
"""

from __future__ import annotations

from aiohttp import web

from bot.telegram.application import TELEGRAM_TRANSPORT, BotTransport
from bot.telegram.lifetime import RunningBot, bot_lifetime
from bot.telegram.webhook import PATH, webhook_handler
from tracking.settings import Settings

__all__ = ["TELEGRAM_BOT", "TELEGRAM_TRANSPORT", "BotTransport", "install"]

#: The running bot, so callers can wait until it answers (`app[TELEGRAM_BOT].started`).
TELEGRAM_BOT = web.AppKey("telegram_bot", RunningBot)


def install(app: web.Application, settings: Settings) -> None:
    """Run the bot for the app's lifetime; in webhook mode also add `POST /telegram/webhook`.

    The bot starts after its dependencies (it reads `app[BOT_DEPENDENCIES]`), so
    this must be called after the composition root's cleanup context was added.
    """
    running = RunningBot()
    app[TELEGRAM_BOT] = running

    if settings.telegram_mode == "webhook":
        secret = settings.telegram_webhook_secret
        if secret is None:  # the settings refuse webhook mode without one
            raise ValueError("webhook mode needs LANTERN_TELEGRAM_WEBHOOK_SECRET")
        app.router.add_post(PATH, webhook_handler(secret.get_secret_value(), running))
    app.cleanup_ctx.append(bot_lifetime(settings, running))
