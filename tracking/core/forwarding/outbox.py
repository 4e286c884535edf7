"""What the outbox holds, as plain values: the sender reads and writes these through `OutboxStore`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Webhook:
    """A receiver as the CLI and the sender see it (the secret only where signing needs it)."""

    id: int
    url: str
    events: tuple[str, ...]
    created_at: datetime
    disabled: bool
    disabled_reason: str | None
    failures_in_row: int
    owner_chat: str | None
    secret: str = ""


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An outbox event claimed for fan-out."""

    id: int
    event_id: str
    event: str
    link_id: int | None
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """One event for one destination, as the fan-out decides it."""

    destination: str
    webhook_id: int | None
    event_id: str
    event: str
    body: str
    group_key: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery claimed for an attempt (or listed for `lantern webhook deliveries`)."""

    id: int
    destination: str
    webhook_id: int | None
    event_id: str
    event: str
    created_at: datetime
    body: str
    group_key: str | None
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
