"""The web links in a Slack message, for the "Get tracked link" shortcut.

Slack marks up links in message text as `<https://…|label>` or `<https://…>`
(and mentions as `<@U…>`, `<#C…>`, `<!here>`, which are not links); rich
text blocks carry `link` elements and unfurl attachments carry the URL they
unfurled. Pure, so each shape is unit-tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.slack.commands import unescape

#: A message rarely holds more; a reply with more links is no longer easy to read.
MAX_URLS = 10

_MARKED_UP = re.compile(r"<([^<>|]*)(?:\|[^<>]*)?>")
_BARE = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_ATTACHMENT_KEYS = ("original_url", "from_url", "title_link")


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def urls_in_text(text: str) -> list[str]:
    """Links in mrkdwn text: Slack's `<…>` markup first, then bare URLs outside it."""
    found = [unescape(m.group(1)) for m in _MARKED_UP.finditer(text) if _is_web(m.group(1))]
    outside = _MARKED_UP.sub(" ", text)
    found += [unescape(m.group(0)).rstrip(_TRAILING) for m in _BARE.finditer(outside)]
    return found


def _rich_text_links(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        if node.get("type") == "link" and isinstance(node.get("url"), str):
            yield node["url"]
        for value in node.values():
            yield from _rich_text_links(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rich_text_links(item)


def urls_in_message(message: Mapping[str, Any]) -> list[str]:
    """Every distinct web link of a message, in reading order, at most MAX_URLS."""
    candidates = urls_in_text(str(message.get("text") or ""))
    candidates += _rich_text_links(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, Mapping):
            candidates += [str(attachment[k]) for k in _ATTACHMENT_KEYS if attachment.get(k)]
    unique = dict.fromkeys(url.strip() for url in candidates if _is_web(url.strip()))
    return list(unique)[:MAX_URLS]
