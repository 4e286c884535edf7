"""What the bots keep in the database so it holds across workers, handed over by the composition root.

Each field is a narrow Protocol the bots define; the composition root fills
them with storage objects, so no bot module reaches for the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiohttp import web


class Deliveries(Protocol):
    """Claims of platform delivery ids (Slack event ids, Telegram update ids), once in any worker."""

    async def claim(self, *, source: str, key: str) -> bool: ...


class InstallationRows(Protocol):
    """Stored installations and bots, as JSON text (tracking.storage.slack_installations)."""

    async def save_installation(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str, data: str
    ) -> None: ...

    async def save_bot(self, *, client_id: str, enterprise_id: str, team_id: str, data: str) -> None: ...

    async def find_installation(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str | None = None
    ) -> str | None: ...

    async def find_bot(self, *, client_id: str, enterprise_id: str, team_id: str) -> str | None: ...

    async def delete_bot(self, *, client_id: str, enterprise_id: str, team_id: str) -> None: ...

    async def delete_installations(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str | None = None
    ) -> None: ...


class OAuthStates(Protocol):
    """One-time OAuth states with an expiry (tracking.storage.slack_installations)."""

    async def issue(self, state: str, *, lifetime: timedelta) -> None: ...

    async def consume(self, state: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class BotState:
    """Delivery claims, and Slack's installations and OAuth states."""

    deliveries: Deliveries
    slack_installations: InstallationRows
    oauth_states: OAuthStates


BOT_STATE = web.AppKey("bot_state", BotState)
