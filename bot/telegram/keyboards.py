"""The share buttons under a pasted link, and the callback data they carry.

Telegram caps callback data at 64 bytes, so a button carries only
`ch:<slug>:<channel>`; the handler reads the original URL back from the slug.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tracking.core.channels import channel as channel_info
from tracking.core.slugs import looks_like_slug

#: Where a pasted link can be re-tagged for, in button order. "Other chat" is
#: `direct`: the app is unknown, so the tracker's own evidence (the app's
#: preview fetcher, in-app browser or referrer) names it when a visit shows it.
SHARE_CHANNELS: tuple[str, ...] = ("telegram", "whatsapp", "email", "sms", "direct")
_LABELS = {"direct": "Other chat"}

CALLBACK_PREFIX = "ch"
MAX_CALLBACK_BYTES = 64
BUTTONS_PER_ROW = 2


def channel_label(name: str) -> str:
    """What a person reads for a channel: "WhatsApp", "SMS", "Other chat"."""
    return _LABELS.get(name) or channel_info(name).label


def callback_data(slug: str, channel: str) -> str | None:
    """`ch:<slug>:<channel>`, or None when it would not fit Telegram's 64 bytes."""
    data = f"{CALLBACK_PREFIX}:{slug}:{channel}"
    return data if len(data.encode()) <= MAX_CALLBACK_BYTES else None


def parse_callback(data: str) -> tuple[str, str] | None:
    """(slug, channel) from a share button's data; None for anything else."""
    prefix, _, rest = data.partition(":")
    slug, _, channel = rest.rpartition(":")
    if prefix != CALLBACK_PREFIX or channel not in SHARE_CHANNELS or not looks_like_slug(slug):
        return None
    return slug, channel


def share_keyboard(slug: str, *, showing: str) -> InlineKeyboardMarkup | None:
    """One button per share channel except the one the message shows now."""
    buttons = []
    for name in SHARE_CHANNELS:
        if name == showing:
            continue
        data = callback_data(slug, name)
        if data is None:
            return None
        buttons.append(InlineKeyboardButton(channel_label(name), callback_data=data))
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)
