"""The running process's parts, as one object handed to every adapter (HTTP, Slack, Telegram).

Built by the composition root (`lantern.composition`); adapters read it
from the aiohttp application under `CONTAINER` and never build parts
themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.capture import PageCapture
from tracking.core.shortening import Shortener
from tracking.core.visits import Visit
from tracking.link_cache import LinkCache
from tracking.recording import GroupCommitter
from tracking.settings import Settings
from tracking.stats import StatsService
from tracking.storage.link_events import LinkChangeListener
from tracking.storage.links import SqlLinkRepository
from tracking.storage.visits import SqlVisitStore
from tracking.tracker import Tracker


@dataclass
class Container:
    """Everything built from settings, for the lifetime of one process."""

    settings: Settings
    engine: AsyncEngine
    links: SqlLinkRepository
    visits: SqlVisitStore
    shortener: Shortener
    stats: StatsService
    cache: LinkCache
    committer: GroupCommitter[Visit]
    tracker: Tracker
    clock: Callable[[], datetime]
    capture: PageCapture | None = None  # copy-and-paste capture for registered sites
    cache_listener: LinkChangeListener | None = None  # PostgreSQL: drops changed links from the cache


CONTAINER = web.AppKey("container", Container)
