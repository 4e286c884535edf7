"""What Telegram shows before anyone types: the command menu and the bot's description, in each language.

Registered at start-up (`setMyCommands`, `setMyDescription`,
`setMyShortDescription`) for private chats and for groups, once without a
language (the fallback) and once per language Lantern speaks, so nobody has
to paste the commands into BotFather.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

from tracking.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, translator

log = logging.getLogger(__name__)


def _(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is used."""
    return message


#: (command, description) in private chats, in menu order.
PRIVATE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("link", _("Make tracked links: /link URL for whatsapp, email")),
    ("stats", _("Ask for numbers: /stats clicks this week")),
    ("help", _("What Lantern does, with examples")),
    ("start", _("Start here")),
)
#: In groups the bot only answers commands, so the menu offers the commands alone.
GROUP_COMMANDS: tuple[tuple[str, str], ...] = PRIVATE_COMMANDS[:3]
DESCRIPTION = _(
    "Lantern makes short links tagged for where you share them (WhatsApp, email, SMS, Telegram…) "
    "and counts every visit, so shares in private chats stop showing up as direct traffic. "
    "Send a link to start."
)
SHORT_DESCRIPTION = _("Tracked short links for private shares, and their numbers.")


def commands(language: Language, *, groups: bool) -> list[BotCommand]:
    """The command menu in one language, for private chats or groups."""
    say = translator(language).gettext
    return [BotCommand(name, say(text)) for name, text in (GROUP_COMMANDS if groups else PRIVATE_COMMANDS)]


async def register(bot: Bot) -> None:
    """Set the menus and descriptions; a Bot API that refuses them costs the menu, not the bot."""
    try:
        for language in LANGUAGES:
            code = None if language == DEFAULT_LANGUAGE else language
            say = translator(language).gettext
            await bot.set_my_commands(
                commands(language, groups=False), scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
            await bot.set_my_commands(
                commands(language, groups=True), scope=BotCommandScopeAllGroupChats(), language_code=code
            )
            await bot.set_my_description(say(DESCRIPTION), language_code=code)
            await bot.set_my_short_description(say(SHORT_DESCRIPTION), language_code=code)
    except TelegramError as error:
        log.warning("Telegram refused the command menu or description (%s); the bot runs without", error)
