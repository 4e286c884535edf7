"""The database tables, as SQLModel classes; the domain never sees them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracking.core.rollups import DIMENSIONS
from tracking.core.visits import TextSizes
from tracking.storage.types import BigId, UtcDateTime

#: Characters of a refusal's reason kept in the quarantine.
QUARANTINE_REASON_SIZE = 512


class SharerRow(SQLModel, table=True):
    """A person who asked for links, per platform."""

    __tablename__ = "sharers"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_sharers_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    external_id: str = Field(max_length=128)
    display_name: str = Field(max_length=256)
    handle: str = Field(max_length=40, unique=True)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    workspace: str | None = Field(default=None, max_length=32)  # Slack team id, for `by workspace`


class LinkRow(SQLModel, table=True):
    """A short link; `dedupe_key` is unique so an identical request cannot make two."""

    __tablename__ = "links"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    target: str = Field(max_length=2048)
    tagged_target: str = Field(max_length=4096)
    target_host: str = Field(default="", max_length=253, index=True)  # without "www.", for "to example.com"

    channel: str | None = Field(default=None, max_length=32, index=True)
    campaign: str | None = Field(default=None, max_length=64, index=True)
    sharer_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("sharers.id"), nullable=True, index=True)
    )
    dedupe_key: str | None = Field(default=None, max_length=64, unique=True)
    custom_slug: bool = False
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    disabled: bool = False
    max_clicks: int | None = None
    clicks: int = 0


class VisitRow(SQLModel, table=True):
    """One request to a slug; IPs only ever truncated, visitors only as a daily-salted hash."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_link_kind_at", "link_id", "kind", "at"),
        Index("ix_visits_at", "at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    link_id: int = Field(sa_column=Column(ForeignKey("links.id"), nullable=False))
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    method: str = Field(max_length=8)
    kind: str = Field(max_length=8)
    channel: str = Field(max_length=32)
    evidence: str = Field(max_length=32)
    rule: str | None = Field(default=None, max_length=64)
    rules_version: int = 0
    user_agent: str | None = Field(default=None, max_length=512)
    referrer: str | None = Field(default=None, max_length=1024)
    ip_prefix: str | None = Field(default=None, max_length=64)
    visitor_hash: str | None = Field(default=None, max_length=32)
    device: str | None = Field(default=None, max_length=16)
    browser: str | None = Field(default=None, max_length=64)
    os: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, max_length=2)
    private: bool = False


class RollupHourlyRow(SQLModel, table=True):
    """Visits per UTC hour, link, kind and channel (for periods shorter than a day)."""

    __tablename__ = "rollup_hourly"
    __table_args__ = (Index("ix_rollup_hourly_hour", "hour"),)

    link_id: int = Field(primary_key=True)
    hour: datetime = Field(sa_column=Column(UtcDateTime(), primary_key=True))
    kind: str = Field(primary_key=True, max_length=8)
    channel: str = Field(primary_key=True, max_length=32)
    visits: int = 0


class RollupDailyRow(SQLModel, table=True):
    """Visits per local day (LANTERN_TIMEZONE), link, kind and channel: what most answers read."""

    __tablename__ = "rollup_daily"
    __table_args__ = (Index("ix_rollup_daily_day", "day", "kind"),)

    link_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=8)
    channel: str = Field(primary_key=True, max_length=32)
    visits: int = 0


class RollupDimensionRow(SQLModel, table=True):
    """Visits per local day, link, kind, channel and one value of country, device or browser."""

    __tablename__ = "rollup_daily_dimensions"
    __table_args__ = (Index("ix_rollup_dims_day", "dimension", "day"),)

    link_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=8)
    channel: str = Field(primary_key=True, max_length=32)
    dimension: str = Field(primary_key=True, max_length=16)
    value: str = Field(primary_key=True, max_length=64)
    visits: int = 0


class ApiKeyRow(SQLModel, table=True):
    """An API key: only its SHA-256 is kept; the key itself is shown once at creation."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    revoked: bool = False


class RollupDailyTotalRow(SQLModel, table=True):
    """Visits per local day, kind and channel over all links: the table most questions read.

    Clustered by (kind, day) (no rowid on SQLite) so a period is one contiguous range.
    """

    __tablename__ = "rollup_daily_totals"
    __table_args__ = {"sqlite_with_rowid": False}

    kind: str = Field(primary_key=True, max_length=8)
    day: date = Field(primary_key=True)
    channel: str = Field(primary_key=True, max_length=32)
    visits: int = 0


class RollupDailyLinkRow(SQLModel, table=True):
    """Visits per local day, kind and link over all channels: top links, campaigns, sharers."""

    __tablename__ = "rollup_daily_links"
    __table_args__ = {"sqlite_with_rowid": False}

    kind: str = Field(primary_key=True, max_length=8)
    day: date = Field(primary_key=True)
    link_id: int = Field(primary_key=True)
    visits: int = 0


class VisitBatchRow(SQLModel, table=True):
    """Ids of the visit batches written: a batch retried or replayed from the spool counts once.

    Kept for a week (`lantern prune` and a daily clean-up remove older ids).
    """

    __tablename__ = "visit_batches"
    __table_args__ = (Index("ix_visit_batches_written_at", "written_at"),)

    id: str = Field(primary_key=True, max_length=32)
    written_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class VisitorKeyCheckRow(SQLModel, table=True):
    """The fingerprint of the visitor key the first process used: a process with another key says so.

    Hosts with different keys would derive different salts and count each
    visitor once per host. The fingerprint is an HMAC under the key, so it
    helps no one recover the key or a salt.
    """

    __tablename__ = "visitor_key_check"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class QuarantinedVisitRow(SQLModel, table=True):
    """A visit the database refused for its data, kept aside with the reason so no batch is blocked by it.

    `id` is the id of the one-visit write that was refused: a batch replayed
    from the spool quarantines the same visit once. `visit` is the visit as
    ASCII JSON, so the row itself can always be stored.
    """

    __tablename__ = "visit_quarantine"

    id: str = Field(primary_key=True, max_length=32)
    link_id: int | None = None
    at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    quarantined_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    reason: str = Field(max_length=QUARANTINE_REASON_SIZE)
    visit: str = Field(sa_column=Column(Text(), nullable=False))


def visit_text_sizes() -> TextSizes:
    """Each text of a visit and the most characters it may have, read from the table definitions.

    A field's size is its column in `visits`, narrowed by every roll-up column
    of the same name (`channel`, …) and, for the roll-up dimensions, by the
    dimension `value` column: one source for every limit, on both databases
    (SQLite does not enforce them, PostgreSQL refuses a whole batch over one).
    """
    tables: list[Table] = list(SQLModel.metadata.tables.values())
    visits: Table = VisitRow.__table__  # type: ignore[attr-defined]
    values: Table = RollupDimensionRow.__table__  # type: ignore[attr-defined]
    sizes = []
    for column in visits.columns:
        length = getattr(column.type, "length", None)
        if not isinstance(length, int) or column.name == "kind":  # kind is an enum of short words
            continue
        for table in tables:
            if table.name.startswith("rollup_") and column.name in table.c:
                other = getattr(table.c[column.name].type, "length", None)
                length = min(length, other) if isinstance(other, int) else length
        if column.name in DIMENSIONS:
            length = min(length, int(getattr(values.c.value.type, "length", length)))
        sizes.append((column.name, length))
    return TextSizes(tuple(sizes))


class SeenDeliveryRow(SQLModel, table=True):
    """Ids of platform deliveries already handled (a Slack `event_id`, a Telegram `update_id`).

    Every worker claims an id here before acting on it, so a retry or a
    second delivery to another process is handled once. Kept for a day.
    """

    __tablename__ = "seen_deliveries"
    __table_args__ = (Index("ix_seen_deliveries_seen_at", "seen_at"),)

    source: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=128)
    seen_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class RateBucketRow(SQLModel, table=True):
    """One rate-limit key's bucket, shared by every worker: when it will be full again (epoch seconds)."""

    __tablename__ = "rate_buckets"

    key: str = Field(primary_key=True, max_length=160)
    full_at: float


class SlackInstallationRow(SQLModel, table=True):
    """The latest installation of the Slack app per workspace (or org) and installing user.

    `enterprise_id` and `team_id` are "" when Slack gives none (an org-wide
    install has no team); `data` is slack_sdk's Installation as JSON.
    """

    __tablename__ = "slack_installations"
    __table_args__ = (
        UniqueConstraint("client_id", "enterprise_id", "team_id", "user_id", name="uq_slack_installations"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64)
    enterprise_id: str = Field(max_length=32)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    installed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    data: str = Field(sa_column=Column(Text(), nullable=False))


class SlackBotRow(SQLModel, table=True):
    """The current bot token of each workspace (or org): what answers its commands."""

    __tablename__ = "slack_bots"
    __table_args__ = (UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_bots"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64)
    enterprise_id: str = Field(max_length=32)
    team_id: str = Field(max_length=32)
    installed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    data: str = Field(sa_column=Column(Text(), nullable=False))


class SlackOAuthStateRow(SQLModel, table=True):
    """An OAuth `state` issued by `GET /slack/install`, good once until it expires."""

    __tablename__ = "slack_oauth_states"

    state: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
