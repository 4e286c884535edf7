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
from contextlib import asynccontextmanager

from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.dependencies import BOT_DEPENDENCIES
from bot.slack.app import build_bolt_app
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
    """Add Slack to the app: Socket Mode when an app-level token is set, else the signed HTTP endpoint."""
    if settings.slack_bot_token is None:
        raise ConfigError("Slack needs LANTERN_SLACK_BOT_TOKEN")
    if settings.slack_app_token is not None:
        if settings.worker_index != 0:
            # One connection is enough (Slack allows about ten per app); worker 0 holds it.
            log.info("Slack Socket Mode runs in worker 0 only (this is worker %d)", settings.worker_index)
            return
        app.cleanup_ctx.append(_socket_mode(settings))
        log.info("Slack is on: Socket Mode")

        return
    if settings.slack_signing_secret is None:
        raise ConfigError("Slack over HTTP needs LANTERN_SLACK_SIGNING_SECRET")
    app.cleanup_ctx.append(_http_mode(settings))
    app.router.add_post(EVENTS_PATH, handle_slack_request)
    log.info("Slack is on: POST %s", EVENTS_PATH)


def api_base_url(settings: Settings) -> str:
    """The Web API base with its trailing slash (the SDK joins method names onto it)."""
    return settings.slack_api_url.rstrip("/") + "/"


@asynccontextmanager
async def _bolt_app(
    app: web.Application, settings: Settings, *, signing_secret: str | None
) -> AsyncIterator[AsyncApp]:
    """A Bolt app whose Web API client shares one HTTP session for the app's lifetime."""
    assert settings.slack_bot_token is not None
    async with ClientSession() as session:
        client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=api_base_url(settings),
            session=session,
        )
        bolt = build_bolt_app(
            app[BOT_DEPENDENCIES],
            client,
            signing_secret=signing_secret,
            allowed_teams=settings.slack_allowed_teams,
        )
        app[SLACK_APP] = bolt
        yield bolt


def _http_mode(settings: Settings) -> Lifetime:
    async def slack_over_http(app: web.Application) -> AsyncIterator[None]:
        assert settings.slack_signing_secret is not None
        async with _bolt_app(app, settings, signing_secret=settings.slack_signing_secret.get_secret_value()):
            yield

    return slack_over_http


def _socket_mode(settings: Settings) -> Lifetime:
    async def slack_over_socket(app: web.Application) -> AsyncIterator[None]:
        assert settings.slack_app_token is not None
        async with _bolt_app(app, settings, signing_secret=None) as bolt:
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

    return slack_over_socket


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
    headers: dict[str, str | Sequence[str]] = {name: request.headers.getall(name) for name in request.headers}
    try:  # Bolt reads the JSON (or the form's `payload`) as it builds the request, expecting an object
        return AsyncBoltRequest(body=body, query=request.query_string, headers=headers)
    except (ValueError, RecursionError, AttributeError, TypeError, KeyError):
        return None


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
