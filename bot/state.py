"""What the bots keep in the database so it holds across workers, handed over by the composition root.

Each is a narrow Protocol the bots define; the composition root fills the
matching fields of `BotDependencies` with storage objects, so no bot module
reaches for the engine.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol


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
