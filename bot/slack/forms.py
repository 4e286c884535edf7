"""Slack's forms for making links: the `/link` modal and the shortcut's "which channels?" modal.

Pure Block Kit builders and readers (no Slack calls), so every field and
every way a submission can be wrong is unit-tested. Where the form was
opened from travels in `private_metadata`: the response URL the answer
goes to and whether the links may be posted for the conversation to see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracking.core.channels import CHANNELS, Group, find_channel
from tracking.i18n import translator

Block = dict[str, Any]

LINK_FORM = "lantern_link_form"
SHORTCUT_FORM = "lantern_shortcut_form"
URL, CHANNELS_FIELD, CAMPAIGN, EXPIRY, CLICKS, POST_HERE = (
    "url",
    "channels",
    "campaign",
    "expiry",
    "clicks",
    "post",
)
VALUE = "value"
#: Channels a person shares links on (search engines, "other websites" and "direct" are never picked).
PICKABLE_GROUPS = frozenset({Group.MESSAGING, Group.EMAIL, Group.SMS, Group.SOCIAL})
#: Slack caps a modal's private_metadata at 3000 characters.
METADATA_LIMIT = 3000
#: At most this many channels at once (one section per link in the answer).
MAX_CHANNELS = 10


def _(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is used."""
    return message


def say(message: str) -> str:
    """A message in the form's language (Slack sends no user language with commands: English)."""
    return translator("en").gettext(message)


TEXTS = {
    "link_title": _("Make tracked links"),
    "shortcut_title": _("Links for this message"),
    "submit": _("Make links"),
    "close": _("Cancel"),
    "url": _("Link to shorten"),
    "channels": _("Where will you share it?"),
    "campaign": _("Campaign"),
    "expiry": _("Stops working after"),
    "clicks": _("Click limit"),
    "post_here": _("Post the links here for everyone"),
    "found": _("Links in the message:"),
    "no_url": _("Give the URL to shorten."),
    "past_expiry": _("Pick a day after today."),
    "bad_clicks": _("A click limit is a whole number, 1 or more."),
    "no_channels": _("Pick at least one channel."),
}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def channel_options() -> list[dict[str, Any]]:
    """One option per channel people share on, by its label."""
    return [
        {"text": _plain(channel.label), "value": channel.name}
        for channel in CHANNELS
        if channel.group in PICKABLE_GROUPS
    ]


def _channel_option(name: str) -> dict[str, Any]:
    found = find_channel(name)
    label = found.label if found else name
    return {"text": _plain(label), "value": name}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": VALUE},
        "optional": optional,
    }


def _channels_input(initial: tuple[str, ...]) -> Block:
    return _input(
        CHANNELS_FIELD,
        say(TEXTS["channels"]),
        {
            "type": "multi_static_select",
            "options": channel_options(),
            "initial_options": [_channel_option(name) for name in initial],
            "max_selected_items": MAX_CHANNELS,
        },
    )


def _post_here_input() -> Block:
    option = {"text": _plain(say(TEXTS["post_here"])), "value": "yes"}
    return _input(POST_HERE, " ", {"type": "checkboxes", "options": [option]}, optional=True)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a form was opened: its answer goes to `response_url`."""

    response_url: str
    urls: tuple[str, ...] = ()

    def as_metadata(self) -> str:
        """JSON within Slack's limit: URLs that would not fit are left out of the shortcut's list."""
        urls = list(self.urls)
        while True:
            text = json.dumps({"r": self.response_url, "u": urls})
            if len(text) <= METADATA_LIMIT or not urls:
                return text
            urls.pop()

    @classmethod
    def from_metadata(cls, text: str) -> Origin:
        """The origin a submitted form carries; empty when it carries none."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        urls = data.get("u")
        listed = tuple(str(url) for url in urls) if isinstance(urls, list) else ()
        return cls(str(data.get("r") or ""), listed)


def _modal(callback_id: str, title: str, blocks: list[Block], origin: Origin) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title[:24]),
        "submit": _plain(say(TEXTS["submit"])),
        "close": _plain(say(TEXTS["close"])),
        "private_metadata": origin.as_metadata(),
        "blocks": blocks,
    }


def link_form(origin: Origin, *, default_channel: str) -> Block:
    """The `/link` modal: URL, channels, campaign, expiry, click limit and "post the links here"."""
    blocks = [
        _input(
            URL,
            say(TEXTS["url"]),
            {"type": "url_text_input", "placeholder": _plain("https://example.com/post")},
        ),
        _channels_input((default_channel,)),
        _input(
            CAMPAIGN, say(TEXTS["campaign"]), {"type": "plain_text_input", "max_length": 64}, optional=True
        ),
        _input(EXPIRY, say(TEXTS["expiry"]), {"type": "datepicker"}, optional=True),
        _input(
            CLICKS,
            say(TEXTS["clicks"]),
            {"type": "number_input", "is_decimal_allowed": False, "min_value": "1"},
            optional=True,
        ),
        _post_here_input(),
    ]
    return _modal(LINK_FORM, say(TEXTS["link_title"]), blocks, origin)


def shortcut_form(origin: Origin, *, default_channel: str) -> Block:
    """The message shortcut's modal: the links found, and which channels to make links for."""
    listed = "\n".join(f"• {url[:200]}" for url in origin.urls)
    found = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"*{say(TEXTS['found'])}*\n{listed}"[:3000]},
    }
    blocks = [
        found,
        _channels_input((default_channel,)),
        _input(
            CAMPAIGN, say(TEXTS["campaign"]), {"type": "plain_text_input", "max_length": 64}, optional=True
        ),
        _post_here_input(),
    ]
    return _modal(SHORTCUT_FORM, say(TEXTS["shortcut_title"]), blocks, origin)


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a form asked for; `problems` maps a field's block id to what is wrong with it."""

    url: str = ""
    channels: tuple[str, ...] = ()
    campaign: str | None = None
    expires_at: datetime | None = None
    max_clicks: int | None = None
    post_here: bool = False
    problems: tuple[tuple[str, str], ...] = ()


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    field = (values.get(block) or {}).get(VALUE) or {}
    return field if isinstance(field, dict) else {}


def read_form(view: dict[str, Any], *, today: date, tz: ZoneInfo) -> Submitted:
    """Read a submitted form; an expiry day means "until the end of that day" in Lantern's time zone."""
    values = (view.get("state") or {}).get("values") or {}
    problems: list[tuple[str, str]] = []
    url = str(_value(values, URL).get("value") or "").strip()
    if URL in values and not url:
        problems.append((URL, say(TEXTS["no_url"])))
    channels = tuple(
        str(o.get("value")) for o in _value(values, CHANNELS_FIELD).get("selected_options") or []
    )
    if not channels:
        problems.append((CHANNELS_FIELD, say(TEXTS["no_channels"])))
    campaign = str(_value(values, CAMPAIGN).get("value") or "").strip() or None
    expires_at = None
    picked = _value(values, EXPIRY).get("selected_date")
    if picked:
        day = date.fromisoformat(str(picked))
        if day < today:
            problems.append((EXPIRY, say(TEXTS["past_expiry"])))
        else:
            expires_at = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    max_clicks = None
    clicks = _value(values, CLICKS).get("value")
    if clicks not in (None, ""):
        try:
            max_clicks = int(str(clicks))
        except ValueError:
            max_clicks = 0
        if max_clicks < 1:
            problems.append((CLICKS, say(TEXTS["bad_clicks"])))
    post_here = bool(_value(values, POST_HERE).get("selected_options"))
    return Submitted(url, channels, campaign, expires_at, max_clicks, post_here, tuple(problems))


def field_for(message: str) -> str:
    """Which field a shortener refusal is about, so the modal shows it under that field."""
    lowered = message.lower()
    for word, block in (
        ("campaign", CAMPAIGN),
        ("channel", CHANNELS_FIELD),
        ("expir", EXPIRY),
        ("click", CLICKS),
    ):
        if word in lowered:
            return block
    return URL
