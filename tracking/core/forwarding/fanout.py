"""Fan-out: which destinations get which event, and the exact bytes each one is sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracking.core.forwarding import ga4, webhooks
from tracking.core.forwarding.events import EventName

GA4 = "ga4"


@dataclass(frozen=True, slots=True)
class Receiver:
    """A webhook as fan-out needs it: where, and which events it wants."""

    id: int
    events: frozenset[str]
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """An outbox event with the link it is about."""

    event_id: str
    event: str
    at: datetime
    data: dict[str, Any]
    link: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Planned:
    """One delivery to store: the destination, and the body that every retry sends unchanged."""

    destination: str
    webhook_id: int | None
    event_id: str
    event: str
    body: str
    group_key: str | None = None


def webhook_data(event: Event, *, base_url: str) -> dict[str, Any]:
    """What a webhook receiver is told: the link (with its short URL) and the visit, no visitor hash."""
    data = {key: value for key, value in event.data.items() if key != "visitor_hash"}
    if event.link is not None:
        link = dict(event.link)
        link["short_url"] = f"{base_url}/{link['slug']}"
        data["link"] = link
    return data


def plan(
    events: Sequence[Event], receivers: Sequence[Receiver], *, ga4_on: bool, base_url: str
) -> list[Planned]:
    """Every delivery the events call for, in event order."""
    planned: list[Planned] = []
    for event in events:
        try:
            name = EventName(event.event)
        except ValueError:
            continue
        wanted = [r for r in receivers if not r.disabled and name.value in r.events]
        if wanted:
            raw = webhooks.body(
                event_id=event.event_id,
                event=name.value,
                created_at=event.at,
                data=webhook_data(event, base_url=base_url),
            ).decode()
            planned.extend(Planned(f"webhook:{r.id}", r.id, event.event_id, name.value, raw) for r in wanted)
        if ga4_on and event.link is not None:
            payload = ga4.payload_for(
                event=name, event_id=event.event_id, at=event.at, data=event.data, link=event.link
            )
            if payload is not None:
                client, ga4_events = payload
                planned.append(
                    Planned(GA4, None, event.event_id, name.value, json.dumps(ga4_events), group_key=client)
                )
    return planned
