"""Making tracked links from Slack: the `/link` command, its form, and the "Get tracked link" shortcut.

All end in the core's Shortener, like the CLI and the API; this module
only reads the Slack payload and lays out the answer. `/link` with no
arguments opens a form; the shortcut asks which channels before making
anything.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import blocks, forms
from bot.slack.commands import DEFAULT_CHANNEL, LinkUsageError, parse_link_command
from bot.slack.message_urls import urls_in_message
from bot.slack.people import People
from tracking.core.errors import LanternError
from tracking.core.links import SharerRef
from tracking.core.ports import Clock
from tracking.core.shortening import Shortener, ShortenRequest, ShortenResult

log = logging.getLogger(__name__)

#: The message shortcut's callback id (the manifest names the same one).
LINK_SHORTCUT = "get_tracked_link"
_HELP_WORDS = frozenset({"help", "?", "-h", "--help"})


class Links:
    """Listeners that make links; each acknowledges at once and answers through the response URL."""

    def __init__(self, *, shortener: Shortener, people: People, clock: Clock, tz: ZoneInfo) -> None:
        self._shortener = shortener
        self._people = people
        self._clock = clock
        self._tz = tz  # a form's expiry date is a day in Lantern's zone

    async def link_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """`/link URL [for CHANNEL, …] [campaign NAME] [as SLUG]` → one short link per channel, ephemeral;
        `/link` alone opens the form."""
        await ack()
        text = str(command.get("text") or "").strip()
        if not text:
            origin = forms.Origin(str(command.get("response_url") or ""))
            view = forms.link_form(origin, default_channel=DEFAULT_CHANNEL)
            await client.views_open(trigger_id=str(command.get("trigger_id") or ""), view=view)
            return
        if text.lower() in _HELP_WORDS:
            await respond(**blocks.link_usage().as_response())
            return
        try:
            asked = parse_link_command(text)
        except LinkUsageError as error:
            await respond(**blocks.link_usage(error.message).as_response())
            return
        sharer = await self._people.sharer(
            client,
            team_id=str(command.get("team_id") or ""),
            user_id=str(command.get("user_id") or ""),
            fallback_name=str(command.get("user_name") or ""),
        )
        request = ShortenRequest(url=asked.url, campaign=asked.campaign, slug=asked.slug, sharer=sharer)
        try:
            results = await self._shortener.shorten_for_channels(request, asked.channels)
        except LanternError as error:
            await respond(**blocks.problem(error).as_response())
            return
        await respond(**blocks.link_reply(results).as_response())

    async def link_shortcut(
        self, ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The "Get tracked link" shortcut → a form asking which channels, for the links in the message."""
        await ack()
        urls = urls_in_message(shortcut.get("message") or {})
        if not urls:
            await respond(**blocks.no_links_in_message().as_response())
            return
        origin = forms.Origin(str(shortcut.get("response_url") or ""), tuple(urls))
        view = forms.shortcut_form(origin, default_channel=DEFAULT_CHANNEL)
        await client.views_open(trigger_id=str(shortcut.get("trigger_id") or ""), view=view)

    async def link_form_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The `/link` form: mistakes are shown under their field; otherwise the links go to the
        conversation the form was opened from."""
        asked = forms.read_form(view, today=self._clock().astimezone(self._tz).date(), tz=self._tz)
        if asked.problems:
            await ack(response_action="errors", errors=dict(asked.problems))
            return
        request = ShortenRequest(
            url=asked.url,
            campaign=asked.campaign,
            expires_at=asked.expires_at,
            max_clicks=asked.max_clicks,
            sharer=await self._sharer(body, client),
        )
        try:
            results = await self._shortener.shorten_for_channels(request, asked.channels)
        except LanternError as error:
            await ack(response_action="errors", errors={forms.field_for(error.message): error.message[:150]})
            return
        await ack()
        await _answer(view, client, blocks.link_reply(results), in_channel=asked.post_here)

    async def shortcut_form_submitted(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The shortcut's form: one link per web link in the message and per channel picked."""
        asked = forms.read_form(view, today=self._clock().astimezone(self._tz).date(), tz=self._tz)
        if asked.problems:
            await ack(response_action="errors", errors=dict(asked.problems))
            return
        await ack()
        sharer = await self._sharer(body, client)
        results: list[ShortenResult] = []
        failures: list[tuple[str, str]] = []
        for url in forms.Origin.from_metadata(str(view.get("private_metadata") or "")).urls:
            request = ShortenRequest(url=url, campaign=asked.campaign, sharer=sharer)
            try:
                results += await self._shortener.shorten_for_channels(request, asked.channels)
            except LanternError as error:
                failures.append((url, error.message))
        await _answer(view, client, blocks.link_reply(results, failures), in_channel=asked.post_here)

    async def _sharer(self, body: dict[str, Any], client: AsyncWebClient) -> SharerRef:
        user = body.get("user") or {}
        team = body.get("team") or {}
        return await self._people.sharer(
            client,
            team_id=str(team.get("id") or user.get("team_id") or ""),
            user_id=str(user.get("id") or ""),
            fallback_name=str(user.get("username") or user.get("name") or ""),
        )


async def _answer(
    view: dict[str, Any], client: AsyncWebClient, reply: blocks.Reply, *, in_channel: bool
) -> None:
    """Send a form's answer to the conversation it was opened from (its response URL)."""
    origin = forms.Origin.from_metadata(str(view.get("private_metadata") or ""))
    if not origin.response_url:
        log.warning("a Slack form came back without its response URL; its answer has nowhere to go")
        return
    webhook = AsyncWebhookClient(origin.response_url, session=client.session)
    body = reply.as_response(in_channel=in_channel)
    await webhook.send(text=body["text"], blocks=body.get("blocks"), response_type=body["response_type"])
