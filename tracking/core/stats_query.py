"""What the stats use case asks storage for: one count over a period, as a plain value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

#: Breakdowns kept per local day beside the channel (no hourly table holds them).
DIMENSION_GROUPS = ("country", "device", "browser", "fetcher", "evidence")


@dataclass(frozen=True, slots=True)
class Query:
    """One count over a period: which visits, where, and how to group them.

    `days` is set for whole local days (daily roll-ups); otherwise `hours`
    (UTC, for periods shorter than a day or "by hour").
    """

    kinds: tuple[str, ...] | None  # None = every kind
    channels: tuple[str, ...] | None
    days: tuple[date, date] | None = None  # [first, after-last)
    hours: tuple[datetime, datetime] | None = None  # [start, end) in UTC, truncated to hours
    campaign: str | None = None
    link_id: int | None = None
    sharer_id: int | None = None
    domain: str | None = None
    page: str | None = None  # a page's path (its pseudo-links on every registered site); "" = every page
    group: str | None = None  # "time", "channel", "campaign", "link", "sharer", or a dimension
    dimension: tuple[str, str] | None = None  # only visits with this (dimension, value); daily only
