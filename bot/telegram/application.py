"""Build the python-telegram-bot Application: Bot API address, defaults, flood limits, handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.dependencies import BotDependencies
from bot.telegram.access import AccessGate
from bot.telegram.dedupe import OncePerUpdate
from bot.telegram.handlers import Handlers
from bot.telegram.ptb import LanternApplication
from bot.telegram.subscriptions import subscription_handlers
from tracking.settings import Settings

#: The updates Lantern asks Telegram for (webhook and polling alike).
ALLOWED_UPDATES: tuple[str, ...] = ("message", "callback_query", "inline_query", "chosen_inline_result")
#: Handler groups run in order; a guard that raises ApplicationHandlerStop ends the update.
DEDUPE_GROUP, ACCESS_GROUP = -2, -1
#: Updates handled at the same time (a chart being drawn must not hold up other users).
CONCURRENT_UPDATES = 8
#: Retries of a call Telegram answered with "retry after" (flood control).
FLOOD_RETRIES = 3


@dataclass(frozen=True, slots=True)
class BotTransport:
    """How the bot reaches the Bot API. Lantern uses the defaults; tests swap the request object
    (for an emulator whose replies need mending) and poll faster."""

    request: Callable[[], BaseRequest] | None = None
    poll_interval: float = 0.0


TELEGRAM_TRANSPORT = web.AppKey("telegram_transport", BotTransport)
"""Set on the aiohttp app before it starts to change how the bot reaches the Bot API."""


def build_application(
    settings: Settings, parts: BotDependencies, transport: BotTransport
) -> LanternApplication:
    """The Application for these settings, every handler registered; not yet initialised."""
    if settings.telegram_token is None:
        raise ValueError("Telegram is off: LANTERN_TELEGRAM_TOKEN is not set")
    api = settings.telegram_api_url.rstrip("/")
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if transport.request is not None:
        builder = builder.request(transport.request()).get_updates_request(transport.request())
    if settings.telegram_mode == "webhook":
        builder = builder.updater(None)
    application: LanternApplication = builder.build()
    handlers = Handlers(
        shortener=parts.shortener, questions=parts.questions, shares=parts.shares, clock=parts.clock
    )
    gate = AccessGate(
        settings.telegram_allowed_users,
        settings.telegram_allowed_chats,
        anyone=settings.telegram_allow_anyone,
    )
    add_handlers(application, handlers, gate, OncePerUpdate(parts.deliveries))
    if parts.subscriptions is not None:
        application.add_handlers(subscription_handlers(parts.subscriptions))
    return application


def add_handlers(
    application: LanternApplication, handlers: Handlers, gate: AccessGate, once: OncePerUpdate
) -> None:
    """Guards first (duplicates, then access), then one handler per kind of update."""
    application.add_handler(TypeHandler(Update, once), group=DEDUPE_GROUP)
    application.add_handler(TypeHandler(Update, gate), group=ACCESS_GROUP)
    application.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.help),
            CommandHandler("link", handlers.link),
            CommandHandler("stats", handlers.stats),
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                handlers.pasted,
            ),
            CallbackQueryHandler(handlers.stale_button),  # Lantern's buttons are links now
            InlineQueryHandler(handlers.inline_query),
            ChosenInlineResultHandler(handlers.chosen_inline_result),
        ]
    )
    application.add_error_handler(handlers.on_error)
