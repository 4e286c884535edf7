"""Previews of Lantern's own short links in Slack (`link_shared` → `chat.unfurl`).

Slack sends `link_shared` only for the app's unfurl domains, and the link
was just pasted into Slack: that is a share, so it is stored as one (Slack
will not fetch the link itself once an app unfurls it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Block, unfurl_card
from bot.slack.numbers import link_clicks_this_week
from tracking.core.ports import Clock, LinkLookup, ShareRecorder, StatsAnswers
from tracking.core.slugs import looks_like_slug

#: The channel a Slack share counts for, and how the share event is labelled.
SHARE_CHANNEL = "slack"
SHARE_SOURCE = "slack-unfurl"


def own_slug(url: str, base_url: str) -> str | None:
    """The slug of one of Lantern's short URLs (any scheme, same host and base path), else None."""
    parts, base = urlsplit(url.strip()), urlsplit(base_url)
    if not parts.hostname or parts.hostname.lower() != (base.hostname or "").lower():
        return None
    if parts.port is not None and parts.port != base.port:
        return None
    prefix = base.path.rstrip("/") + "/"
    if not parts.path.startswith(prefix):
        return None
    rest = parts.path[len(prefix) :].removesuffix("/")
    return rest if rest and "/" not in rest and looks_like_slug(rest) else None


def unfurl_address(event: dict[str, Any]) -> dict[str, str]:
    """Where chat.unfurl must send the previews: the composer's unfurl id, or the posted message."""
    if event.get("unfurl_id") and event.get("source"):
        return {"unfurl_id": str(event["unfurl_id"]), "source": str(event["source"])}
    return {"channel": str(event.get("channel", "")), "ts": str(event.get("message_ts", ""))}


class Unfurls:
    """Handles `link_shared`: records one share per link and answers with its preview."""

    def __init__(
        self, *, links: LinkLookup, shares: ShareRecorder, stats: StatsAnswers, clock: Clock, base_url: str
    ) -> None:
        self._links = links
        self._shares = shares
        self._stats = stats
        self._clock = clock
        self._base_url = base_url

    async def link_shared(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """Store each of our links as a Slack share and unfurl it with this week's clicks."""
        unfurls: dict[str, Block] = {}
        shared: set[str] = set()
        for item in event.get("links") or []:
            url = str(item.get("url") or "")
            slug = own_slug(url, self._base_url)
            if slug is None or url in unfurls:
                continue
            link = await self._links.get_by_slug(slug)
            if link is None:
                continue
            if slug not in shared:
                await self._shares.record_share(slug, SHARE_CHANNEL, source=SHARE_SOURCE)
                shared.add(slug)
            clicks = await link_clicks_this_week(self._stats, slug, now=self._clock())
            unfurls[url] = unfurl_card(link, clicks)
        if unfurls:
            address = unfurl_address(event)
            await client.chat_unfurl(
                channel=address.get("channel"),
                ts=address.get("ts"),
                unfurl_id=address.get("unfurl_id"),
                source=address.get("source"),
                unfurls=unfurls,
            )
