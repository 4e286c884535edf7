"""Google Analytics 4 Measurement Protocol payloads for clicks and share events.

GA4 shows a Measurement Protocol event only when it carries a `client_id`
of the `<number>.<seconds>` form, a `session_id` and an
`engagement_time_msec`; the link's UTM tags go in a `campaign_details`
event so GA4 files the visit under the source / medium / campaign that
Lantern tagged. Nothing about a private (DNT / GPC) visit or a bot is ever
sent: `payload_for` answers None for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tracking.core.forwarding.events import EventName

#: GA4 takes at most this many events in one request.
MAX_EVENTS_PER_REQUEST = 25
#: Visits of one visitor this close together form one GA4 session.
SESSION_SECONDS = 30 * 60
#: GA4 needs some engagement to show an event in its reports; a click is a short one.
ENGAGEMENT_MSEC = 100

_EVENT_NAMES = {EventName.LINK_CLICKED: "lantern_click", EventName.SHARE_DETECTED: "lantern_share"}
_UTM = ("source", "medium", "campaign", "content", "term")


@dataclass(frozen=True, slots=True)
class Consent:
    """What the operator allows GA4 to do with forwarded events (sent as GA4's `consent` block)."""

    ad_user_data: bool = False
    ad_personalization: bool = False

    def block(self) -> dict[str, str]:
        return {
            "ad_user_data": "GRANTED" if self.ad_user_data else "DENIED",
            "ad_personalization": "GRANTED" if self.ad_personalization else "DENIED",
        }


def client_id(visitor_hash: str, at: datetime) -> str:
    """`<number>.<seconds>`: a number from the day's visitor hash, the day's first second.

    The hash changes every day (its salt rotates), so a GA4 client lasts a
    day at most, like the unique-visitor count; it reveals nothing the hash
    does not.
    """
    number = int(visitor_hash[:8], 16) or 1
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return f"{number}.{int(day.timestamp())}"


def session_id(at: datetime) -> str:
    """The start of the 30-minute window the visit falls in, in seconds (GA4 wants a number)."""
    seconds = int(at.timestamp())
    return str(seconds - seconds % SESSION_SECONDS)


def utm_tags(tagged_target: str) -> dict[str, str]:
    """The `utm_*` values of a tagged target, without their prefix."""
    query = dict(parse_qsl(urlsplit(tagged_target).query, keep_blank_values=False))
    return {name: query[f"utm_{name}"] for name in _UTM if query.get(f"utm_{name}")}


def payload_for(
    *, event: EventName, event_id: str, at: datetime, data: dict[str, Any], link: dict[str, Any]
) -> tuple[str, list[dict[str, Any]]] | None:
    """(client_id, GA4 events) for one outbox event, or None when nothing may be sent."""
    name = _EVENT_NAMES.get(event)
    if name is None or data.get("private") or not data.get("visitor_hash"):
        return None
    common = {
        "session_id": session_id(at),
        "engagement_time_msec": ENGAGEMENT_MSEC,
    }
    tags = utm_tags(str(link.get("tagged_target") or ""))
    campaign = dict(tags)
    events: list[dict[str, Any]] = []
    if campaign:
        events.append({"name": "campaign_details", "params": {**campaign, **common}})
    params: dict[str, Any] = {
        **common,
        "channel": data.get("channel") or "",
        "evidence": data.get("evidence") or "",
        "link": link.get("slug") or "",
        "campaign": link.get("campaign") or tags.get("campaign", ""),
        "sharer": link.get("sharer") or "",
        "event_id": event_id,
    }
    events.append({"name": name, "params": {k: v for k, v in params.items() if v not in (None, "")}})
    return client_id(str(data["visitor_hash"]), at), events


def request_body(
    client: str, events: list[dict[str, Any]], *, consent: Consent, timestamp: datetime | None = None
) -> dict[str, Any]:
    """One Measurement Protocol request: one client, at most 25 events."""
    if len(events) > MAX_EVENTS_PER_REQUEST:
        raise ValueError(f"GA4 takes at most {MAX_EVENTS_PER_REQUEST} events a request")
    document: dict[str, Any] = {"client_id": client, "events": events, "consent": consent.block()}
    if timestamp is not None:
        document["timestamp_micros"] = int(timestamp.timestamp() * 1_000_000)
    return document
