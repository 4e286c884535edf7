"""The Bolt app: Lantern's Slack listeners behind Bolt's signature check, two guards and one error handler.

Bolt's own middleware runs first (request signature with its 5-minute
window, then `auth.test` once for the bot's identity); Lantern's guards
come next, so a forged request never reaches them and a refused one never
reaches a listener.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.dependencies import BotDependencies
from bot.slack import blocks
from bot.slack.forms import LINK_FORM, SHORTCUT_FORM
from bot.slack.home import Home
from bot.slack.links import LINK_SHORTCUT, Links
from bot.slack.linkstats import LinkStats
from bot.slack.oauth import Installs
from bot.slack.people import People
from bot.slack.subscriptions import subscription_middleware
from bot.slack.unfurl import Unfurls
from bot.state import Deliveries

log = logging.getLogger(__name__)

#: What the app listens to; slack-manifest.yml must subscribe to exactly these (a test checks).
LINK_COMMAND, STATS_COMMAND = "/link", "/linkstats"
HOME_EVENT, UNFURL_EVENT = "app_home_opened", "link_shared"

Next = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[BoltResponse]]
Listener = Callable[..., Awaitable[None]]


def team_allowed(allowed: Collection[str], team_id: str | None, enterprise_id: str | None = None) -> bool:
    """Empty list = every workspace; an Enterprise Grid org id allows all of its workspaces."""
    return not allowed or team_id in allowed or (enterprise_id is not None and enterprise_id in allowed)


def describe_request(body: dict[str, Any]) -> str:
    """What a request was, for the log, without its user text: `/link`, `shortcut get_tracked_link`…"""
    if body.get("command"):
        return f"command {body['command']}"
    if body.get("callback_id"):
        return f"{body.get('type', 'interaction')} {body['callback_id']}"
    event = body.get("event")
    if isinstance(event, dict):
        return f"event {event.get('type')}"
    return str(body.get("type") or "request")


#: The source under which Slack's event ids are claimed.
EVENT_SOURCE = "slack-event"


def once_per_event(deliveries: Deliveries) -> Middleware:
    """Middleware that handles each Events API `event_id` once, in whichever worker claims it first.

    Slack sends an event again when it thinks a delivery failed
    (`X-Slack-Retry-Num`, with a reason such as `http_error` or `timeout`).
    When the first delivery never arrived, the retry is the only copy and is
    handled like a first delivery; when it did arrive, the claim in the
    database is already taken and the copy is acknowledged without a second
    share or reply. Slack retries nothing but events, so a command or an
    interaction that says it is a retry is a replay and is not done again.
    """

    async def handle_each_event_once(
        req: AsyncBoltRequest, body: dict[str, Any], resp: BoltResponse, next_: Next
    ) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        retry = req.headers.get("x-slack-retry-num", [""])[0]
        reason = req.headers.get("x-slack-retry-reason", ["none"])[0]
        if not isinstance(event_id, str) or not event_id:
            if retry:  # only events are retried by Slack; any other "retry" is a replay of a done request
                log.info("acknowledged a repeated Slack %s without doing it again", describe_request(body))
                return BoltResponse(status=200, body="")
            await next_()
            return resp
        if not await deliveries.claim(source=EVENT_SOURCE, key=event_id):
            log.info("Slack event %s already handled; retry %s (%s) acknowledged", event_id, retry, reason)
            return BoltResponse(status=200, body="")
        if retry:
            log.info("Slack event %s first arrived as retry %s (%s); handling it", event_id, retry, reason)
        await next_()
        return resp

    return handle_each_event_once


def workspace_guard(allowed: Collection[str]) -> Middleware:
    """Middleware that politely refuses workspaces outside LANTERN_SLACK_ALLOWED_TEAMS."""
    allowed_ids = frozenset(allowed)

    async def only_allowed_workspaces(
        context: AsyncBoltContext,
        body: dict[str, Any],
        respond: AsyncRespond,
        resp: BoltResponse,
        next_: Next,
    ) -> BoltResponse:
        if team_allowed(allowed_ids, context.team_id, context.enterprise_id):
            await next_()
            return resp
        log.warning("refused Slack %s from workspace %s", describe_request(body), context.team_id)
        refusal = blocks.not_enabled().as_response()
        if body.get("command"):
            return BoltResponse(status=200, body=refusal)  # a slash command's ack shows as the reply
        if context.response_url:  # shortcuts: their acknowledgement is never shown
            await respond(**refusal)
        return BoltResponse(status=200, body="")

    return only_allowed_workspaces


async def on_error(
    error: Exception, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    """The one error handler (listeners and middleware): log with the traceback, tell the user briefly."""
    log.error("Slack %s failed", describe_request(body), exc_info=error)
    if not context.response_url:
        return
    try:
        await respond(**blocks.something_went_wrong().as_response())
    except (TimeoutError, aiohttp.ClientError) as reply_error:
        log.warning("could not tell the user about the failure: %s", reply_error)


def reporting_errors(listener: Listener) -> Callable[[AsyncArgs], Awaitable[None]]:
    """Run a listener and hand its failure to `on_error` here rather than through Bolt.

    When a listener raises just after `ack()`, Bolt 1.30's asyncio runner clears
    the acknowledgement; if that beats its 10 ms poll, Slack waits 3 s, gets a
    404 and shows its own error next to Lantern's apology.
    """
    names = tuple(inspect.signature(listener).parameters)

    async def listener_reporting_errors(args: AsyncArgs) -> None:
        try:
            await listener(**{name: getattr(args, name) for name in names})
        except Exception as error:  # noqa: BLE001  # handed to the one error handler, which logs the traceback
            if args.ack.response is None:
                await args.ack()
            await on_error(error, args.body, args.context, args.respond)

    return listener_reporting_errors


def build_bolt_app(
    parts: BotDependencies,
    client: AsyncWebClient,
    *,
    signing_secret: str | None,
    deliveries: Deliveries,
    allowed_teams: Collection[str] = (),
    installs: Installs | None = None,
) -> AsyncApp:
    """The AsyncApp with every Lantern listener; `signing_secret` is None only in Socket Mode.

    Without `installs` the app answers one workspace with `client`'s token;
    with them, each workspace's token comes from the installation store
    (rotated when it is about to expire) and uninstalls clean it up.
    """
    oauth: dict[str, Any] = {}
    if installs is not None:
        oauth = {
            "oauth_flow": installs.flow,
            "authorize": installs.authorize,
            "installation_store": installs.store,
        }
    bolt = AsyncApp(
        name="lantern",
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("bot.slack.bolt"),
        **oauth,
    )
    bolt.middleware(once_per_event(deliveries))
    bolt.middleware(workspace_guard(allowed_teams))
    if parts.subscriptions is not None:
        bolt.middleware(subscription_middleware(parts.subscriptions, STATS_COMMAND))
    bolt.error(on_error)
    if installs is not None:
        bolt.enable_token_revocation_listeners()

    people = People()
    links = Links(shortener=parts.shortener, people=people, clock=parts.clock, tz=parts.stats.tz)
    stats = LinkStats(questions=parts.questions, clock=parts.clock)
    home = Home(
        people=people,
        sharers=parts.sharers,
        links=parts.links,
        stats=parts.stats,
        short_url=parts.shortener.short_url,
        set_disabled=parts.shortener.set_disabled,
        clock=parts.clock,
        base_url=parts.base_url,
    )
    unfurls = Unfurls(
        links=parts.links, shares=parts.shares, stats=parts.stats, clock=parts.clock, base_url=parts.base_url
    )
    bolt.command(LINK_COMMAND)(reporting_errors(links.link_command))
    bolt.message_shortcut(LINK_SHORTCUT)(reporting_errors(links.link_shortcut))
    bolt.view_submission(LINK_FORM)(reporting_errors(links.link_form_submitted))
    bolt.view_submission(SHORTCUT_FORM)(reporting_errors(links.shortcut_form_submitted))
    bolt.command(STATS_COMMAND)(reporting_errors(stats.linkstats_command))
    bolt.event(HOME_EVENT)(reporting_errors(home.app_home_opened))
    bolt.action(blocks.HOME_COPY)(reporting_errors(home.copy_pressed))
    bolt.action(blocks.HOME_DISABLE)(reporting_errors(home.disable_pressed))
    bolt.action(blocks.HOME_ENABLE)(reporting_errors(home.enable_pressed))
    bolt.action(blocks.HOME_DASHBOARD)(reporting_errors(home.dashboard_pressed))
    bolt.event(UNFURL_EVENT)(reporting_errors(unfurls.link_shared))
    return bolt
