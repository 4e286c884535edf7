"""Run the bot inside the aiohttp app's lifetime: start after its dependencies, stop before them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from telegram.error import InvalidToken, NetworkError

from bot.dependencies import BOT_DEPENDENCIES
from bot.telegram import menu
from bot.telegram.application import ALLOWED_UPDATES, TELEGRAM_TRANSPORT, BotTransport, build_application
from bot.telegram.ptb import LanternApplication
from bot.telegram.webhook import webhook_url
from tracking.settings import Settings

log = logging.getLogger(__name__)

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


class RunningBot:
    """The application while it runs, for the webhook route to hand updates to."""

    def __init__(self) -> None:
        self.application: LanternApplication | None = None
        self.started = asyncio.Event()  # set once the bot answers updates (tests and health wait on it)

    def __call__(self) -> LanternApplication | None:
        return self.application


#: Seconds between attempts to reach the Bot API, doubling up to the last.
RETRY_DELAYS = (1.0, 2.0, 5.0, 15.0, 60.0)


def bot_lifetime(settings: Settings, running: RunningBot) -> CleanupContext:
    """A cleanup context that runs the bot in the background for the app's lifetime.

    The tracker never waits for Telegram: if the Bot API cannot be reached at
    start-up (or the bot stops), it is retried with back-off while redirects
    go on; only a token Telegram rejects stops the attempts.
    """

    async def telegram_bot(app: web.Application) -> AsyncIterator[None]:
        if settings.telegram_mode == "polling" and settings.worker_index != 0:
            log.info("Telegram polling runs in worker 0 only (this is worker %d)", settings.worker_index)
            yield
            return
        transport = app.get(TELEGRAM_TRANSPORT) or BotTransport()
        task = asyncio.create_task(_keep_running(settings, app, transport, running), name="telegram-bot")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return telegram_bot


async def _keep_running(
    settings: Settings, app: web.Application, transport: BotTransport, running: RunningBot
) -> None:
    attempt = 0
    while True:
        try:
            await _run_once(settings, app, transport, running)
            return
        except InvalidToken:
            # Not the error's text: it quotes the whole token.
            log.error("Telegram rejected LANTERN_TELEGRAM_TOKEN; the Telegram bot stays off")
            return
        except (NetworkError, OSError) as error:
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            attempt += 1
            log.warning("cannot reach the Telegram Bot API (%s); retrying in %.0fs", error, delay)
            await asyncio.sleep(delay)


async def _run_once(
    settings: Settings, app: web.Application, transport: BotTransport, running: RunningBot
) -> None:
    """Start the bot, register the webhook or start polling, and run until cancelled."""
    application = build_application(settings, app[BOT_DEPENDENCIES], transport)
    async with application:
        await application.start()
        try:
            if settings.worker_index == 0:  # one worker speaks for the bot at start-up
                await menu.register(application.bot)
            if application.updater is None:
                await _set_webhook(application, settings)
                running.application = application
            else:
                await application.updater.start_polling(
                    poll_interval=transport.poll_interval,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=settings.telegram_drop_pending_updates,
                )
            log.info("Telegram bot @%s is running (%s)", application.bot.username, settings.telegram_mode)
            running.started.set()
            await asyncio.Event().wait()  # until the app shuts down and cancels us
        finally:
            running.started.clear()
            running.application = None

            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()


async def _set_webhook(application: LanternApplication, settings: Settings) -> None:
    secret = settings.telegram_webhook_secret
    if secret is None:  # the settings refuse webhook mode without one; this keeps mypy sure of it
        raise ValueError("webhook mode needs LANTERN_TELEGRAM_WEBHOOK_SECRET")
    await application.bot.set_webhook(
        url=webhook_url(settings.base_url),
        secret_token=secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),
        drop_pending_updates=settings.telegram_drop_pending_updates and settings.worker_index == 0,
    )
