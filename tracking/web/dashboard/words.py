"""Words the dashboard shows for keys (groups, evidence, periods, metrics), marked for the catalogs."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from babel import Locale

from tracking.core.channels import find_channel
from tracking.core.questions.model import GroupBy, Metric
from tracking.i18n import Translator
from tracking.web.dashboard.scope import N_

GROUPS = {
    "messaging": N_("Messaging"),
    "email": N_("Email"),
    "sms": N_("SMS"),
    "social": N_("Social"),
    "search": N_("Search"),
    "web": N_("Other websites"),
    "direct": N_("Direct"),
}
#: Channels whose label is a word rather than a brand.
CHANNEL_WORDS = {
    "direct": N_("Direct"),
    "web": N_("Other websites"),
    "qr": N_("QR code"),
    "email": N_("Email"),
    "google": N_("Google Search"),
    "yahoo": N_("Yahoo Search"),
}
EVIDENCE = {
    "preview-fetcher": N_("Preview fetcher"),
    "in-app-browser": N_("In-app browser"),
    "referrer": N_("Referrer"),
    "recent-preview": N_("Recent preview"),
    "link-tag": N_("The link's tag"),
    "none": N_("Nothing (counted as direct)"),
    "platform-event": N_("Platform share"),
}
PERIODS = {
    "today": N_("Today"),
    "7d": N_("7 days"),
    "30d": N_("30 days"),
    "month": N_("This month"),
    "lastmonth": N_("Last month"),
    "custom": N_("Custom"),
}
METRICS = {
    Metric.CLICKS: N_("Clicks"),
    Metric.PREVIEWS: N_("Share events"),
    Metric.VISITS: N_("Visits (bots included)"),
    Metric.UNIQUE_VISITORS: N_("Unique visitors"),
    Metric.LINKS: N_("Links created"),
}
GROUPINGS = {
    GroupBy.HOUR: N_("by hour"),
    GroupBy.DAY: N_("by day"),
    GroupBy.WEEK: N_("by week"),
    GroupBy.MONTH: N_("by month"),
    GroupBy.CHANNEL: N_("by channel"),
    GroupBy.CAMPAIGN: N_("by campaign"),
    GroupBy.LINK: N_("by link"),
    GroupBy.SHARER: N_("by sharer"),
    GroupBy.COUNTRY: N_("by country"),
    GroupBy.DEVICE: N_("by device"),
    GroupBy.BROWSER: N_("by browser"),
    GroupBy.EVIDENCE: N_("by evidence"),
}
DEVICES = {"desktop": N_("Desktop"), "mobile": N_("Mobile"), "tablet": N_("Tablet"), "bot": N_("Bot")}
EMPTY = {
    "campaigns": N_("(no campaign)"),
    "sharers": N_("(nobody)"),
    "countries": N_("(unknown)"),
    "devices": N_("(unknown)"),
    "browsers": N_("(unknown)"),
}


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def channel_label(t: Translator, name: str) -> str:
    """A channel's name for people: brands as they are, words translated."""
    if name in CHANNEL_WORDS:
        return t.gettext(CHANNEL_WORDS[name])
    found = find_channel(name)
    return found.label if found else name


def row_label(t: Translator, panel: str, key: str, label: str) -> str:
    """The label of a panel row in the reader's language."""
    if not key and panel in EMPTY:
        return t.gettext(EMPTY[panel])
    if panel in ("apps", "channels"):
        return channel_label(t, key)
    if panel == "countries":
        return _territories(t.language).get(key.upper(), key)
    if panel == "devices":
        return t.gettext(DEVICES[key]) if key in DEVICES else label
    if panel == "evidence":
        return t.gettext(EVIDENCE[key]) if key in EVIDENCE else key
    return label


def bucket_label(t: Translator, grain: GroupBy, key: str) -> str:
    """A time bucket's label: 14:00, Nov 30 / 30 nov., Nov 2026."""
    if grain is GroupBy.HOUR:
        return datetime.fromisoformat(key).strftime("%H:00")
    day = date.fromisoformat(key[:10])
    if grain is GroupBy.MONTH:
        return t.day_pattern(day, "yMMM")
    return t.day_pattern(day, "MMMd")
