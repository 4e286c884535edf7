"""`/linkstats QUESTION`: the shared question parser and stats service, answered in the channel.

The answer is posted for the channel to see (that is what the chart is
for); help and unreadable questions stay ephemeral.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.commands import is_help, unescape
from tracking.asking import QuestionDesk
from tracking.core.errors import LanternError
from tracking.core.ports import Clock
from tracking.core.questions.model import Answer, QuestionNotUnderstood
from tracking.core.questions.render import describe_interpretation, is_empty

log = logging.getLogger(__name__)

#: Slack's answers when the app may not post into the conversation the command came from.
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found", "access_denied", "is_archived"})


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a command was typed, as the payload names it."""

    id: str
    name: str

    @property
    def is_direct(self) -> bool:
        """A direct message (one person, or a group DM): nobody can be invited into it."""
        return self.name == "directmessage" or self.name.startswith("mpdm-") or self.id.startswith("D")


class LinkStats:
    """Listener for `/linkstats`."""

    def __init__(self, *, questions: QuestionDesk, clock: Clock) -> None:
        self._questions = questions
        self._clock = clock

    async def linkstats_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """Answer the question in mrkdwn, then upload its chart to the same conversation."""
        await ack()
        question = unescape(str(command.get("text") or "")).strip()
        if is_help(question):
            await respond(**blocks.stats_help().as_response())
            return
        now = self._clock()
        asker = f"slack:{command.get('team_id') or ''}:{command.get('user_id') or ''}"
        try:
            answer = await self._questions.ask(question, asker=asker, now=now)
        except QuestionNotUnderstood as error:
            await respond(**blocks.not_understood(error).as_response())
            return
        except LanternError as error:
            await respond(**blocks.problem(error).as_response())
            return
        reply = await self._questions.run(blocks.stats_answer, answer)
        await respond(**reply.as_response(in_channel=True))
        if answer.rows and not is_empty(answer):
            where = Conversation(str(command.get("channel_id") or ""), str(command.get("channel_name") or ""))
            await self._post_chart(answer, where, client, respond)

    async def _post_chart(
        self, answer: Answer, where: Conversation, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        png = await self._questions.chart(answer)
        title = describe_interpretation(answer.interpretation)
        try:
            await client.files_upload_v2(
                channel=where.id, file=png, filename="lantern-chart.png", title=title, alt_txt=title
            )
        except SlackApiError as error:
            if error.response.get("error") not in NOT_A_MEMBER:
                raise
            log.info("no chart for %s: %s", where.id, error.response.get("error"))
            hint = blocks.chart_not_posted_in_dm() if where.is_direct else blocks.chart_not_posted()
            await respond(**hint.as_response())
