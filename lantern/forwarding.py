"""Wiring of what leaves Lantern: the forwarder, its GA4 target and the chat notices to owners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from lantern.digests import ChatPoster, next_run_of
from tracking.core.forwarding.ga4 import Consent
from tracking.forwarder import AlertRules, Forwarder, Ga4Target, OwnerNotifier
from tracking.settings import Settings
from tracking.storage.outbox import SqlOutbox
from tracking.storage.subscriptions import SqlSubscriptions


def ga4_target(settings: Settings) -> Ga4Target | None:
    """Where GA4 events go, or None when GA4 forwarding is off."""
    if not settings.ga4_enabled:
        return None
    assert settings.ga4_measurement_id is not None and settings.ga4_api_secret is not None
    return Ga4Target(
        url=settings.ga4_url,
        measurement_id=settings.ga4_measurement_id,
        api_secret=settings.ga4_api_secret.get_secret_value(),
        consent=Consent(
            ad_user_data=settings.ga4_ad_user_data, ad_personalization=settings.ga4_ad_personalization
        ),
    )


def owner_notifier(settings: Settings) -> OwnerNotifier | None:
    """Posts a notice to `slack:CHANNEL` or `telegram:CHAT` with the configured bot's token."""
    slack_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    telegram_token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    if slack_token is None and telegram_token is None:
        return None

    async def notify(owner_chat: str, text: str) -> None:
        platform, _, chat = owner_chat.partition(":")
        if platform == "slack" and slack_token:
            from slack_sdk.web.async_client import AsyncWebClient

            await AsyncWebClient(token=slack_token, base_url=settings.slack_api_url).chat_postMessage(
                channel=chat, text=text
            )
        elif platform == "telegram" and telegram_token:
            from telegram import Bot

            async with Bot(telegram_token, base_url=f"{settings.telegram_api_url}/bot") as bot:
                await bot.send_message(chat_id=int(chat), text=text)
        else:
            raise ValueError(f"no configured bot can reach {owner_chat!r}")

    return notify


def build_forwarder(settings: Settings, engine: AsyncEngine, clock: Callable[[], datetime]) -> Forwarder:
    """The background sender of webhook deliveries and GA4 events for this process."""
    return Forwarder(
        outbox=SqlOutbox(engine, clock=clock),
        base_url=settings.base_url,
        clock=clock,
        ga4_target=ga4_target(settings),
        allow_private=settings.webhook_allow_private,
        notify_owner=owner_notifier(settings),
        lease=timedelta(seconds=settings.forward_lease_seconds),
        subscriptions=SqlSubscriptions(engine, clock=clock),
        post_to_chat=ChatPoster(settings, engine),
        next_run=next_run_of,
        alert_rules=AlertRules(
            spike_minimum=settings.alert_spike_minimum,
            spike_factor=settings.alert_spike_factor,
            quiet_start=settings.quiet_hours[0] if settings.quiet_hours else None,
            quiet_end=settings.quiet_hours[1] if settings.quiet_hours else None,
            timezone=settings.timezone,
        ),
    )
