"""Typed keys of the dashboard's aiohttp application."""

from __future__ import annotations

import jinja2
from aiohttp import web

from tracking.i18n import Language

STATIC_VERSION = web.AppKey("dashboard_static_version", str)
VENDOR_PRESENT = web.AppKey("dashboard_vendor_present", bool)
ENVIRONMENTS: dict[Language, web.AppKey[jinja2.Environment]] = {
    "en": web.AppKey("dashboard_jinja_en", jinja2.Environment),
    "fr": web.AppKey("dashboard_jinja_fr", jinja2.Environment),
}
