"""Who is asking: a Slack user as a Lantern sharer.

The sharer's public handle (it goes into `utm_content`) is made from the
display name, so Lantern asks Slack for the name people know (users.info)
and falls back to the name in the payload when that is not allowed.
"""

from __future__ import annotations

import logging

import aiohttp
from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tracking.core.links import SharerRef

log = logging.getLogger(__name__)

PLATFORM = "slack"


def sharer_ref(team_id: str, user_id: str, display_name: str) -> SharerRef:
    """The sharer identity: a user id is only unique within its workspace, so the team is part of it."""
    return SharerRef(PLATFORM, f"{team_id}-{user_id}", display_name.strip(), workspace=team_id or None)


class People:
    """Display names from users.info, kept for an hour: names rarely change, commands come in bursts.

    Each call takes the request's own client: with many workspaces installed,
    each one's users are looked up with that workspace's token.
    """

    def __init__(self, *, size: int = 2048, ttl: float = 3600.0) -> None:
        self._names: TTLCache[tuple[str, str], str] = TTLCache(maxsize=size, ttl=ttl)

    async def sharer(
        self, client: AsyncWebClient, *, team_id: str, user_id: str, fallback_name: str = ""
    ) -> SharerRef:
        """The sharer for a Slack user; `fallback_name` is the payload's user name."""
        name = await self.display_name(client, team_id=team_id, user_id=user_id)
        return sharer_ref(team_id, user_id, name or fallback_name)

    async def display_name(self, client: AsyncWebClient, *, team_id: str, user_id: str) -> str:
        """The name people see in Slack, or "" when Slack will not say."""
        key = (team_id, user_id)
        if key in self._names:
            return self._names[key]
        try:
            response = await client.users_info(user=user_id)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as error:
            log.info("users.info failed for %s (%s); using the name in the payload", user_id, error)
            return ""
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = str(profile.get("display_name") or profile.get("real_name") or user.get("real_name") or "")
        name = name or str(user.get("name") or "")
        self._names[key] = name
        return name
