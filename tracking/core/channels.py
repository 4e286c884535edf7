"""Channels and their groups: one table, the single source of the vocabulary.

A channel is where a share travels (whatsapp, email, …); its group is the
`utm_medium` Lantern writes and the unit stats questions filter by.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracking.core.errors import InvalidInput


class Group(StrEnum):
    """Channel groups; the value is what goes into `utm_medium`."""

    MESSAGING = "messaging"
    EMAIL = "email"
    SMS = "sms"
    SOCIAL = "social"
    SEARCH = "search"
    WEB = "web"
    DIRECT = "direct"


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel: its canonical name, group, display label and aliases."""

    name: str
    group: Group
    label: str
    aliases: tuple[str, ...] = ()


CHANNELS: tuple[Channel, ...] = (
    Channel("whatsapp", Group.MESSAGING, "WhatsApp", ("wa", "whats-app")),
    Channel("telegram", Group.MESSAGING, "Telegram", ("tg",)),
    Channel("slack", Group.MESSAGING, "Slack"),
    Channel("signal", Group.MESSAGING, "Signal"),
    Channel("messenger", Group.MESSAGING, "Messenger", ("fb-messenger", "facebook-messenger")),
    Channel("imessage", Group.MESSAGING, "iMessage", ("apple-messages",)),
    Channel("discord", Group.MESSAGING, "Discord"),
    Channel("teams", Group.MESSAGING, "Microsoft Teams", ("msteams", "microsoft-teams")),
    Channel("skype", Group.MESSAGING, "Skype"),
    Channel("wechat", Group.MESSAGING, "WeChat", ("weixin",)),
    Channel("line", Group.MESSAGING, "LINE"),
    Channel("viber", Group.MESSAGING, "Viber"),
    Channel("kakaotalk", Group.MESSAGING, "KakaoTalk", ("kakao",)),
    Channel("snapchat", Group.MESSAGING, "Snapchat", ("snap",)),
    Channel("googlechat", Group.MESSAGING, "Google Chat", ("google-chat", "gchat")),
    Channel("zoom", Group.MESSAGING, "Zoom"),
    Channel("mattermost", Group.MESSAGING, "Mattermost"),
    Channel("matrix", Group.MESSAGING, "Matrix (Element)", ("element",)),
    Channel("zalo", Group.MESSAGING, "Zalo"),
    Channel("email", Group.EMAIL, "Email", ("mail", "e-mail", "newsletter")),
    Channel("sms", Group.SMS, "SMS", ("text", "texts", "mms")),
    Channel("facebook", Group.SOCIAL, "Facebook", ("fb",)),
    Channel("instagram", Group.SOCIAL, "Instagram", ("ig", "insta")),
    Channel("x", Group.SOCIAL, "X (Twitter)", ("twitter",)),
    Channel("linkedin", Group.SOCIAL, "LinkedIn"),
    Channel("reddit", Group.SOCIAL, "Reddit"),
    Channel("pinterest", Group.SOCIAL, "Pinterest"),
    Channel("mastodon", Group.SOCIAL, "Mastodon", ("fediverse",)),
    Channel("bluesky", Group.SOCIAL, "Bluesky", ("bsky",)),
    Channel("threads", Group.SOCIAL, "Threads"),
    Channel("vk", Group.SOCIAL, "VK", ("vkontakte",)),
    Channel("tiktok", Group.SOCIAL, "TikTok"),
    Channel("youtube", Group.SOCIAL, "YouTube"),
    Channel("google", Group.SEARCH, "Google Search"),
    Channel("bing", Group.SEARCH, "Bing"),
    Channel("duckduckgo", Group.SEARCH, "DuckDuckGo", ("ddg",)),
    Channel("yahoo", Group.SEARCH, "Yahoo Search"),
    Channel("web", Group.WEB, "Other websites", ("website", "referral")),
    Channel("qr", Group.DIRECT, "QR code", ("qr-code", "qrcode")),  # printed codes: scans are told apart
    Channel("direct", Group.DIRECT, "Direct", ("none", "unknown")),
)

#: Dark social: what web analytics files under "direct".
DARK_SOCIAL: frozenset[Group] = frozenset({Group.MESSAGING, Group.EMAIL, Group.SMS, Group.DIRECT})

_BY_NAME: dict[str, Channel] = {c.name: c for c in CHANNELS}
_BY_ALIAS: dict[str, Channel] = {key: c for c in CHANNELS for key in (c.name, *c.aliases)}


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")


def find_channel(text: str) -> Channel | None:
    """Return the channel a name or alias stands for, or None."""
    key = _key(text)
    return _BY_ALIAS.get(key) or _BY_ALIAS.get(key.replace("-", ""))


def resolve_channel(text: str) -> Channel:
    """Return the channel for a name or alias, or explain which names exist."""
    channel = find_channel(text)
    if channel is None:
        known = ", ".join(c.name for c in CHANNELS)
        raise InvalidInput(f"unknown channel {text.strip()[:40]!r}; use one of: {known}")
    return channel


def channel(name: str) -> Channel:
    """Return a channel by canonical name (a programming error if it does not exist)."""
    return _BY_NAME[name]


def find_group(text: str) -> frozenset[Group] | None:
    """Return the groups a group name stands for (`dark-social` is several), or None."""
    key = _key(text)
    if key in {"dark-social", "darksocial", "dark"}:
        return DARK_SOCIAL
    for group in Group:
        if key in {group.value, group.value + "s"}:
            return frozenset({group})
    aliases = {
        "chat": Group.MESSAGING,
        "chats": Group.MESSAGING,
        "chat-apps": Group.MESSAGING,
        "messengers": Group.MESSAGING,
        "emails": Group.EMAIL,
        "texts": Group.SMS,
        "social-media": Group.SOCIAL,
        "referrals": Group.WEB,
    }
    found = aliases.get(key)
    return frozenset({found}) if found else None


def channels_in(groups: frozenset[Group]) -> tuple[str, ...]:
    """Names of every channel in the given groups, in table order."""
    return tuple(c.name for c in CHANNELS if c.group in groups)
