"""The composition root: the one place that builds and wires Lantern's parts from settings.

Only this module (with the CLI's database commands) touches the engine and
the SQL repositories; every adapter is handed the narrow ports it needs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dependencies import BOT_DEPENDENCIES, BotDependencies
from lantern import redaction, request_log
from lantern.forwarding import build_forwarder
from tracking.address_ranges import RangesFile
from tracking.asking import QuestionDesk, chart_processes
from tracking.capture import PageCapture
from tracking.core.attribution import Classifier, describe_device
from tracking.core.attribution.scanner_evidence import ScannerEvidence, ScannerPolicy
from tracking.core.errors import ConfigError
from tracking.core.ports import Clock, VisitWriter
from tracking.core.rate_limits import RateLimiter
from tracking.core.shortening import Shortener
from tracking.core.urls import HostPolicy
from tracking.core.visits import (
    DescribeDevice,
    PrivacyPolicy,
    Visit,
    VisitBuilder,
    VisitClassifier,
    key_fingerprint,
    parse_networks,
)
from tracking.health import VisitHealth
from tracking.link_cache import CachedLink, LinkCache
from tracking.metrics import Metrics
from tracking.recording import GroupCommitter
from tracking.settings import Settings
from tracking.spool import VisitSpool
from tracking.stats import StatsService
from tracking.storage import migrate
from tracking.storage.accounts import SqlAccounts
from tracking.storage.api_keys import SqlApiKeys
from tracking.storage.deliveries import SqlSeenDeliveries
from tracking.storage.engine import create_engine
from tracking.storage.files import sqlite_path
from tracking.storage.link_events import LinkChangeListener
from tracking.storage.link_listing import SqlLinkListing
from tracking.storage.links import SqlLinkRepository
from tracking.storage.partitions import ensure_partitions
from tracking.storage.pg_writer import PgVisitWriter
from tracking.storage.rate_buckets import SqlRateBuckets
from tracking.storage.refusals import refused_for_its_data
from tracking.storage.sites import SqlSites
from tracking.storage.slack_installations import SqlOAuthStates, SqlSlackInstallations
from tracking.storage.sqlite_writer import SqliteVisitWriter
from tracking.storage.stats import SqlStatsReader
from tracking.storage.subscriptions import SqlSubscriptions
from tracking.storage.tables import visit_text_sizes
from tracking.storage.visitor_key import load_visitor_key
from tracking.storage.visits import SqlVisitStore
from tracking.subscribing import SubscriptionCommands
from tracking.tracker import DailySalts, NotFoundThrottle, Tracker
from tracking.web import api, collect
from tracking.web import app as tracker_web
from tracking.web.dashboard.keys import DASHBOARD, DashboardContext
from tracking.web.dashboard.setup import add_dashboard

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The clock every part shares (tests pass their own)."""
    return datetime.now(UTC)


def host_policy(settings: Settings) -> HostPolicy:
    """Lantern's own host(s) and the denied domains, for URL validation."""
    return HostPolicy.build([settings.base_url], settings.denied_domains)


def scanner_policy(settings: Settings) -> ScannerPolicy | None:
    """The scanner-evidence policy from settings, or None when it is switched off."""
    if not settings.scanner_evidence:
        return None
    return ScannerPolicy(
        enabled=frozenset(settings.scanner_signals),
        threshold=settings.scanner_threshold,
        batch_links=settings.scanner_batch_links,
        batch_seconds=settings.scanner_batch_seconds,
        preflight_seconds=settings.scanner_preflight_seconds,
        just_sent_seconds=settings.scanner_just_sent_seconds,
    )


def build_classifier(settings: Settings) -> Classifier:
    """The attribution classifier; referrers from Lantern's own host never count as a channel."""
    return Classifier(own_hosts=host_policy(settings).own_hosts, scanner_policy=scanner_policy(settings))


def build_stats(settings: Settings, engine: AsyncEngine, executor: Executor | None = None) -> StatsService:
    """The stats use case wired to storage (series filled on `executor` when given)."""
    return StatsService(
        SqlStatsReader(engine), tz=settings.zone, links=SqlLinkRepository(engine), executor=executor
    )


def build_question_desk(settings: Settings, stats: StatsService, executor: Executor) -> QuestionDesk:
    """The one door for stats questions: per-asker limit, bounded pool, bounded questions in flight."""
    limiter = None
    if settings.question_rate_per_minute > 0:
        limiter = RateLimiter(
            per_minute=settings.question_rate_per_minute, burst=settings.question_burst, clock=time.monotonic
        )
    return QuestionDesk(
        stats,
        executor=executor,
        charts=functools.partial(chart_processes, settings.chart_processes),
        limiter=limiter,
        max_in_flight=settings.questions_in_flight,
    )


def build_shortener(
    settings: Settings, links: SqlLinkRepository, clock: Clock = utc_now, *, engine: AsyncEngine | None = None
) -> Shortener:
    """The shorten use case wired to storage, with the per-sharer / per-API-key link limit.

    Given the engine, the limit is kept in the database so every worker shares it;
    without (one-off commands), it is kept in this process.
    """
    limiter: RateLimiter | SqlRateBuckets | None = None
    if settings.link_rate_per_minute > 0 and engine is not None:
        limiter = SqlRateBuckets(
            engine, per_minute=settings.link_rate_per_minute, burst=settings.link_rate_burst
        )
    elif settings.link_rate_per_minute > 0:
        limiter = RateLimiter(
            per_minute=settings.link_rate_per_minute, burst=settings.link_rate_burst, clock=time.monotonic
        )
    return Shortener(
        repo=links, policy=host_policy(settings), base_url=settings.base_url, clock=clock, limiter=limiter
    )


def build_not_found_throttle(settings: Settings) -> NotFoundThrottle | None:
    """The per-network limit on unknown-slug answers (None when LANTERN_NOT_FOUND_RATE_PER_MINUTE=0)."""
    if settings.not_found_rate_per_minute <= 0:
        return None
    limiter = RateLimiter(
        per_minute=settings.not_found_rate_per_minute, burst=settings.not_found_burst, clock=time.monotonic
    )
    return NotFoundThrottle(limiter, trusted_proxies=parse_networks(settings.trusted_proxies))


IN_MEMORY_SQLITE = (
    "an in-memory SQLite database cannot be served (the visit writer needs its own connection "
    "to the same file); set LANTERN_DATABASE_URL to an SQLite file or PostgreSQL"
)


def check_servable(settings: Settings) -> None:
    """Refuse, before anything starts, a database the tracker cannot write visits to."""
    if settings.is_sqlite and sqlite_path(settings.database_url) is None:
        raise ConfigError(IN_MEMORY_SQLITE)


def build_visit_writer(settings: Settings, engine: AsyncEngine) -> VisitWriter:
    """The one visit writer of the configured database: one statement per batch on PostgreSQL,
    one writer thread on an SQLite file."""
    if engine.dialect.name == "postgresql":
        return PgVisitWriter(engine, tz=settings.zone, forward_always=settings.ga4_enabled)
    path = sqlite_path(settings.database_url)
    if path is None:
        raise ConfigError(IN_MEMORY_SQLITE)
    return SqliteVisitWriter(path, tz=settings.zone, forward_always=settings.ga4_enabled)


async def _check_visitor_key(visits: SqlVisitStore, key: bytes) -> None:
    """Say loudly when this process's visitor key is not the one the database was first used with."""
    try:
        stored = await visits.key_fingerprint(key_fingerprint(key))
    except (SQLAlchemyError, OSError) as error:
        log.warning("could not compare the visitor key with the database's (%s)", error)
        return
    if stored != key_fingerprint(key):
        log.error(
            "this process's visitor key differs from the one first used with this database: processes "
            "with different keys count each visitor once per key. Give every process and host the same "
            "LANTERN_VISITOR_KEY (or key file); after a deliberate change, DELETE FROM visitor_key_check"
        )


#: How long ids of written visit batches are kept (a retry or replay comes long before).
BATCH_IDS_KEPT = timedelta(days=7)
#: How long ids of Slack events and Telegram updates are kept (platforms retry for hours at most).
DELIVERY_IDS_KEPT = timedelta(days=1)


async def _housekeeping(engine: AsyncEngine, visits: SqlVisitStore, clock: Clock) -> None:
    """Twice a day: next months' visit partitions (PostgreSQL), old batch and delivery ids away."""
    while True:
        await asyncio.sleep(12 * 3600)
        try:
            await ensure_partitions(engine, clock())
            await visits.forget_batches(before=clock() - BATCH_IDS_KEPT)
            await SqlSeenDeliveries(engine, clock=clock).forget(before=clock() - DELIVERY_IDS_KEPT)
            await SqlRateBuckets(engine, per_minute=1, burst=1).forget()
        except (OSError, SQLAlchemyError) as error:
            log.warning("housekeeping failed (will try again): %s", error)


async def prepare_database(settings: Settings) -> None:
    """Bring an SQLite database up to date (PostgreSQL is migrated with `lantern db upgrade`)."""
    async with database(settings):
        pass


@asynccontextmanager
async def database(settings: Settings, *, upgrade: bool | None = None) -> AsyncIterator[AsyncEngine]:
    """An engine for the configured database; SQLite is migrated on open unless told otherwise."""
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
    try:
        if upgrade if upgrade is not None else settings.is_sqlite:
            await migrate.upgrade_if_behind(engine)
        yield engine
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class Parts:
    """Everything built from settings for one process's lifetime.

    Only the composition root (and tests that look inside a running server)
    hold this; adapters get `BotDependencies`, the API context or one key each.
    """

    settings: Settings
    engine: AsyncEngine
    links: SqlLinkRepository
    visits: SqlVisitStore
    writer: VisitWriter
    shortener: Shortener
    stats: StatsService
    questions: QuestionDesk
    cache: LinkCache
    committer: GroupCommitter[Visit]
    spool: VisitSpool
    tracker: Tracker
    clock: Clock
    capture: PageCapture | None = None  # copy-and-paste capture for registered sites
    cache_listener: LinkChangeListener | None = None  # PostgreSQL: drops changed links from the cache

    def bot_dependencies(self) -> BotDependencies:
        """The narrow set the chat bots may use."""
        return BotDependencies(
            shortener=self.shortener,
            stats=self.stats,
            questions=self.questions,
            links=self.links,
            sharers=self.links,
            shares=self.tracker,
            clock=self.clock,
            base_url=self.settings.base_url,
            deliveries=SqlSeenDeliveries(self.engine, clock=self.clock),
            slack_installations=SqlSlackInstallations(self.engine, clock=self.clock),
            oauth_states=SqlOAuthStates(self.engine, clock=self.clock),
            subscriptions=build_subscription_commands(self.settings, self.engine, self.clock),
        )


def build_subscription_commands(
    settings: Settings, engine: AsyncEngine, clock: Clock
) -> SubscriptionCommands:
    """Digest and alert commands for the bots; a digest's question is checked when it is set up."""
    from tracking.core.questions.parser import parse_question

    def check_question(question: str, now: datetime, tz: ZoneInfo) -> None:
        parse_question(question, now=now, tz=tz)

    return SubscriptionCommands(
        store=SqlSubscriptions(engine, clock=clock),
        clock=clock,
        timezone=settings.timezone,
        check_question=check_question,
    )


PARTS = web.AppKey("parts", Parts)


@asynccontextmanager
async def running_parts(
    settings: Settings,
    clock: Clock = utc_now,
    *,
    classifier: VisitClassifier | None = None,
    devices: DescribeDevice = describe_device,
) -> AsyncIterator[Parts]:
    """Build every part, start the visit writer, and stop it (draining) at the end.

    `classifier` and `devices` replace attribution (a benchmark measures its cost that way).
    """
    async with database(settings) as engine:
        links = SqlLinkRepository(engine, clock=clock)
        visits = SqlVisitStore(engine)
        window = timedelta(hours=settings.preview_window_hours)

        async def load(slug: str) -> CachedLink:
            link = await links.get_by_slug(slug)
            if link is None:
                return CachedLink(None)
            return CachedLink(link, await visits.recent_previews(link.id, since=clock() - window))

        cache = LinkCache(load, size=settings.link_cache_size, ttl=settings.link_cache_ttl)
        writer = build_visit_writer(settings, engine)
        spool = VisitSpool(
            Path(settings.spool_dir),
            max_bytes=settings.spool_max_mb * 1024 * 1024,
            name=f"worker-{settings.worker_index}",
        )
        committer: GroupCommitter[Visit] = GroupCommitter(
            writer.write_batch,
            max_pending=settings.visit_queue_limit,
            spool=spool,
            max_in_flight=1 if settings.is_sqlite else 2,  # PostgreSQL: overlap the WAL flushes
            refused_for_data=refused_for_its_data,
            quarantine=writer.quarantine,
        )

        visitor_key = load_visitor_key(settings)
        await _check_visitor_key(visits, visitor_key)
        policy = scanner_policy(settings)
        ranges_file = (
            RangesFile(Path(settings.address_ranges_file), check_every=0) if policy is not None else None
        )
        evidence = (
            ScannerEvidence(policy=policy, ranges=ranges_file.ranges)
            if policy is not None and ranges_file is not None
            else None
        )
        builder = VisitBuilder(
            scanner_evidence=evidence,
            classifier=classifier if classifier is not None else build_classifier(settings),
            privacy=PrivacyPolicy(
                store_ip=settings.store_ip,
                store_user_agent=settings.store_user_agent,
                store_referrer=settings.store_referrer,
            ),
            sizes=visit_text_sizes(),
            trusted_proxies=parse_networks(settings.trusted_proxies),
            devices=devices,
        )
        salts = DailySalts(visitor_key)
        tracker = Tracker(
            cache=cache,
            builder=builder,
            record=committer.record,
            reserve_click=links.reserve_click,
            salts=salts,
            clock=clock,
            redirect_status=settings.redirect_status,
            preview_window=window,
            not_found_throttle=build_not_found_throttle(settings),
        )
        builder.warm_up()
        await writer.start()
        listener = None
        housekeeping = asyncio.create_task(_housekeeping(engine, visits, clock), name="housekeeping")
        ranges_refresh = (
            asyncio.create_task(_refresh_ranges(ranges_file, evidence), name="address-ranges")
            if ranges_file is not None and evidence is not None
            else None
        )
        if engine.dialect.name == "postgresql":
            await ensure_partitions(engine, clock())
            listener = LinkChangeListener(settings.database_url, cache.forget)
            await listener.start()

        shortener = build_shortener(settings, links, clock, engine=engine)

        async def salt_for(now: datetime) -> str:
            return salts.for_day(now.date())

        capture = PageCapture(
            sites=SqlSites(engine, clock=clock),
            builder=builder,
            record=committer.record,
            salt_for=salt_for,
            clock=clock,
            shortener=shortener,
            per_network_per_minute=settings.collect_rate_per_minute,
            per_site_per_minute=settings.collect_site_rate_per_minute,
            trusted_proxies=parse_networks(settings.trusted_proxies),
        )
        await committer.start()
        forwarder = build_forwarder(settings, engine, clock)
        await forwarder.start()
        pool = ThreadPoolExecutor(max_workers=settings.question_threads, thread_name_prefix="lantern-answers")
        stats = build_stats(settings, engine, pool)
        questions = build_question_desk(settings, stats, pool)
        try:
            yield Parts(
                settings=settings,
                engine=engine,
                links=links,
                visits=visits,
                writer=writer,
                shortener=shortener,
                capture=capture,
                stats=stats,
                questions=questions,
                cache=cache,
                committer=committer,
                spool=spool,
                tracker=tracker,
                clock=clock,
                cache_listener=listener,
            )
        finally:
            questions.close()
            pool.shutdown(wait=False, cancel_futures=True)
            await forwarder.stop()
            await committer.stop()
            await writer.close()
            if listener is not None:
                await listener.stop()
            housekeeping.cancel()
            if ranges_refresh is not None:
                ranges_refresh.cancel()
            await asyncio.gather(
                housekeeping, *([ranges_refresh] if ranges_refresh else []), return_exceptions=True
            )
            log.info(
                "visit writer stopped after %d visits in %d batches",
                committer.items_written,
                committer.batches_written,
            )


async def _refresh_ranges(ranges_file: RangesFile, evidence: ScannerEvidence, every: float = 60.0) -> None:
    """Pick up a file `lantern ranges update` wrote, without a restart."""
    while True:
        await asyncio.sleep(every)
        if await asyncio.to_thread(ranges_file.refresh):
            evidence.ranges = ranges_file.ranges


def access_log_options(settings: Settings) -> dict[str, Any]:
    """`web.run_app` arguments for the access log: none unless LANTERN_ACCESS_LOG is on."""
    if not settings.access_log:
        return {"access_log": None}
    from tracking.web.access_log import LOGGER, access_logger_class

    return {
        "access_log": LOGGER,
        "access_log_class": access_logger_class(parse_networks(settings.trusted_proxies)),
    }


def build_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    classifier: VisitClassifier | None = None,
    devices: DescribeDevice = describe_device,
) -> web.Application:
    """The aiohttp application: tracker routes now, API and bots as they are configured.

    Raises ConfigError at once for a database it could not serve.
    """
    redaction.install(settings)  # before anything can log a token or a password
    request_log.install()
    check_servable(settings)
    app = web.Application(client_max_size=64 * 1024)
    live: list[Parts] = []
    metrics = Metrics(lambda: (live[0].committer, live[0].cache) if live else None)
    app[tracker_web.METRICS] = metrics
    token = settings.metrics_token
    app[tracker_web.METRICS_TOKEN] = token.get_secret_value() if token is not None else ""

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        async with running_parts(settings, clock, classifier=classifier, devices=devices) as built:
            live.append(built)
            app[PARTS] = built
            app[BOT_DEPENDENCIES] = built.bot_dependencies()
            app[tracker_web.TRACKER] = built.tracker
            app[tracker_web.HEALTH] = VisitHealth(
                committer=built.committer, spool=built.spool, quarantined=built.visits.quarantined
            )
            app[tracker_web.COUNTRY_HEADER] = settings.country_header
            assert built.capture is not None
            app[collect.CAPTURE] = built.capture
            app[DASHBOARD] = DashboardContext(
                settings=settings,
                stats=built.stats,
                shortener=built.shortener,
                links=built.links,
                accounts=SqlAccounts(built.engine, clock=clock),
                listing=SqlLinkListing(built.engine),
                clock=clock,
            )
            app[api.API] = api.ApiContext(
                shortener=built.shortener,
                stats=built.stats,
                questions=built.questions,
                verify_key=SqlApiKeys(built.engine, clock=clock).verify,
                clock=clock,
            )
            yield
            log.info("served %d redirects", metrics.redirects_sent)

    app.cleanup_ctx.append(lifetime)
    api.add_api_routes(app)
    install_bots(app, settings)
    collect.add_collect_routes(app)
    add_dashboard(app, settings)
    tracker_web.add_tracker_routes(app)

    return app


def install_bots(app: web.Application, settings: Settings) -> None:
    """Add each configured chat bot to the app; each reads `BOT_DEPENDENCIES` at start-up."""
    if settings.slack_enabled:
        from bot.slack import install as install_slack

        install_slack(app, settings)
    else:
        log.info("Slack is off: neither LANTERN_SLACK_BOT_TOKEN nor LANTERN_SLACK_CLIENT_ID is set")
    if settings.telegram_token is not None:
        from bot.telegram import install as install_telegram

        install_telegram(app, settings)
    else:
        log.info("Telegram is off: LANTERN_TELEGRAM_TOKEN is not set")
