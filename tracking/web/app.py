"""The tracker's aiohttp routes: redirects, health and the small visitor pages."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from tracking.core.ports import HealthProbe
from tracking.core.visits import VisitRequest
from tracking.metrics import Metrics
from tracking.recording import RecorderUnavailable
from tracking.tracker import Outcome, Tracker
from tracking.web.pages import page

log = logging.getLogger(__name__)

TRACKER = web.AppKey("tracker", Tracker)
HEALTH = web.AppKey("health", HealthProbe)
COUNTRY_HEADER = web.AppKey("country_header", str)
METRICS = web.AppKey("metrics", Metrics)
METRICS_TOKEN = web.AppKey("metrics_token", str)  # "" = /metrics is open

NO_STORE = "private, no-store"
_TITLES = {
    404: "Link not found",
    410: "Link no longer available",
    429: "Slow down",
    503: "Try again in a moment",
}


def _header(request: web.Request, name: str) -> str:
    """A header as text: aiohttp keeps bytes that are not UTF-8 as surrogates; they become U+FFFD."""
    value = request.headers.get(name, "")
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def visit_request(request: web.Request, country_header: str) -> VisitRequest:
    """The attribution-relevant parts of an aiohttp request."""
    headers = request.headers
    return VisitRequest(
        method=request.method,
        user_agent=_header(request, "User-Agent"),
        referrer=_header(request, "Referer"),
        peer_ip=request.remote or "",
        forwarded_for=_header(request, "X-Forwarded-For"),
        do_not_track=headers.get("DNT") == "1" or headers.get("Sec-GPC") == "1",
        country=_header(request, country_header) if country_header else "",
        accept_language="Accept-Language" in headers,
        client_hints="Sec-CH-UA" in headers,
        fetch_metadata="Sec-Fetch-Mode" in headers,
        secure=request.secure or headers.get("X-Forwarded-Proto", "").lower() == "https",
    )


def _response(outcome: Outcome, method: str) -> web.Response:
    headers = {"Cache-Control": NO_STORE, "Referrer-Policy": "no-referrer-when-downgrade"}
    if outcome.location is not None:
        headers["Location"] = outcome.location
        return web.Response(status=outcome.status, headers=headers)
    if outcome.retry_after is not None:
        headers["Retry-After"] = str(outcome.retry_after)
    title = _TITLES.get(outcome.status, "Lantern")
    body = "" if method == "HEAD" else page(title, outcome.reason.capitalize() + ".")
    return web.Response(status=outcome.status, text=body, content_type="text/html", headers=headers)


async def redirect(request: web.Request) -> web.Response:
    """GET|HEAD /{slug}: the hot path."""
    tracker = request.app[TRACKER]
    metrics = request.app[METRICS]
    try:
        outcome = await tracker.visit(
            request.match_info["slug"],
            visit_request(request, request.app[COUNTRY_HEADER]),
            request.rel_url.raw_query_string,
        )
    except (RecorderUnavailable, SQLAlchemyError, OSError) as error:
        # No redirect without its stored visit: the visitor retries instead.
        log.warning("visit not recorded, answering 503: %s", error)
        metrics.answered(503)
        response = _response(Outcome(503, reason="the link service is busy"), request.method)
        response.headers["Retry-After"] = "1"
        return response
    metrics.answered(outcome.status)
    return _response(outcome, request.method)


async def preflight(request: web.Request) -> web.Response:
    """OPTIONS /{slug}: answered without a visit; scanners that ask first are remembered."""
    known = await request.app[TRACKER].preflight(
        request.match_info["slug"], visit_request(request, request.app[COUNTRY_HEADER])
    )
    headers = {"Allow": "GET, HEAD, OPTIONS", "Cache-Control": NO_STORE}
    return web.Response(status=204 if known else 404, headers=headers)


async def metrics_text(request: web.Request) -> web.Response:
    """GET /metrics: Prometheus text format, for this process (behind a bearer token when one is set)."""
    token = request.app[METRICS_TOKEN]
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        given_bytes = given.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given_bytes, token.encode()):
            return web.json_response(
                {"error": "unauthorized", "message": "GET /metrics needs Authorization: Bearer <token>"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    return web.Response(
        body=request.app[METRICS].render(), content_type="text/plain", headers={"Cache-Control": "no-store"}
    )


async def healthz(request: web.Request) -> web.Response:
    """Healthy when the database answers."""
    problem = await request.app[HEALTH].problem()
    if problem is not None:
        return web.json_response({"status": "unavailable", "database": problem}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def home(_request: web.Request) -> web.Response:
    """A plain landing page, so the origin itself does not 404."""
    return web.Response(
        text=page("Lantern", "Short links that show where private shares go."),
        content_type="text/html",
    )


def add_tracker_routes(app: web.Application) -> None:
    """Register the tracker's routes; the slug route goes last so others win."""
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_text)
    app.router.add_get("/", home)
    app.router.add_get("/{slug}", redirect)
    app.router.add_route("OPTIONS", "/{slug}", preflight)
