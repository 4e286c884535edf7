"""Wiring Slack into the tracker's aiohttp app: `POST /slack/events` (HTTP mode) or Socket Mode.

The Bolt app is built at start-up, after the bot dependencies (an earlier
cleanup context), and lives exactly as long as the aiohttp app. The
request handler only translates between aiohttp and Bolt, and hands Bolt
the raw body so the signature is checked over exactly the bytes Slack signed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from urllib.parse import urlsplit

from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.dependencies import BOT_DEPENDENCIES
from bot.slack.app import build_bolt_app
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH, build_installs
from tracking.core.errors import ConfigError
from tracking.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: Interaction payloads carry the whole message they were used on; Slack caps messages near 40 000
#: characters, so allow more than the tracker's 64 KiB default on this one route.
MAX_SLACK_BODY = 1024 * 1024

SLACK_APP = web.AppKey("slack_app", AsyncApp)

Lifetime = Callable[[web.Application], AsyncIterator[None]]


def install(app: web.Application, settings: Settings) -> None:
    """Add Slack to the app: Socket Mode when an app-level token is set, else the signed HTTP endpoint.

    With LANTERN_SLACK_CLIENT_ID every worker also serves the install pages.
    """
    if not settings.slack_enabled:
        raise ConfigError("Slack needs LANTERN_SLACK_BOT_TOKEN or LANTERN_SLACK_CLIENT_ID")
    socket_mode = settings.slack_app_token is not None
    if not socket_mode and settings.slack_signing_secret is None:
        raise ConfigError("Slack over HTTP needs LANTERN_SLACK_SIGNING_SECRET")
    # One Socket Mode connection is enough (Slack allows about ten per app); worker 0 holds it.
    connects = socket_mode and settings.worker_index == 0
    if socket_mode and not connects and not settings.slack_installs:
        log.info("Slack Socket Mode runs in worker 0 only (this is worker %d)", settings.worker_index)
        return
    app.cleanup_ctx.append(_slack_lifetime(settings, socket_mode=connects))
    if not socket_mode:
        app.router.add_post(EVENTS_PATH, handle_slack_request)
    if settings.slack_installs:
        app.router.add_get(INSTALL_PATH, handle_install_page)
        app.router.add_get(REDIRECT_PATH, handle_oauth_redirect)
    mode = "Socket Mode" if socket_mode else f"POST {EVENTS_PATH}"
    installs = f", installs at GET {INSTALL_PATH}" if settings.slack_installs else ", one workspace"
    log.info("Slack is on: %s%s", mode, installs)


def api_base_url(settings: Settings) -> str:
    """The Web API base with its trailing slash (the SDK joins method names onto it)."""
    return settings.slack_api_url.rstrip("/") + "/"


#: Web API calls Slack answers with 429 are tried again after its Retry-After, this many times.
RATE_LIMIT_RETRIES = 3


def web_client(settings: Settings, session: ClientSession) -> AsyncWebClient:
    """The Web API client: the one bot token (or none, with installs), retried on rate limits."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if settings.slack_installs:
        token = None  # each workspace's own token comes from the installation store
    return AsyncWebClient(
        token=token,
        base_url=api_base_url(settings),
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def _slack_lifetime(settings: Settings, *, socket_mode: bool) -> Lifetime:
    async def slack(app: web.Application) -> AsyncIterator[None]:
        deps = app[BOT_DEPENDENCIES]
        signing_secret = (
            settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        )
        async with ClientSession() as session:
            client = web_client(settings, session)
            installs = None
            if settings.slack_installs:
                installs = build_installs(
                    settings, client, installations=deps.slack_installations, states=deps.oauth_states
                )
            bolt = build_bolt_app(
                deps,
                client,
                signing_secret=None if settings.slack_app_token is not None else signing_secret,
                deliveries=deps.deliveries,
                allowed_teams=settings.slack_allowed_teams,
                installs=installs,
            )
            app[SLACK_APP] = bolt
            if not socket_mode:
                yield
                return
            assert settings.slack_app_token is not None
            handler = AsyncSocketModeHandler(
                bolt, app_token=settings.slack_app_token.get_secret_value(), web_client=bolt.client
            )
            # Connect in the background: the SDK retries until Slack answers, and the
            # tracker must serve redirects meanwhile.
            connect = handler.connect_async()  # type: ignore[no-untyped-call]  # bolt leaves it unannotated
            connecting = asyncio.create_task(connect, name="slack-socket-mode")
            try:
                yield
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]  # unannotated in bolt
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await connecting

    return slack


def _signed_headers_readable(request: web.Request) -> bool:
    """Slack's timestamp is a number and its signature ASCII; anything else is refused before Bolt,
    whose signature check would fail on it with an error rather than an answer."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    return timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12 and signature.isascii()


async def to_bolt_request(request: web.Request) -> AsyncBoltRequest | None:
    """The request as Bolt sees it, with the body exactly as received; None if it cannot be Slack's."""
    if not _signed_headers_readable(request):
        return None
    raw = await request.clone(client_max_size=MAX_SLACK_BODY).read()
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:  # Bolt reads the JSON (or the form's `payload`) as it builds the request, expecting an object
        return AsyncBoltRequest(body=body, query=request.query_string, headers=_headers(request))
    except (ValueError, RecursionError, AttributeError, TypeError, KeyError):
        return None


def _headers(request: web.Request) -> dict[str, str | Sequence[str]]:
    return {name: request.headers.getall(name) for name in request.headers}


async def handle_slack_request(request: web.Request) -> web.Response:
    """`POST /slack/events`: commands, interactions and events, all dispatched by Bolt."""
    bolt_request = await to_bolt_request(request)
    if bolt_request is None:
        return web.json_response(
            {
                "error": "invalid request",
                "message": "not a signed Slack request: X-Slack-Request-Timestamp must be a Unix time, "
                "X-Slack-Signature must be present, and the body UTF-8 JSON or form data",
            },
            status=401,
        )
    bolt_response = await request.app[SLACK_APP].async_dispatch(bolt_request)
    return await to_aiohttp_response(bolt_response)


async def handle_install_page(request: web.Request) -> web.Response:
    """`GET /slack/install`: Slack's "Add to Slack" page with a fresh one-time state."""
    flow = request.app[SLACK_APP].oauth_flow
    assert flow is not None  # the route exists only with installs on
    bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=_headers(request))
    response = await to_aiohttp_response(await flow.handle_installation(bolt_request))
    if urlsplit(flow.redirect_uri or "").scheme != "https":
        # Bolt marks its state cookie Secure; a browser never returns such a cookie over plain
        # http, so a Lantern served over http (a laptop, a test) could never finish an install.
        for morsel in response.cookies.values():
            morsel["secure"] = ""
    return response


async def handle_oauth_redirect(request: web.Request) -> web.Response:
    """`GET /slack/oauth_redirect`: Slack sends the approving browser back here with a code."""
    flow = request.app[SLACK_APP].oauth_flow
    assert flow is not None
    bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=_headers(request))
    return await to_aiohttp_response(await flow.handle_callback(bolt_request))
