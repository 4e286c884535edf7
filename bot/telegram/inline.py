"""Inline mode: `@bot URL` in any chat previews the Telegram link it would make.

Whatever result is picked is posted into a Telegram chat, so the one
result offered is tagged for Telegram. Nothing is stored while the user
types: the result's id carries the slug the preview promised,
`<slug>:telegram` (Telegram allows 64 bytes), and the `chosen_inline_result`
that follows a pick makes exactly that link (inline feedback must be on in
BotFather for Telegram to send it).
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions

from bot.telegram.keyboards import channel_label
from tracking.core.shortening import ShortenPreview
from tracking.core.slugs import looks_like_slug

#: The channel every inline result is tagged for: it is posted into a Telegram chat.
CHANNEL = "telegram"
MAX_RESULT_ID_BYTES = 64
#: The posted message is for the chat's readers, so it keeps its preview card
#: (the bot's replies to the person who asked turn previews off instead).
SHOW_PREVIEW = LinkPreviewOptions(is_disabled=False)


def result_id(slug: str) -> str | None:
    """`<slug>:telegram`, or None when it would not fit Telegram's 64 bytes."""
    value = f"{slug}:{CHANNEL}"
    return value if len(value.encode()) <= MAX_RESULT_ID_BYTES else None


def parse_result_id(value: str) -> str | None:
    """The promised slug in a chosen result's id; None for anything Lantern did not offer.

    Results of older versions named other channels; a pick is posted into
    Telegram all the same, so only the slug is read.
    """
    slug, separator, _channel = value.partition(":")
    return slug if separator and looks_like_slug(slug) else None


def article(preview: ShortenPreview) -> InlineQueryResultArticle | None:
    """A result whose message is the bare short link; None when its id would not fit."""
    identifier = result_id(preview.slug)
    if identifier is None:
        return None
    label = channel_label(CHANNEL)
    return InlineQueryResultArticle(
        id=identifier,
        title=f"Share a link tagged for {label}",
        description=f"{preview.short_url} · opens {preview.target}",
        input_message_content=InputTextMessageContent(
            preview.short_url, parse_mode=None, link_preview_options=SHOW_PREVIEW
        ),
    )
