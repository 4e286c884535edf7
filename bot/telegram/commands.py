"""Read what a user typed: the arguments of `/link` and the first URL of a message.

Pure (no Telegram objects) so every grammar rule has a unit test. Channels
and campaigns are only split out here; whether they exist is the core's call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracking.core.errors import LanternError

#: The channel a link is made for when the user names none.
DEFAULT_CHANNEL = "telegram"
#: More channels than this in one `/link` is a typo, not a plan.
MAX_CHANNELS = 10

LINK_USAGE = (
    "Use /link URL [for CHANNEL, …] [campaign NAME], for example "
    "/link https://example.com/post for whatsapp, email campaign spring-sale"
)
STATS_USAGE = "Ask a question after /stats, for example /stats clicks from messaging this week"

_FOR = "for"
_CAMPAIGN = frozenset({"campaign", "camp"})
_JOINERS = frozenset({"and", "&", "+"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTTP_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}"


class UsageError(LanternError):
    """A command typed in a shape the bot cannot read; the message says the right shape."""

    code = "usage"


@dataclass(frozen=True, slots=True)
class LinkCommand:
    """`/link URL [for CHANNEL…] [campaign NAME]`, split into its parts."""

    url: str
    channels: tuple[str, ...]  # as typed, duplicates dropped; empty when none was named
    campaign: str | None


def parse_link_args(text: str) -> LinkCommand:
    """Split the text after `/link`; words after "campaign" up to "for" name the campaign."""
    words = text.split()
    if not words:
        raise UsageError(LINK_USAGE)
    url, rest = words[0], words[1:]
    channels: list[str] = []
    campaign: list[str] = []
    mode: str | None = None
    saw_for = saw_campaign = False
    for word in rest:
        low = word.lower()
        if low == _FOR:
            mode, saw_for = "channels", True
        elif low in _CAMPAIGN and mode != "campaign":
            if saw_campaign:
                raise UsageError("name the campaign once")
            mode, saw_campaign = "campaign", True
        elif mode == "channels":
            channels += [part for part in low.split(",") if part and part not in _JOINERS]
        elif mode == "campaign":
            campaign.append(word)
        else:
            raise UsageError(f"I did not understand “{word[:40]}”. {LINK_USAGE}")
    if saw_for and not channels:
        raise UsageError("name at least one channel after “for”, e.g. for whatsapp, email")
    if saw_campaign and not campaign:
        raise UsageError("name the campaign after “campaign”, e.g. campaign spring-sale")
    unique = tuple(dict.fromkeys(channels))
    if len(unique) > MAX_CHANNELS:
        raise UsageError(f"ask for at most {MAX_CHANNELS} channels at a time")
    return LinkCommand(url, unique, " ".join(campaign) or None)


def first_url(text: str, entity_urls: Sequence[str] = ()) -> str | None:
    """The first link in a message: Telegram's own URL entities first, else an http(s) URL in the text.

    Telegram marks `example.com/post` as a URL too; such a link gets `https://`.
    """
    for found in entity_urls:
        candidate = found.strip()
        if candidate:
            return candidate if _SCHEME.match(candidate) else f"https://{candidate}"
    match = _HTTP_URL.search(text)
    if match is None:
        return None
    return match.group(0).rstrip(_TRAILING_PUNCTUATION)


def argument_text(text: str) -> str:
    """What follows the command word (`/stats@LanternBot clicks today` → `clicks today`)."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
