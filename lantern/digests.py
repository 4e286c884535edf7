"""Posting digests and alerts to Slack and Telegram: the chat side of the forwarder.

The forwarder decides *when* (exactly once per scheduled run, alerts once
each); this module only words the message in the chat's language and
posts it with the configured bot's token — a Slack digest as a message
with its chart in the thread, a Telegram digest as a photo with the answer
as its caption.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.core.digests import next_run
from tracking.i18n import normalize, translator
from tracking.settings import Settings
from tracking.storage.subscriptions import ALERT, Subscription

#: Telegram refuses photo captions longer than this.
CAPTION_LIMIT = 1024


def next_run_of(subscription: Subscription, after: datetime) -> datetime:
    """The run after `after` in the subscription's own time zone."""
    assert subscription.schedule is not None
    return next_run(subscription.schedule, after=after, tz=ZoneInfo(subscription.timezone))


def alert_text(data: dict[str, Any], *, base_url: str, language: str) -> str:
    """An alert in words: which link, what happened."""
    t = translator(normalize(language))
    link = data.get("link") or {}
    short = f"{base_url}/{link.get('slug', '')}"
    channel = str(data.get("channel") or "direct")
    kind = data.get("alert")
    if kind == "first_click":
        return t.gettext("🔔 First real click on {link} ({target}), from {channel}.").format(
            link=short, target=link.get("target", ""), channel=channel
        )
    if kind == "new_app":
        return t.gettext("🔔 {link} was shared in {channel} for the first time.").format(
            link=short, channel=channel
        )
    return t.gettext("🔔 {link} is spreading: {clicks} clicks in the last hour (usually {usual}).").format(
        link=short, clicks=t.number(int(data.get("clicks", 0))), usual=t.number(float(data.get("usual", 0)))
    )


class ChatPoster:
    """Posts to the subscribed chat with the configured Slack or Telegram bot."""

    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self._settings = settings
        self._engine = engine

    async def __call__(self, subscription: Subscription, *, kind: str, data: dict[str, Any]) -> None:
        if kind == ALERT:
            text = alert_text(data, base_url=self._settings.base_url, language=subscription.language)
            await self._post(subscription, text=text, markup=None, png=None)
            return
        text, markup, png = await self._digest(subscription, late=bool(data.get("late")))
        await self._post(subscription, text=text, markup=markup, png=png)

    async def _digest(self, subscription: Subscription, *, late: bool) -> tuple[str, str, bytes | None]:
        from lantern.composition import build_stats, utc_now
        from tracking.charts import render_chart
        from tracking.core.questions.parser import parse_question
        from tracking.core.questions.render import is_empty, render_html, render_mrkdwn, render_text

        now = utc_now()
        interpretation = parse_question(subscription.question, now=now, tz=ZoneInfo(subscription.timezone))
        answer = await build_stats(self._settings, self._engine).answer(interpretation, now=now)
        t = translator(normalize(subscription.language))
        note = t.gettext("(late: Lantern was not running at the scheduled time)") + "\n" if late else ""
        markup = render_mrkdwn(answer) if subscription.platform == "slack" else render_html(answer)
        png = await asyncio.to_thread(render_chart, answer) if answer.rows and not is_empty(answer) else None
        return note + render_text(answer), note + markup, png

    async def _post(
        self, subscription: Subscription, *, text: str, markup: str | None, png: bytes | None
    ) -> None:
        if subscription.platform == "slack":
            await self._slack(subscription, text=markup or text, png=png)
        elif subscription.platform == "telegram":
            await self._telegram(subscription, html=markup, text=text, png=png)
        else:
            raise ValueError(f"unknown chat platform {subscription.platform!r}")

    async def _slack(self, subscription: Subscription, *, text: str, png: bytes | None) -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        token = self._settings.slack_bot_token
        if token is None:
            raise RuntimeError("LANTERN_SLACK_BOT_TOKEN is not set")
        client = AsyncWebClient(token=token.get_secret_value(), base_url=self._settings.slack_api_url)
        posted = await client.chat_postMessage(channel=subscription.chat_id, text=text, mrkdwn=True)
        if png is not None:
            await client.files_upload_v2(
                channel=subscription.chat_id,
                thread_ts=str(posted.get("ts") or ""),
                file=png,
                filename="lantern-digest.png",
                title="Lantern",
            )

    async def _telegram(
        self, subscription: Subscription, *, html: str | None, text: str, png: bytes | None
    ) -> None:
        from telegram import Bot
        from telegram.constants import ParseMode

        token = self._settings.telegram_token
        if token is None:
            raise RuntimeError("LANTERN_TELEGRAM_TOKEN is not set")
        async with Bot(token.get_secret_value(), base_url=f"{self._settings.telegram_api_url}/bot") as bot:
            chat = int(subscription.chat_id)
            if png is not None and html is not None and len(html) <= CAPTION_LIMIT:
                await bot.send_photo(chat_id=chat, photo=png, caption=html, parse_mode=ParseMode.HTML)
                return
            if html is not None:
                await bot.send_message(chat_id=chat, text=html, parse_mode=ParseMode.HTML)
            else:
                await bot.send_message(chat_id=chat, text=text)
            if png is not None:
                await bot.send_photo(chat_id=chat, photo=png)
