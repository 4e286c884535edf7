"""`/linkstats subscribe …`, `unsubscribe`, `subscriptions` and `alerts on|off` in Slack.

A middleware in front of `/linkstats`: a subscription command is answered
here (its acknowledgement is the reply), any other question goes on to the
stats listener unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse

from tracking.i18n import normalize
from tracking.subscribing import Asker, SubscriptionCommands, is_subscription_command

Next = Callable[[], Awaitable[None]]


def subscription_middleware(
    commands: SubscriptionCommands, stats_command: str
) -> Callable[..., Awaitable[BoltResponse]]:
    """Answers subscription commands typed after `stats_command`; lets everything else through."""

    async def subscriptions_first(
        context: AsyncBoltContext, body: dict[str, Any], resp: BoltResponse, next_: Next
    ) -> BoltResponse:
        text = str(body.get("text") or "")
        if body.get("command") != stats_command or not is_subscription_command(text):
            await next_()
            return resp
        asker = Asker(
            platform="slack",
            chat_id=str(body.get("channel_id") or ""),
            user=str(body.get("user_name") or body.get("user_id") or ""),
            team_id=context.team_id,
            language=normalize(str(body.get("locale") or "")),
        )
        reply = await commands.handle(text, asker) or ""
        payload = {"response_type": "in_channel", "text": reply}
        return BoltResponse(
            status=200, body=json.dumps(payload), headers={"content-type": ["application/json"]}
        )

    return subscriptions_first
