"""The App Home tab: the user's recent links with this week's numbers, and the team's top links."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import HomeLink, home_view
from bot.slack.numbers import RECENT_PERIOD, my_links, team_top_links
from bot.slack.people import People
from tracking.services import Container


class Home:
    """Handles `app_home_opened` by publishing a fresh view (Slack shows the last one published)."""

    def __init__(self, container: Container, people: People) -> None:
        self._container = container
        self._people = people

    async def app_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Publish the Home tab for the user who opened it (the Messages tab sends this event too)."""
        if event.get("tab", "home") != "home":
            return
        lantern = self._container
        user_id = str(event["user"])
        ref = await self._people.sharer(client, team_id=str(body.get("team_id") or ""), user_id=user_id)
        sharer = await lantern.links.get_or_create_sharer(ref)
        now = lantern.clock()
        mine: list[HomeLink] = []
        for numbers in await my_links(lantern.stats, sharer.handle, now=now):
            link = await lantern.links.get_by_slug(numbers.slug)
            if link is not None:
                short_url = lantern.shortener.short_url(link.slug)
                mine.append(HomeLink(link, short_url, numbers.clicks, numbers.shares))
        top = await team_top_links(lantern.stats, now=now)
        await client.views_publish(user_id=user_id, view=home_view(mine, top, my_period=RECENT_PERIOD))
