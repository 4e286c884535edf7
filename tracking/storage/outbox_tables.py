"""Tables of what leaves Lantern: the outbox, webhooks, their deliveries, digests and alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracking.storage.types import BigId, UtcDateTime


class OutboxRow(SQLModel, table=True):
    """An event written in the same transaction as its cause, until it is handed to its destinations.

    `claim_until` is a lease: the process that fans an event out holds it
    for a while, so two workers never fan out the same event, and a worker
    killed mid-way lets another take over when the lease runs out.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_dispatched_id", "dispatched", "id"),)

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    event_id: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    event: str = Field(max_length=32)
    link_id: int | None = None
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))
    dispatched: bool = False
    claim: str | None = Field(default=None, max_length=32)
    claim_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class WebhookRow(SQLModel, table=True):
    """A receiver of signed event deliveries; its secret is needed to sign, so it is kept."""

    __tablename__ = "webhooks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(String(2048), nullable=False, unique=True))
    secret: str = Field(max_length=128)
    events: str = Field(max_length=256)  # comma-separated event names
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    disabled: bool = False
    disabled_reason: str | None = Field(default=None, max_length=256)
    failures_in_row: int = 0
    owner_chat: str | None = Field(default=None, max_length=128)  # "slack:C123" or "telegram:-100…"


class DeliveryRow(SQLModel, table=True):
    """One event for one destination (a webhook, or GA4), with its attempts so far."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("destination", "event_id", name="uq_deliveries_destination_event"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    destination: str = Field(max_length=64)  # "webhook:ID" or "ga4"
    webhook_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    event_id: str = Field(max_length=32)
    event: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    group_key: str | None = Field(default=None, max_length=64)  # GA4: the client id, to batch by
    status: str = Field(default="pending", max_length=16)  # pending, delivered, failed, dead
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    claim: str | None = Field(default=None, max_length=32)
    claim_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=512)
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class SubscriptionRow(SQLModel, table=True):
    """A chat that asked for a digest (a question on a schedule) or for alerts."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_due", "kind", "next_run_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "digest" or "alerts"
    platform: str = Field(max_length=16)  # "slack" or "telegram"
    chat_id: str = Field(max_length=64)
    team_id: str | None = Field(default=None, max_length=32)  # Slack workspace, for its token
    question: str = Field(default="", max_length=500)
    cadence: str | None = Field(default=None, max_length=16)
    weekday: int | None = None
    monthday: int | None = None
    hour: int = 9
    minute: int = 0
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=8)
    created_by: str = Field(default="", max_length=128)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    next_run_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class AlertSentRow(SQLModel, table=True):
    """An alert raised once: its key ("first-click:12", "new-app:12:whatsapp", "spike:12:…") is unique."""

    __tablename__ = "alerts_sent"

    key: str = Field(sa_column=Column(String(128), primary_key=True))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
