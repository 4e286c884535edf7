"""The App Home tab: the user's recent links with this week's numbers and buttons, and the team's top links.

The buttons copy a link (a small modal with it selected), disable or enable
it (only its own sharer may), or open its page on the dashboard.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import HomeLink, copy_view, home_view
from bot.slack.numbers import RECENT_PERIOD, my_links, team_top_links
from bot.slack.people import People
from tracking.core.links import Link
from tracking.core.ports import Clock, LinkLookup, SharerDirectory, StatsAnswers

log = logging.getLogger(__name__)

#: Disables or re-enables a link by slug (the shortener's `set_disabled`).
SetDisabled = Callable[..., Awaitable[Link]]


class Home:
    """Handles `app_home_opened` by publishing a fresh view (Slack shows the last one published)."""

    def __init__(
        self,
        *,
        people: People,
        sharers: SharerDirectory,
        links: LinkLookup,
        stats: StatsAnswers,
        short_url: Callable[[str], str],
        set_disabled: SetDisabled,
        clock: Clock,
        base_url: str,
    ) -> None:
        self._people = people
        self._sharers = sharers
        self._links = links
        self._stats = stats
        self._short_url = short_url
        self._set_disabled_link = set_disabled
        self._clock = clock
        self._base_url = base_url

    async def app_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Publish the Home tab for the user who opened it (the Messages tab sends this event too)."""
        if event.get("tab", "home") != "home":
            return
        await self._publish(client, team_id=str(body.get("team_id") or ""), user_id=str(event["user"]))

    async def copy_pressed(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """ "Copy link": open a modal with the short link, ready to select."""
        await ack()
        slug = _pressed_value(body)
        link = await self._links.get_by_slug(slug) if slug else None
        if link is None:
            return
        short_url = self._short_url(link.slug)
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=copy_view(short_url))

    async def disable_pressed(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """ "Disable": the link stops redirecting (410), then the Home tab is drawn again."""
        await self._set_disabled(ack, body, client, disabled=True)

    async def enable_pressed(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """ "Enable": the link redirects again."""
        await self._set_disabled(ack, body, client, disabled=False)

    async def dashboard_pressed(self, ack: AsyncAck) -> None:
        """The dashboard button is a link Slack opens itself; its click only needs acknowledging."""
        await ack()

    async def _set_disabled(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, *, disabled: bool
    ) -> None:
        await ack()
        user = body.get("user") or {}
        team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        user_id = str(user.get("id") or "")
        slug = _pressed_value(body)
        link = await self._links.get_by_slug(slug) if slug else None
        ref = await self._people.sharer(client, team_id=team_id, user_id=user_id)
        sharer = await self._sharers.get_or_create_sharer(ref)
        if link is None or link.sharer_id != sharer.id:
            log.warning(
                "Slack user %s pressed a button for a link that is not theirs (%s)", user_id, slug[:64]
            )
            return
        await self._set_disabled_link(link.slug, disabled=disabled)
        await self._publish(client, team_id=team_id, user_id=user_id)

    async def _publish(self, client: AsyncWebClient, *, team_id: str, user_id: str) -> None:
        ref = await self._people.sharer(client, team_id=team_id, user_id=user_id)
        sharer = await self._sharers.get_or_create_sharer(ref)
        now = self._clock()
        mine: list[HomeLink] = []
        for numbers in await my_links(self._stats, sharer.handle, now=now):
            link = await self._links.get_by_slug(numbers.slug)
            if link is not None:
                mine.append(HomeLink(link, self._short_url(link.slug), numbers.clicks, numbers.shares))
        top = await team_top_links(self._stats, now=now)
        view = home_view(mine, top, my_period=RECENT_PERIOD, base_url=self._base_url)
        await client.views_publish(user_id=user_id, view=view)


def _pressed_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")
