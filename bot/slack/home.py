"""The App Home tab: the user's recent links with this week's numbers, and the team's top links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import HomeLink, home_view
from bot.slack.numbers import RECENT_PERIOD, my_links, team_top_links
from bot.slack.people import People
from tracking.core.ports import Clock, LinkLookup, SharerDirectory, StatsAnswers


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
        clock: Clock,
    ) -> None:
        self._people = people
        self._sharers = sharers
        self._links = links
        self._stats = stats
        self._short_url = short_url
        self._clock = clock

    async def app_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Publish the Home tab for the user who opened it (the Messages tab sends this event too)."""
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        ref = await self._people.sharer(team_id=str(body.get("team_id") or ""), user_id=user_id)
        sharer = await self._sharers.get_or_create_sharer(ref)
        now = self._clock()
        mine: list[HomeLink] = []
        for numbers in await my_links(self._stats, sharer.handle, now=now):
            link = await self._links.get_by_slug(numbers.slug)
            if link is not None:
                mine.append(HomeLink(link, self._short_url(link.slug), numbers.clicks, numbers.shares))
        top = await team_top_links(self._stats, now=now)
        await client.views_publish(user_id=user_id, view=home_view(mine, top, my_period=RECENT_PERIOD))
