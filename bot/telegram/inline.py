"""Inline mode: `@bot URL` in any chat offers one short link per channel.

Each result's id is `<slug>:<channel>` (Telegram allows 64 bytes), so the
`chosen_inline_result` that follows a pick names the link and channel to
record as a share without any state kept in between.
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions

from bot.telegram.keyboards import channel_label
from tracking.core.channels import find_channel
from tracking.core.shortening import ShortenResult
from tracking.core.slugs import looks_like_slug

MAX_RESULT_ID_BYTES = 64
#: The posted message is for the chat's readers, so it keeps its preview card
#: (the bot's replies to the person who asked turn previews off instead).
SHOW_PREVIEW = LinkPreviewOptions(is_disabled=False)


def result_id(slug: str, channel: str) -> str | None:
    """`<slug>:<channel>`, or None when it would not fit Telegram's 64 bytes."""
    value = f"{slug}:{channel}"
    return value if len(value.encode()) <= MAX_RESULT_ID_BYTES else None


def parse_result_id(value: str) -> tuple[str, str] | None:
    """(slug, channel) from a chosen result's id; None for anything else."""
    slug, _, channel = value.partition(":")
    found = find_channel(channel) if channel else None
    if found is None or found.name != channel or not looks_like_slug(slug):
        return None
    return slug, channel


def article(result: ShortenResult, channel: str) -> InlineQueryResultArticle | None:
    """A result whose message is the bare short link; None when its id would not fit."""
    identifier = result_id(result.link.slug, channel)
    if identifier is None:
        return None
    label = channel_label(channel)
    return InlineQueryResultArticle(
        id=identifier,
        title=f"Link for {label}",
        description=f"{result.short_url} · tagged for {label}",
        input_message_content=InputTextMessageContent(
            result.short_url, parse_mode=None, link_preview_options=SHOW_PREVIEW
        ),
    )
