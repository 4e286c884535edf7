"""Lantern's settings: read once, from `LANTERN_*` variables and `.env`, into one object."""

from __future__ import annotations

import ipaddress
import re
from functools import cached_property
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[tuple[str, ...], NoDecode]


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    """Every setting Lantern reads; the README's configuration table mirrors this class."""

    model_config = SettingsConfigDict(
        env_prefix="LANTERN_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///./lantern.db", description="SQLAlchemy URL of the database."
    )
    base_url: str = Field(
        "http://localhost:8080", description="Public origin of short links, e.g. https://go.example.com."
    )
    host: str = Field("127.0.0.1", description="Address the HTTP server listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the HTTP server listens on.")
    timezone: str = Field("UTC", description="Time zone that decides days and weeks in stats.")
    denied_domains: CommaList = Field(
        (), description="Comma-separated domains (and their sub-domains) links may not point to."
    )
    redirect_status: Literal[302, 307] = Field(
        302, description="302 or 307; 301 is refused because browsers cache it and clicks go uncounted."
    )
    trusted_proxies: CommaList = Field(
        (), description="Comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed."
    )
    country_header: str = Field(
        "", description="Request header holding the visitor's country code, e.g. CF-IPCountry."
    )
    link_cache_size: int = Field(
        20_000, ge=1, description="Links kept in each process's cache (about 1 KB each)."
    )
    link_cache_ttl: float = Field(
        5.0, ge=0, description="Seconds a cached link is trusted before it is read again."
    )
    visit_queue_limit: int = Field(
        50_000, ge=100, description="Visits waiting for the database before new ones get 503."
    )
    db_pool_size: int = Field(10, ge=1, description="Most database connections per process (PostgreSQL).")
    spool_dir: str = Field(
        "./lantern-spool", description="Where visits wait, fsynced, while the database cannot take them."
    )
    spool_max_mb: int = Field(
        512, ge=1, description="Most megabytes of spooled visits per worker; past it new visits get 503."
    )
    visitor_key: SecretStr | None = Field(
        None,
        description="Secret the daily visitor-hash salts are derived from (32+ characters); every process "
        "and host sharing a database needs the same one. Unset: a key file is used (created if missing).",
    )
    visitor_key_file: str | None = Field(
        None,
        description="File holding the visitor key, created 0600 on first start; default NAME.key beside "
        "the SQLite file, or visitor.key in the spool folder.",
    )
    store_ip: bool = Field(True, description="Keep the truncated IP (/24, /48) of each visit.")

    store_user_agent: bool = Field(True, description="Keep the raw user agent of each visit.")
    store_referrer: bool = Field(True, description="Keep the referrer of each visit.")
    preview_window_hours: float = Field(
        24.0, gt=0, description="How long after a chat preview a bare click is credited to that app."
    )
    link_rate_per_minute: int = Field(
        30, ge=0, description="Links one sharer or API key may create a minute; 0 turns the limit off."
    )
    link_rate_burst: int = Field(
        10, ge=1, description="Links one sharer or API key may create at once before the rate applies."
    )
    not_found_rate_per_minute: int = Field(
        120, ge=0, description="Unknown-link answers a minute per client network before 429; 0 = off."
    )
    not_found_burst: int = Field(
        30, ge=1, description="Unknown-link answers per client network at once before the rate applies."
    )
    question_rate_per_minute: int = Field(
        20, ge=0, description="Stats questions one API key or chat user may ask a minute; 0 = off."
    )
    question_burst: int = Field(
        5, ge=1, description="Questions one API key or chat user may ask at once before the rate applies."
    )
    question_threads: int = Field(
        2, ge=1, le=32, description="Threads that build answers and draw charts, off the redirect path."
    )
    chart_processes: int = Field(
        1, ge=1, le=16, description="Processes that draw charts (started on the first chart)."
    )
    questions_in_flight: int = Field(
        8, ge=1, description="Questions answered at once per process; more are told to ask again shortly."
    )
    metrics_token: SecretStr | None = Field(
        None, description="When set, GET /metrics needs `Authorization: Bearer <token>`."
    )
    scanner_evidence: bool = Field(
        False,
        description="Also read scanners that send a browser's user agent by other evidence (opt-in: "
        "scripts and proxies that strip browser headers would count as bots).",
    )
    scanner_signals: CommaList = Field(
        ("no-lang", "no-ch", "no-fetch-meta", "mail-net", "cloud-net", "preflight", "batch", "just-sent"),
        description="Comma-separated scanner signals switched on (docs/attribution.md lists them).",
    )
    scanner_threshold: int = Field(
        4,
        ge=2,
        description="Weight of scanner signals that makes a visit a bot (one must be a header signal).",
    )
    scanner_batch_links: int = Field(
        3,
        ge=2,
        description="Different links fetched from one network within the batch window that count as a batch.",
    )
    scanner_batch_seconds: float = Field(10.0, gt=0, description="The batch window, in seconds.")
    scanner_preflight_seconds: float = Field(
        30.0, gt=0, description="How long a HEAD or OPTIONS is remembered before the GET of the same link."
    )
    scanner_just_sent_seconds: float = Field(
        60.0, ge=0, description="A fetch this soon after the link was created counts as a scanner signal."
    )
    address_ranges_file: str = Field(
        "./lantern-address-ranges.json",
        description="Cloud and mail-provider ranges (`lantern ranges update`); shipped snapshot until then.",
    )
    collect_rate_per_minute: int = Field(
        60, ge=0, description="Page-tag beacons a minute per site and client network; 0 turns the limit off."
    )
    collect_site_rate_per_minute: int = Field(
        6000, ge=0, description="Page-tag beacons a minute per site over all visitors; 0 turns the limit off."
    )
    session_secret: SecretStr | None = Field(
        None, description="Secret that encrypts dashboard session cookies; unset: a 0600 key file is used."
    )
    session_key_file: str = Field(
        "./lantern-session.key",
        description="Where the dashboard's cookie key is kept (made 0600 on first start) without a secret.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    access_log: bool = Field(
        False,
        description="Log one line per request (network prefix, method, path without query, status, time); "
        "off by default because it costs redirect throughput.",
    )
    workers: int = Field(1, ge=1, le=64, description="Processes `lantern serve` runs, sharing the port.")
    worker_index: int = Field(
        0, ge=0, description="Set by `lantern serve` for each worker; worker 0 runs the polling bots."
    )

    slack_bot_token: SecretStr | None = Field(
        None, description="Slack bot token (xoxb-…); Slack is off when unset."
    )
    slack_signing_secret: SecretStr | None = Field(
        None, description="Slack signing secret; required for HTTP mode (POST /slack/events)."
    )
    slack_app_token: SecretStr | None = Field(
        None, description="Slack app-level token (xapp-…); when set, Socket Mode is used instead of HTTP."
    )
    slack_allowed_teams: CommaList = Field(
        (),
        description="Comma-separated Slack workspace (team) or Enterprise Grid org ids allowed to install "
        "and use the app; empty = any.",
    )
    slack_client_id: str | None = Field(
        None,
        description="Slack app client id; with its secret, turns on `GET /slack/install` (many workspaces).",
    )
    slack_client_secret: SecretStr | None = Field(
        None, description="Slack app client secret (Basic Information → App Credentials)."
    )
    slack_redirect_url: str | None = Field(
        None, description="OAuth redirect URL registered with Slack; default {BASE_URL}/slack/oauth_redirect."
    )
    slack_authorize_url: str = Field(
        "https://slack.com/oauth/v2/authorize",
        description="Slack's OAuth consent page (for proxies and tests).",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Base URL of Slack's Web API (for proxies and tests)."
    )

    telegram_token: SecretStr | None = Field(
        None, description="Telegram bot token from BotFather; Telegram is off when unset."
    )
    telegram_mode: Literal["webhook", "polling"] = Field(
        "webhook", description="webhook (POST /telegram/webhook, needs a public BASE_URL) or polling."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required for webhook mode.",
    )
    telegram_allowed_users: CommaList = Field(
        (), description="Comma-separated Telegram user ids allowed to use the bot."
    )
    telegram_allowed_chats: CommaList = Field(
        (), description="Comma-separated Telegram chat ids (groups are negative) whose members may use it."
    )
    telegram_allow_anyone: bool = Field(
        False, description="Let any Telegram user use the bot (otherwise an allow-list is required)."
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org", description="Root of the Bot API server (a local Bot API server, tests)."
    )
    telegram_drop_pending_updates: bool = Field(
        False, description="Ignore updates Telegram queued while Lantern was down, at start-up."
    )

    ga4_measurement_id: str | None = Field(
        None, description="GA4 measurement id (G-…); with the API secret, clicks and shares go to GA4."
    )
    ga4_api_secret: SecretStr | None = Field(
        None, description="GA4 Measurement Protocol API secret (Admin → Data streams → API secrets)."
    )
    ga4_url: str = Field(
        "https://www.google-analytics.com",
        description="Root of the GA4 collection endpoint (tests, proxies).",
    )
    ga4_ad_user_data: bool = Field(
        False, description="Tell GA4 visitors consented to ad user data (sent as GA4's consent block)."
    )
    ga4_ad_personalization: bool = Field(
        False, description="Tell GA4 visitors consented to ad personalisation."
    )
    forward_lease_seconds: float = Field(
        60.0,
        gt=0,
        description="Seconds a worker holds an outbox event or delivery before another may retry it.",
    )
    alert_quiet_hours: str = Field(
        "", description="Local hours when chat alerts wait, e.g. 22-7; empty = alerts at any hour."
    )
    alert_spike_minimum: int = Field(
        20, ge=1, description="Clicks in an hour a link needs before a spike alert is considered."
    )
    alert_spike_factor: float = Field(
        3.0, gt=1, description="How many times its usual clicks for that hour make a spike."
    )
    webhook_allow_private: bool = Field(
        False, description="Deliver webhooks to private and loopback addresses (inside your own network)."
    )

    @model_validator(mode="after")
    def _ga4_is_complete(self) -> Settings:
        if bool(self.ga4_measurement_id) != bool(self.ga4_api_secret):
            raise ValueError(
                "GA4 forwarding needs both LANTERN_GA4_MEASUREMENT_ID and LANTERN_GA4_API_SECRET (or neither)"
            )
        parts = urlsplit(self.ga4_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(
                "LANTERN_GA4_URL must be an http(s) URL such as https://www.google-analytics.com"
            )
        return self

    @field_validator("alert_quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if value.strip() and not re.fullmatch(r"\s*([01]?\d|2[0-3])\s*-\s*([01]?\d|2[0-3])\s*", value):
            raise ValueError("quiet hours are two local hours, like 22-7")
        return value.strip()

    @property
    def quiet_hours(self) -> tuple[int, int] | None:
        """(start, end) local hours of the alerts' quiet time, or None."""
        if not self.alert_quiet_hours:
            return None
        start, end = (int(part) for part in self.alert_quiet_hours.split("-"))
        return start, end

    @property
    def ga4_enabled(self) -> bool:
        """True when clicks and share events are forwarded to GA4."""
        return bool(self.ga4_measurement_id and self.ga4_api_secret)

    @model_validator(mode="after")
    def _bots_are_complete(self) -> Settings:
        if (
            self.telegram_token is not None
            and not self.telegram_allow_anyone
            and not (self.telegram_allowed_users or self.telegram_allowed_chats)
        ):
            raise ValueError(
                "the Telegram bot is closed by default: set LANTERN_TELEGRAM_ALLOWED_USERS and/or "
                "LANTERN_TELEGRAM_ALLOWED_CHATS (numeric ids), or LANTERN_TELEGRAM_ALLOW_ANYONE=true"
            )
        if self.telegram_token is not None and self.telegram_mode == "webhook":
            secret = self.telegram_webhook_secret.get_secret_value() if self.telegram_webhook_secret else ""
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
                raise ValueError(
                    "Telegram webhook mode needs LANTERN_TELEGRAM_WEBHOOK_SECRET: 16 to 256 characters of "
                    "A-Z, a-z, 0-9, _ or - (or set LANTERN_TELEGRAM_MODE=polling)"
                )
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            raise ValueError(
                "Slack installs need both LANTERN_SLACK_CLIENT_ID and LANTERN_SLACK_CLIENT_SECRET"
            )
        if self.slack_enabled and self.slack_signing_secret is None:
            if self.slack_client_id is not None:
                raise ValueError("Slack installs (LANTERN_SLACK_CLIENT_ID) need LANTERN_SLACK_SIGNING_SECRET")
            if self.slack_app_token is None:
                raise ValueError(
                    "Slack over HTTP needs LANTERN_SLACK_SIGNING_SECRET "
                    "(or set LANTERN_SLACK_APP_TOKEN for Socket Mode)"
                )
        return self

    @field_validator("visitor_key")
    @classmethod
    def _long_visitor_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 32:
            raise ValueError(
                "LANTERN_VISITOR_KEY must have at least 32 characters (e.g. from `openssl rand -hex 32`)"
            )
        return value

    @property
    def slack_enabled(self) -> bool:
        """Slack is on with one bot token, or with OAuth installs for many workspaces."""
        return self.slack_bot_token is not None or self.slack_client_id is not None

    @property
    def slack_installs(self) -> bool:
        """True when workspaces install the app themselves (`GET /slack/install`)."""
        return self.slack_client_id is not None

    @field_validator("redirect_status", mode="before")
    @classmethod
    def _refuse_301(cls, value: object) -> object:
        if str(value).strip() == "301":
            raise ValueError(
                "301 is refused: browsers cache a permanent redirect and later clicks never "
                "reach Lantern, so they go uncounted; use 302 or 307"
            )
        return int(str(value)) if isinstance(value, str) and value.strip().isdigit() else value

    @field_validator(
        "denied_domains",
        "trusted_proxies",
        "slack_allowed_teams",
        "telegram_allowed_users",
        "telegram_allowed_chats",
        "scanner_signals",
        mode="before",
    )
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split(value)

    @field_validator("telegram_allowed_users", "telegram_allowed_chats")
    @classmethod
    def _numeric_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not item.removeprefix("-").isdigit():
                raise ValueError(f"Telegram ids are numbers, not {item!r}")
        return value

    @field_validator("scanner_signals")
    @classmethod
    def _known_signals(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from tracking.core.attribution.scanner_evidence import SIGNALS

        for item in value:
            if item not in SIGNALS:
                raise ValueError(f"unknown scanner signal {item!r}; use some of: {', '.join(SIGNALS)}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str) -> str:
        """`sqlite:///path` and `postgresql://…` mean their async drivers; other databases are refused."""
        scheme, sep, rest = value.strip().partition("://")
        if not sep:
            raise ValueError(
                "database_url must look like sqlite:///path/lantern.db or postgresql://user@host/db"
            )
        backend, _, driver = scheme.lower().partition("+")
        drivers = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "postgres": "asyncpg"}
        if backend not in drivers:
            raise ValueError(
                f"Lantern runs on SQLite or PostgreSQL, not {backend or scheme!r}: "
                "use sqlite:///path/lantern.db or postgresql://user@host/db"
            )
        if driver and driver != drivers[backend]:
            raise ValueError(f"Lantern talks to {backend} through {drivers[backend]}, not {driver}")
        name = "postgresql" if backend == "postgres" else backend
        return f"{name}+{drivers[backend]}://{rest}"

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("base_url must be an http(s) origin such as https://go.example.com")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin") from None
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        """The configured time zone as an object."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file (migrations then run on start)."""
        return self.database_url.startswith("sqlite")
