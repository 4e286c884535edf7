"""What a stats question means (Interpretation) and what answers it (Answer).

The parser produces an Interpretation; the stats engine fills an Answer;
renderers turn an Answer into text, Slack mrkdwn, Telegram HTML, JSON or
a chart. All three only share these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tracking.core.errors import LanternError


class Metric(StrEnum):
    """What is counted."""

    CLICKS = "clicks"
    PREVIEWS = "previews"  # share events: chat apps fetching a preview
    VISITS = "visits"  # every request, bots included
    UNIQUE_VISITORS = "unique visitors"
    LINKS = "links"  # links created
    BOTS = "bots"  # machine fetches: email scanners, crawlers, scripts (see "by fetcher")


class GroupBy(StrEnum):
    """How an answer is broken down; the first four are time series."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CHANNEL = "channel"
    CAMPAIGN = "campaign"
    LINK = "link"
    SHARER = "sharer"
    WORKSPACE = "workspace"
    COUNTRY = "country"
    DEVICE = "device"
    BROWSER = "browser"
    FETCHER = "fetcher"  # kind of fetcher: person, email-scanner, link-preview, search-crawler…
    EVIDENCE = "evidence"  # which signal attributed each visit (the dashboard's panel)
    PAGE = "page"  # a page of a site carrying the page tag (copy-and-paste tracking)

    @property
    def is_time(self) -> bool:
        """True for groupings that make a time series."""
        return self in {GroupBy.HOUR, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH}


@dataclass(frozen=True, slots=True)
class Interpretation:
    """A question, understood: metric, filters, period [start, end) and shape."""

    metric: Metric
    start: datetime  # aware, in the configured time zone
    end: datetime  # exclusive
    period: str  # how the period was asked for, e.g. "this week", "last 7 days"
    channels: tuple[str, ...] | None = None  # channel names after expanding groups; None = all
    channel_filter: str | None = None  # what the user named: "messaging", "whatsapp", "dark social"
    campaign: str | None = None
    link: str | None = None  # a slug
    page: str | None = None  # a page's path on a site carrying the page tag, e.g. "/blog/post"
    sharer: str | None = None  # a handle or display name, without "@"
    domain: str | None = None  # target host, e.g. "example.com"
    group_by: GroupBy | None = None
    top: int | None = None  # "top N": keep the N largest rows of the breakdown
    #: Only visits with this value of a per-day dimension, e.g. ("country", "FR") (the dashboard's rows).
    dimension: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One bucket of a series or one entry of a breakdown."""

    key: str  # stable machine key: ISO date for time buckets, channel name, slug…
    label: str  # what a person reads: "Mon 23 Nov", "WhatsApp", "go.example/abc"
    value: int


@dataclass(frozen=True, slots=True)
class Answer:
    """The numbers that answer an interpretation."""

    interpretation: Interpretation
    total: int
    previous_total: int  # same metric and filters over the previous period of the same length
    rows: tuple[Row, ...] = ()  # time buckets in order (zeros included) or breakdown, largest first
    notes: tuple[str, ...] = field(default=())  # caveats, e.g. "unique visitors only within retention"

    @property
    def is_series(self) -> bool:
        """True when rows are time buckets (a line/bar chart over time)."""
        group = self.interpretation.group_by
        return group is not None and group.is_time

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (0.25 = +25 %), None when undefined."""
        if self.previous_total == 0:
            return None
        return (self.total - self.previous_total) / self.previous_total


class QuestionNotUnderstood(LanternError):
    """A question the parser cannot read: what it did understand, and questions it can answer."""

    code = "question_not_understood"

    def __init__(
        self,
        message: str,
        *,
        understood: tuple[str, ...],
        unknown: tuple[str, ...],
        suggestions: tuple[str, ...],
    ) -> None:
        super().__init__(message)
        self.understood = understood
        self.unknown = unknown
        self.suggestions = suggestions
