"""Device class, browser and OS of a visit, from the ua-parser project's regexes.

ua-parser (uap-core's maintained regex list) names browser, OS and device
families; it has no notion of "mobile vs tablet vs desktop", so that class
is derived here from the families plus the ``Mobile``/``Tablet`` tokens
browsers send. Results are cached: user agents repeat far more than they vary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from ua_parser import DefaultedResult, parse

from tracking.core.attribution.classifier import MAX_USER_AGENT, match_user_agent

OTHER: Final[str] = "Other"

_MOBILE_OS: Final[frozenset[str]] = frozenset(
    {
        "iOS",
        "Android",
        "Windows Phone",
        "BlackBerry OS",
        "KaiOS",
        "Firefox OS",
        "Symbian OS",
        "Tizen",
        "HarmonyOS",
        "Sailfish",
    }
)
_DESKTOP_OS: Final[frozenset[str]] = frozenset(
    {
        "Windows",
        "Mac OS X",
        "Linux",
        "Ubuntu",
        "Debian",
        "Fedora",
        "Red Hat",
        "Mint",
        "Arch Linux",
        "openSUSE",
        "Gentoo",
        "Slackware",
        "Chrome OS",
        "ChromeOS",
        "FreeBSD",
        "OpenBSD",
        "NetBSD",
        "Solaris",
    }
)
_TABLET_DEVICE: Final[re.Pattern[str]] = re.compile(r"iPad|Tablet|Kindle|\bTab\b", re.IGNORECASE)
_MOBILE_TOKEN: Final[re.Pattern[str]] = re.compile(r"\bMobi(?:le)?\b")
_TABLET_TOKEN: Final[re.Pattern[str]] = re.compile(r"\bTablet\b|\biPad\b")


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What kind of device a visit came from, for the stats breakdowns."""

    device: str  # "mobile" | "tablet" | "desktop" | "bot" | "other"
    browser: str  # family, e.g. "Chrome", "Mobile Safari", "Samsung Internet", or "Other"
    os: str  # family, e.g. "Windows", "Mac OS X", "iOS", "Android", "Linux", or "Other"


def _is_bot(user_agent: str, parsed: DefaultedResult) -> bool:
    """A crawler to ua-parser, or a bot/preview fetcher to our own rules."""
    if parsed.device.family == "Spider":
        return True
    rule = match_user_agent(user_agent)
    return rule is not None and rule.kind != "click"


def _device_class(user_agent: str, parsed: DefaultedResult) -> str:
    """Tablet before mobile: Android tablets run the mobile OS but omit ``Mobile``."""
    if _is_bot(user_agent, parsed):
        return "bot"
    device_names = f"{parsed.device.family} {parsed.device.brand or ''} {parsed.device.model or ''}"
    if _TABLET_DEVICE.search(device_names) or _TABLET_TOKEN.search(user_agent):
        return "tablet"
    os_family = parsed.os.family
    if os_family == "Android" and not _MOBILE_TOKEN.search(user_agent):
        return "tablet"
    if os_family in _MOBILE_OS or _MOBILE_TOKEN.search(user_agent):
        return "mobile"
    if os_family in _DESKTOP_OS:
        return "desktop"
    return "other"


@lru_cache(maxsize=4096)
def describe_device(user_agent: str) -> DeviceInfo:
    """Device class, browser family and OS family for a user agent ("" gives all-other)."""
    text = user_agent[:MAX_USER_AGENT]
    if not text.strip():
        return DeviceInfo("other", OTHER, OTHER)
    parsed = parse(text).with_defaults()
    return DeviceInfo(_device_class(text, parsed), parsed.user_agent.family, parsed.os.family)
