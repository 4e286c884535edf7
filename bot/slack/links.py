"""Making tracked links from Slack: the `/link` command and the "Get tracked link" message shortcut.

Both end in the core's Shortener, like the CLI and the API; this module
only reads the Slack payload and lays out the answer.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.commands import DEFAULT_CHANNEL, LinkUsageError, is_help, parse_link_command
from bot.slack.message_urls import urls_in_message
from bot.slack.people import People
from tracking.core.errors import LanternError
from tracking.core.shortening import ShortenRequest, ShortenResult
from tracking.services import Container

#: The message shortcut's callback id (the manifest names the same one).
LINK_SHORTCUT = "get_tracked_link"


class Links:
    """Listeners that make links; each acknowledges at once and answers through the response URL."""

    def __init__(self, container: Container, people: People) -> None:
        self._container = container
        self._people = people

    async def link_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """`/link URL [for CHANNEL, …] [campaign NAME] [as SLUG]` → one short link per channel, ephemeral."""
        await ack()
        text = str(command.get("text") or "")
        if is_help(text):
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
            results = await self._container.shortener.shorten_for_channels(request, asked.channels)
        except LanternError as error:
            await respond(**blocks.problem(error).as_response())
            return
        await respond(**blocks.link_reply(results).as_response())

    async def link_shortcut(
        self, ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The "Get tracked link" shortcut → a Slack-tagged link per web link in the message, ephemeral."""
        await ack()
        urls = urls_in_message(shortcut.get("message") or {})
        if not urls:
            await respond(**blocks.no_links_in_message().as_response())
            return
        user = shortcut.get("user") or {}
        team = shortcut.get("team") or {}
        sharer = await self._people.sharer(
            client,
            team_id=str(team.get("id") or user.get("team_id") or ""),
            user_id=str(user.get("id") or ""),
            fallback_name=str(user.get("username") or user.get("name") or ""),
        )
        results: list[ShortenResult] = []
        failures: list[tuple[str, str]] = []
        for url in urls:
            try:
                request = ShortenRequest(url=url, channel=DEFAULT_CHANNEL, sharer=sharer)
                results.append(await self._container.shortener.shorten(request))
            except LanternError as error:
                failures.append((url, error.message))
        await respond(**blocks.link_reply(results, failures).as_response())
