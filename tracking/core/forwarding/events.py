"""Outbox events: what happened, as a durable record written beside its cause.

An event is written in the same transaction as what caused it (a visit
batch, a new link), so a crash can never lose one nor send one for
something that was rolled back. Its id stays the same across every retry,
so receivers can deduplicate.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tracking.core.attribution import VisitKind
from tracking.core.visits import Visit


class EventName(StrEnum):
    """The webhook events a receiver may subscribe to."""

    LINK_CREATED = "link.created"
    LINK_CLICKED = "link.clicked"
    SHARE_DETECTED = "share.detected"


EVENT_NAMES: tuple[str, ...] = tuple(name.value for name in EventName)


class UnknownEvent(ValueError):
    """An event name no receiver can subscribe to."""


def parse_events(text: str) -> tuple[EventName, ...]:
    """`link.created,link.clicked` → the events, in a stable order; unknown names are refused."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise UnknownEvent(f"name at least one event: {', '.join(EVENT_NAMES)}")
    chosen: set[EventName] = set()
    for name in names:
        try:
            chosen.add(EventName(name))
        except ValueError:
            raise UnknownEvent(f"unknown event {name!r}; choose from {', '.join(EVENT_NAMES)}") from None
    return tuple(event for event in EventName if event in chosen)


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One thing that happened, waiting to be handed to every destination that wants it."""

    event: EventName
    link_id: int | None
    at: datetime
    data: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def new_event_id() -> str:
    """A fresh event id (32 hex characters)."""
    return uuid.uuid4().hex


def visit_event(visit: Visit) -> OutboxEvent | None:
    """The event a stored visit raises: a click or a share; bots raise none."""
    if visit.kind is VisitKind.CLICK:
        name = EventName.LINK_CLICKED
    elif visit.kind is VisitKind.PREVIEW:
        name = EventName.SHARE_DETECTED
    else:
        return None
    data: dict[str, Any] = {
        "kind": visit.kind.value,
        "channel": visit.channel,
        "evidence": visit.evidence,
        "private": visit.private,
    }
    if not visit.private:
        data.update(
            device=visit.device,
            browser=visit.browser,
            os=visit.os,
            country=visit.country,
            visitor_hash=visit.visitor_hash,
        )
    return OutboxEvent(event=name, link_id=visit.link_id, at=visit.at, data=data)


def visit_events(visits: Sequence[Visit]) -> list[OutboxEvent]:
    """The events of a batch of visits, in order."""
    events = []
    for visit in visits:
        event = visit_event(visit)
        if event is not None:
            events.append(event)
    return events
