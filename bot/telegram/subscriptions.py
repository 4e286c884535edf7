"""`/subscribe …`, `/unsubscribe N`, `/subscriptions` and `/alerts on|off` in Telegram (French names too)."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from tracking.i18n import normalize
from tracking.subscribing import Asker, SubscriptionCommands

#: Telegram command → the verb the shared use case reads.
VERBS = {
    "subscribe": "subscribe",
    "abonner": "subscribe",
    "unsubscribe": "unsubscribe",
    "desabonner": "unsubscribe",
    "subscriptions": "subscriptions",
    "abonnements": "subscriptions",
    "alerts": "alerts",
    "alertes": "alerts",
}


def subscription_handlers(
    commands: SubscriptionCommands,
) -> list[CommandHandler[ContextTypes.DEFAULT_TYPE, None]]:
    """One handler per command name; each hands its words to the shared use case."""

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A subscription command: reply in the asker's language."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or not message.text:
            return
        command = message.text.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower()
        words = " ".join(context.args or [])
        user = update.effective_user
        asker = Asker(
            platform="telegram",
            chat_id=str(chat.id),
            user=(user.username or user.full_name) if user else "",
            language=normalize(user.language_code if user else None),
        )
        reply = await commands.handle(f"{VERBS.get(command, 'subscribe')} {words}", asker)
        if reply:
            await message.reply_text(html.escape(reply))

    return [CommandHandler(list(VERBS), handle)]
