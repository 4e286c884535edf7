"""Mount the dashboard on Lantern's aiohttp app: a sub-application under /dashboard.

A sub-application keeps its session and error middlewares off the
redirect hot path: only /dashboard/… requests pass through them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from aiohttp_session import session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from tracking.core.errors import LanternError
from tracking.i18n import LANGUAGES
from tracking.settings import Settings
from tracking.web.dashboard import auth, links, views
from tracking.web.dashboard.context import PREFIX, FormForged, make_environment, page_for
from tracking.web.dashboard.keys import ENVIRONMENTS, STATIC_VERSION, VENDOR_PRESENT
from tracking.web.dashboard.session_key import session_key

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
#: The chart library, copied from node_modules by `make` (never committed, never from a CDN).
VENDOR_FILES = ("vendor/uPlot.iife.min.js", "vendor/uPlot.min.css")
SESSION_DAYS = 14
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Scripts and styles only from Lantern itself; no frames, no plugins, forms only back here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@web.middleware
async def page_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bad input becomes a page that says what was wrong; security headers on every answer."""
    try:
        response = await handler(request)
    except FormForged:
        page = await page_for(request)
        response = page.render(
            "message.html",
            {
                "title": page.t.gettext("This form could not be accepted"),
                "message": page.t.gettext(
                    "It was not sent from this site's page, or the page is too old. "
                    "Go back, reload the page and try again."
                ),
            },
            status=403,
        )
    except LanternError as error:
        page = await page_for(request)
        response = page.render(
            "message.html",
            {"title": page.t.gettext("That did not work"), "message": error.message},
            status=400,
        )
    except web.HTTPNotFound:
        response = views.not_found(await page_for(request))
    except web.HTTPMethodNotAllowed as error:
        page = await page_for(request)
        response = page.render(
            "message.html",
            {
                "title": page.t.gettext("Not allowed"),
                "message": page.t.gettext("This page cannot be used that way."),
            },
            status=error.status,
        )
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def static_version() -> str:
    """Changes whenever a static file does, so browsers fetch the new one."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(
                f"{path.relative_to(STATIC)}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode()
            )
    return digest.hexdigest()[:10]


def build_dashboard(settings: Settings) -> web.Application:
    """The dashboard's sub-application (its routes are relative to /dashboard)."""
    storage = EncryptedCookieStorage(
        session_key(settings),
        cookie_name="lantern_session",
        path=PREFIX,
        max_age=SESSION_DAYS * 86400,
        secure=urlsplit(settings.base_url).scheme == "https",
        httponly=True,
        samesite="Lax",
    )
    sub = web.Application(middlewares=[session_middleware(storage), page_errors])
    loader = jinja2.FileSystemLoader(str(TEMPLATES))
    for language in LANGUAGES:  # one environment per language: {% trans %} is bound to its catalog
        sub[ENVIRONMENTS[language]] = make_environment(loader, language)
    vendor = all((STATIC / name).is_file() for name in VENDOR_FILES)
    if not vendor:
        log.warning("dashboard chart library missing (run `make`); pages fall back to SVG charts")
    sub[VENDOR_PRESENT] = vendor
    sub[STATIC_VERSION] = static_version()
    sub[auth.GUARD] = auth.SignInGuard()

    router = sub.router
    router.add_get("/", views.dashboard_page)
    router.add_get("/export.zip", views.export_zip)
    router.add_get("/s/{token}", views.shared_page)
    router.add_get("/s/{token}/export.zip", views.shared_export_zip)
    router.add_get("/visitors.json", views.visitors_json)
    router.add_get("/panels.html", views.panels_fragment)
    router.add_get("/s/{token}/panels.html", views.shared_panels_fragment)
    router.add_get("/s/{token}/visitors.json", views.shared_visitors_json)
    router.add_get("/links", links.links_page)
    router.add_post("/links", links.create_links)
    router.add_get("/links/{slug}", links.link_page)
    router.add_post("/links/{slug}/state", links.set_state)
    router.add_get("/links/{slug}/qr.{kind:svg|png}", links.qr_code)
    router.add_post("/auth/sign-out", auth.sign_out)
    router.add_get("/auth/{token}", auth.sign_in_form)
    router.add_post("/auth/{token}", auth.sign_in)
    router.add_get("/lang/{code}", auth.switch_language)
    router.add_static("/static", STATIC, append_version=False)
    return sub


async def _to_dashboard(_request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently(f"{PREFIX}/")


def add_dashboard(app: web.Application, settings: Settings) -> None:
    """Mount the dashboard; call before the slug route so /dashboard is never read as a slug."""
    app.router.add_get(PREFIX, _to_dashboard)
    app.add_subapp(PREFIX, build_dashboard(settings))
