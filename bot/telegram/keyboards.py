"""The share buttons under a link: each opens another app with a link tagged for that app.

A button is a plain URL (`https://wa.me/?text=…`, `mailto:?body=…`,
`sms:?body=…`), so pressing it costs no round trip and the shared link is
the one made for that channel. Buttons of older messages carried callback
data `ch:<slug>:<channel>`; those are answered with a short alert.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tracking.core.channels import channel as channel_info

#: The channel a link is made for first (the user is in Telegram), then the apps with a share button.
HOME_CHANNEL = "telegram"
SHARE_CHANNELS: tuple[str, ...] = ("whatsapp", "email", "sms")
_LABELS = {"direct": "Other chat"}

#: How each app is opened with a message already written: the link, percent-encoded.
_SHARE_URLS: dict[str, Callable[[str], str]] = {
    "whatsapp": lambda link: f"https://wa.me/?text={quote(link, safe='')}",
    "email": lambda link: f"mailto:?body={quote(link, safe='')}",
    "sms": lambda link: f"sms:?body={quote(link, safe='')}",
}

BUTTONS_PER_ROW = 3


def channel_label(name: str) -> str:
    """What a person reads for a channel: "WhatsApp", "SMS", "Other chat"."""
    return _LABELS.get(name) or channel_info(name).label


def share_url(channel: str, short_url: str) -> str | None:
    """The URL that opens `channel`'s app with `short_url` ready to send; None for other channels."""
    build = _SHARE_URLS.get(channel)
    return build(short_url) if build else None


def share_keyboard(short_urls: Mapping[str, str]) -> InlineKeyboardMarkup | None:
    """One button per share app that has a link (channel → short URL); None when there is none."""
    buttons = []
    for name in SHARE_CHANNELS:
        url = share_url(name, short_urls[name]) if name in short_urls else None
        if url is not None:
            buttons.append(InlineKeyboardButton(channel_label(name), url=url))
    if not buttons:
        return None
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)
