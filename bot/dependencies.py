"""What the chat bots may use, and nothing more: no engine, no repository, no settings beyond the base URL.

The composition root builds one `BotDependencies` per process and puts it
on the aiohttp app under `BOT_DEPENDENCIES`; each bot hands every listener
only the parts it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.state import Deliveries, InstallationRows, OAuthStates
from tracking.asking import QuestionDesk
from tracking.core.ports import Clock, LinkLookup, SharerDirectory, ShareRecorder, StatsAnswers
from tracking.core.shortening import Shortener
from tracking.subscribing import SubscriptionCommands


@dataclass(frozen=True, slots=True)
class BotDependencies:
    """The use cases and narrow readers the Slack and Telegram bots are allowed to reach."""

    shortener: Shortener
    stats: StatsAnswers
    questions: QuestionDesk  # stats questions from chat users: limited per user, answered off the loop
    links: LinkLookup
    sharers: SharerDirectory
    shares: ShareRecorder
    clock: Clock
    base_url: str
    deliveries: Deliveries  # platform delivery ids claimed once across workers
    slack_installations: InstallationRows  # Slack installs of many workspaces
    oauth_states: OAuthStates  # one-time Slack OAuth states
    subscriptions: SubscriptionCommands | None = None  # digests and alerts, when the database has them


BOT_DEPENDENCIES = web.AppKey("bot_dependencies", BotDependencies)
