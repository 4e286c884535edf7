"""Typed keys of the dashboard's aiohttp application, and what the composition root hands it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import jinja2
from aiohttp import web

from tracking.core.dashboard import Accounts, LinkListing
from tracking.core.ports import LinkLookup
from tracking.core.shortening import Shortener
from tracking.i18n import Language
from tracking.settings import Settings
from tracking.stats import StatsService


@dataclass(frozen=True)
class DashboardContext:
    """Everything the dashboard's pages use, built by the composition root."""

    settings: Settings
    stats: StatsService
    shortener: Shortener
    links: LinkLookup
    accounts: Accounts
    listing: LinkListing
    clock: Callable[[], datetime]


DASHBOARD = web.AppKey("dashboard", DashboardContext)
STATIC_VERSION = web.AppKey("dashboard_static_version", str)
VENDOR_PRESENT = web.AppKey("dashboard_vendor_present", bool)
ENVIRONMENTS: dict[Language, web.AppKey[jinja2.Environment]] = {
    "en": web.AppKey("dashboard_jinja_en", jinja2.Environment),
    "fr": web.AppKey("dashboard_jinja_fr", jinja2.Environment),
}
