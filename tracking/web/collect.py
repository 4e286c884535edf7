"""`/lantern.js`, `/collect` and `/collect/share`: the adapter of copy-and-paste capture.

Only registered origins are answered (CORS echoes the origin of the site
the key names, and nothing else); bodies are small; limits apply per site
and per client network; a private visitor (DNT / GPC) is not recorded.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from tracking.capture import PageCapture
from tracking.core.errors import LanternError, RateLimited
from tracking.core.sites import MAX_BODY_BYTES, BadBeacon, Site, parse_beacon, parse_share
from tracking.recording import RecorderUnavailable
from tracking.web.app import COUNTRY_HEADER, visit_request
from tracking.web.errors import error_response, json_error

log = logging.getLogger(__name__)

CAPTURE = web.AppKey("capture", PageCapture)
SCRIPT = Path(__file__).with_name("static") / "lantern.js"


def _cors(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
        "Cache-Control": "no-store",
    }


async def script(request: web.Request) -> web.StreamResponse:
    """The page tag's script: static, cacheable, the same for every site."""
    return web.FileResponse(
        SCRIPT,
        headers={
            "Content-Type": "application/javascript; charset=utf-8",
            "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def preflight(request: web.Request) -> web.Response:
    """Browsers may ask first; any origin gets the same short answer (the POST decides)."""
    origin = request.headers.get("Origin", "")
    headers = _cors(origin) if origin else {}
    return web.Response(status=204, headers=headers)


async def _read(request: web.Request) -> bytes:
    body = await request.content.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise BadBeacon(f"the body is larger than {MAX_BODY_BYTES} bytes")
    return body


async def _registered(request: web.Request, key: str) -> Site:
    site = await request.app[CAPTURE].site(key)
    origin = request.headers.get("Origin", "")
    if site is None:
        raise web.HTTPForbidden(text="this site key is not registered (lantern site add ORIGIN)")
    if origin != site.origin:
        raise web.HTTPForbidden(
            text=f"requests for this site come from {site.origin}, not {origin or 'nowhere'}"
        )
    return site


async def collect(request: web.Request) -> web.Response:
    """A page opened with a share token."""
    try:
        beacon = parse_beacon(await _read(request))
        site = await _registered(request, beacon.site_key)
        capture = request.app[CAPTURE]
        visitor = visit_request(request, request.app[COUNTRY_HEADER])
        if visitor.do_not_track:
            return web.Response(status=204, headers=_cors(site.origin))
        capture.check_rate(site, visitor)
        await capture.arrival(site, beacon, visitor)
    except RateLimited as error:
        response = error_response(error)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except LanternError as error:
        return error_response(error)
    except RecorderUnavailable:
        return json_error(503, "unavailable", "visits cannot be stored right now; try again")
    return web.Response(status=204, headers=_cors(site.origin))


async def share(request: web.Request) -> web.Response:
    """A share button asks for a short link to its page, tagged for one channel."""
    try:
        asked = parse_share(await _read(request))
        site = await _registered(request, asked.site_key)
        capture = request.app[CAPTURE]
        capture.check_rate(site, visit_request(request, request.app[COUNTRY_HEADER]))
        result = await capture.share(site, asked)
    except LanternError as error:
        return error_response(error)
    return web.json_response(
        {"short_url": result.short_url, "channel": result.link.channel, "slug": result.link.slug},
        headers=_cors(site.origin),
    )


def add_collect_routes(app: web.Application) -> None:
    """Before `/{slug}`: these paths are reserved, never slugs."""
    app.router.add_get("/lantern.js", script)
    app.router.add_route("OPTIONS", "/collect", preflight)
    app.router.add_route("OPTIONS", "/collect/share", preflight)
    app.router.add_post("/collect", collect)
    app.router.add_post("/collect/share", share)
