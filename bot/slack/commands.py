"""Reading `/link URL [for CHANNEL[, CHANNEL…]] [campaign NAME] [as SLUG]` into its parts.

Pure (no Slack, no I/O) so every way people type the command is unit-tested.
It only splits the text; whether a URL, channel, campaign or slug is
acceptable is the shortener's decision, so the CLI, the API and both bots
refuse the same things with the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracking.core.channels import find_channel
from tracking.core.errors import InvalidInput

#: The channel a link is tagged for when the command names none: it was asked for in Slack.
DEFAULT_CHANNEL = "slack"
#: One reply holds a section per link; more than this is a typo, not a plan.
MAX_CHANNELS = 10

_CHANNELS, _CAMPAIGN, _SLUG = "channels", "campaign", "slug"
#: Words that start a part of the command (and a few ways people say them).
KEYWORDS: dict[str, str] = {
    "for": _CHANNELS,
    "via": _CHANNELS,
    "campaign": _CAMPAIGN,
    "as": _SLUG,
    "slug": _SLUG,
}
_HELP_WORDS = frozenset({"", "help", "?", "-h", "--help"})

#: A word, or a name in straight or curly quotes (Slack clients often curl them).
_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')
#: How Slack marks up a link it recognised: <https://…> or <https://…|label>.
_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")
_LIST_SEPARATORS = re.compile(r",|\band\b|&|\+")


class LinkUsageError(InvalidInput):
    """The text does not follow the `/link` grammar; the reply shows the usage."""


@dataclass(frozen=True, slots=True)
class LinkCommand:
    """What `/link` asked for, still as typed (the shortener validates it)."""

    url: str
    channels: tuple[str, ...] = (DEFAULT_CHANNEL,)
    campaign: str | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    quoted: bool

    @property
    def keyword(self) -> str | None:
        return None if self.quoted else KEYWORDS.get(self.text.lower())


def unescape(text: str) -> str:
    """Undo the three entities Slack writes into text it sends (`&amp;` last: `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unwrap_link(token: str) -> str:
    """`<https://x|label>` or `<https://x>` → `https://x`; anything else unchanged (and unescaped)."""
    match = _SLACK_LINK.match(token.strip())
    return unescape(match.group(1) if match else token.strip())


def is_help(text: str) -> bool:
    """True when `/link` was sent alone or with a request for help."""
    return text.strip().lower() in _HELP_WORDS


def _tokens(text: str) -> list[_Token]:
    out = []
    for match in _TOKEN.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        if quoted is not None:
            out.append(_Token(unescape(quoted).strip(), quoted=True))
        else:
            out.append(_Token(match.group(3), quoted=False))
    return out


def split_channels(words: list[str]) -> tuple[str, ...]:
    """`whatsapp, email` / `whatsapp email` / `microsoft teams and sms` → channel names as typed.

    Commas (or "and") separate channels; inside one piece, words are one
    channel when together they name one ("microsoft teams"), else each word is
    a channel of its own.
    """
    names: list[str] = []
    for piece in _LIST_SEPARATORS.split(" ".join(words)):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if find_channel(piece) is not None or " " not in piece:
            names.append(piece)
        else:
            names.extend(piece.split())
    return tuple(dict.fromkeys(names))


def parse_link_command(text: str) -> LinkCommand:
    """Split `/link` text into URL, channels, campaign and slug; raise LinkUsageError if it does not fit."""
    tokens = _tokens(text)
    if not tokens:
        raise LinkUsageError("Give me the URL to shorten.")
    first, rest = tokens[0], tokens[1:]
    if first.keyword is not None:
        raise LinkUsageError(f"Start with the URL, then “{first.text}”.")
    parts: dict[str, list[str]] = {}
    current: str | None = None
    for token in rest:
        keyword = token.keyword
        if keyword is not None:
            if keyword in parts:
                raise LinkUsageError(f"“{token.text}” appears twice; say it once.")
            parts[keyword] = []
            current = keyword
        elif current is None:
            raise LinkUsageError(f"I could not read “{unescape(token.text)[:40]}” after the URL.")
        else:
            parts[current].append(unescape(token.text))
    for keyword, words in parts.items():
        if not words:
            raise LinkUsageError(f"“{_spoken(keyword)}” needs a value after it.")
    channels = split_channels(parts.get(_CHANNELS, [])) or (DEFAULT_CHANNEL,)
    if len(channels) > MAX_CHANNELS:
        raise LinkUsageError(f"At most {MAX_CHANNELS} channels at a time, please.")
    slug_words = parts.get(_SLUG)
    if slug_words is not None and len(slug_words) != 1:
        raise LinkUsageError("A slug is one word, e.g. “as spring-launch”.")
    campaign_words = parts.get(_CAMPAIGN)
    return LinkCommand(
        url=unwrap_link(first.text),
        channels=channels,
        campaign=" ".join(campaign_words) if campaign_words else None,
        slug=slug_words[0] if slug_words else None,
    )


def _spoken(part: str) -> str:
    return {_CHANNELS: "for", _CAMPAIGN: "campaign", _SLUG: "as"}[part]
