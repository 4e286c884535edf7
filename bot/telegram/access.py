"""Closed by default: only allowed users (or members of allowed chats) get anything but a polite no.

The settings refuse a token without an allow-list unless
LANTERN_TELEGRAM_ALLOW_ANYONE is set, so an open bot is always a choice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram import replies
from bot.telegram.ptb import Context

log = logging.getLogger(__name__)


class AccessGate:
    """Lets allowed users, and anyone in an allowed chat, through; `anyone` opens the bot to all."""

    def __init__(
        self, allowed_user_ids: Iterable[str], allowed_chat_ids: Iterable[str] = (), *, anyone: bool = False
    ) -> None:
        self._users = frozenset(allowed_user_ids)
        self._chats = frozenset(allowed_chat_ids)
        self._anyone = anyone

    def allows(self, user_id: int | None, chat_id: int | None = None) -> bool:
        """Whether this user, writing in this chat (None: no chat, e.g. an inline query), may use the bot."""
        if self._anyone:
            return True
        return (user_id is not None and str(user_id) in self._users) or (
            chat_id is not None and str(chat_id) in self._chats
        )

    async def __call__(self, update: Update, context: Context) -> None:
        """Refuse a user who is not allowed, then stop: no handler runs for them."""
        user, chat = update.effective_user, update.effective_chat
        user_id = user.id if user else None
        if self.allows(user_id, chat.id if chat else None):
            return
        log.info("Telegram user %s is not on the allowed list; refused", user_id)
        await _refuse(update, user_id)
        raise ApplicationHandlerStop


async def _refuse(update: Update, user_id: int | None) -> None:
    """Say no where the user will see it; in groups, only when they spoke to the bot."""
    text = replies.refusal_text(user_id)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.inline_query is not None:
        button = InlineQueryResultsButton(text=replies.REFUSAL[:64], start_parameter="help")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif update.message is not None:
        message = update.message
        is_command = bool(message.text and message.text.startswith("/"))
        if message.chat.type == ChatType.PRIVATE or is_command:
            await message.reply_text(text)
