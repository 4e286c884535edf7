"""What the bot says, as Telegram HTML (parse_mode HTML).

Every string that came from a user or from storage goes through `esc`, so a
URL or name with `<`, `>` or `&` can neither break the markup nor inject any.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.telegram.commands import UsageError
from bot.telegram.keyboards import channel_label
from tracking.core.errors import LanternError, RateLimited
from tracking.core.questions.model import QuestionNotUnderstood
from tracking.core.shortening import ShortenResult

APOLOGY = "Sorry, something went wrong on my side. Please try again in a minute."
REFUSAL = "Sorry, this Lantern bot only works for its team."
NO_URL = "Send me a link (https://…) and I will tag it for where you share it. /help shows what else I do."
INLINE_HINT = "Type a link to share, e.g. https://example.com"
COPY_HINT = "Tap a link to copy it."


def esc(text: str) -> str:
    """Escape text for Telegram HTML."""
    return html.escape(text, quote=False)


def help_text(bot_username: str | None) -> str:
    """/start and /help: what Lantern does, with examples."""
    mention = f"@{esc(bot_username)}" if bot_username else "@this_bot"
    return "\n".join(
        [
            "<b>Lantern</b> makes short links tagged for where you share them (WhatsApp, email, SMS, "
            "Telegram, …) and counts every visit, so shares in private chats stop showing up as "
            "“direct” traffic.",
            "",
            "<b>Make links</b>",
            "/link https://example.com/post — a link for Telegram",
            "/link https://example.com/post for whatsapp, email — one link per channel",
            "/link https://example.com/post for sms campaign spring-sale",
            "Or paste a link here and pick another app on the buttons.",
            "",
            "<b>Share from any chat</b>",
            f"Type {mention} https://example.com/post in any chat and pick a channel.",
            "",
            "<b>Ask for numbers</b>",
            "/stats clicks from messaging this week",
            "/stats shares by channel this month",
            "/stats top 5 links last 30 days",
            "/stats clicks by day since monday",
        ]
    )


def links_text(url: str, results: Sequence[tuple[str, ShortenResult]], campaign: str | None) -> str:
    """The reply to /link: one short link per channel."""
    head = f"<b>Your links</b> for {esc(url)}"
    if campaign:
        head += f" (campaign {esc(campaign)})"
    lines = [head + ":"]
    lines += [f"{esc(channel_label(channel))}: {copyable(result.short_url)}" for channel, result in results]
    if len(results) > 1:
        lines.append("Share each link only where it is meant to go, so Lantern can tell them apart.")
    lines.append(COPY_HINT)
    return "\n".join(lines)


def copyable(short_url: str) -> str:
    """A short link as tap-to-copy code: tapping copies it instead of opening it (and counting a click)."""
    return f"<code>{esc(short_url)}</code>"


def channel_link_text(url: str, channel: str, result: ShortenResult) -> str:
    """A pasted link's reply: the Telegram link to copy, and buttons for the other apps."""
    return "\n".join(
        [
            f"Your link for <b>{esc(channel_label(channel))}</b>:",
            copyable(result.short_url),
            f"It opens {esc(url)}",
            "Sharing it somewhere else? Each button opens that app with a link tagged for it.",
        ]
    )


def error_text(error: LanternError) -> str:
    """A user's mistake, in their words; questions the parser could not read get suggestions."""
    if isinstance(error, QuestionNotUnderstood):
        return not_understood_text(error)
    if isinstance(error, UsageError):
        return esc(error.message)
    if isinstance(error, RateLimited):  # "Slow down: …" already says it kindly; "Sorry, slow down" would not
        return esc(error.message[:1].upper() + error.message[1:])
    return f"Sorry, {esc(error.message)}"


def not_understood_text(error: QuestionNotUnderstood) -> str:
    """What was understood of a stats question, and questions that would work."""
    lines = [esc(error.message)]
    if error.understood:
        lines.append("I understood: " + esc(", ".join(error.understood)))
    if error.suggestions:
        lines.append("Try one of these:")
        lines += [f"<code>/stats {esc(question)}</code>" for question in error.suggestions]
    return "\n".join(lines)


def refusal_text(user_id: int | None) -> str:
    """For someone not on LANTERN_TELEGRAM_ALLOWED_USERS: polite, and how to get access."""
    if user_id is None:
        return REFUSAL
    return f"{REFUSAL} Ask its admin to add your Telegram id {user_id} to the allowed users."
