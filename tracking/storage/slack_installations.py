"""Rows for Slack installs: each workspace's installations and bot, and the one-time OAuth states.

Only rows: the installation itself is JSON the Slack adapter writes and
reads (slack_sdk's Installation); storage never imports a chat SDK. Ids
Slack leaves out (no enterprise, no team for an org-wide install) are ""
so the unique keys hold on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.storage.tables import SlackBotRow, SlackInstallationRow, SlackOAuthStateRow

_INSTALLATIONS: Table = SlackInstallationRow.__table__  # type: ignore[attr-defined]
_BOTS: Table = SlackBotRow.__table__  # type: ignore[attr-defined]
_STATES: Table = SlackOAuthStateRow.__table__  # type: ignore[attr-defined]


class SqlSlackInstallations:
    """Installations (latest per workspace and user) and bots (one per workspace), as JSON text."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    def _insert(self) -> Any:
        return pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert

    async def save_installation(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str, data: str
    ) -> None:
        """Store or replace this user's installation of the app in the workspace."""
        now = self._clock()
        statement = (
            self._insert()(_INSTALLATIONS)
            .values(
                client_id=client_id,
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                installed_at=now,
                data=data,
            )
            .on_conflict_do_update(
                index_elements=["client_id", "enterprise_id", "team_id", "user_id"],
                set_={"installed_at": now, "data": data},
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def save_bot(self, *, client_id: str, enterprise_id: str, team_id: str, data: str) -> None:
        """Store or replace (after a token rotation) the workspace's bot."""
        now = self._clock()
        statement = (
            self._insert()(_BOTS)
            .values(
                client_id=client_id, enterprise_id=enterprise_id, team_id=team_id, installed_at=now, data=data
            )
            .on_conflict_do_update(
                index_elements=["client_id", "enterprise_id", "team_id"],
                set_={"installed_at": now, "data": data},
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def find_installation(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str | None = None
    ) -> str | None:
        """The latest installation in the workspace (or by `user_id`), as stored."""
        query = select(_INSTALLATIONS.c.data).where(
            _INSTALLATIONS.c.client_id == client_id,
            _INSTALLATIONS.c.enterprise_id == enterprise_id,
            _INSTALLATIONS.c.team_id == team_id,
        )
        if user_id is not None:
            query = query.where(_INSTALLATIONS.c.user_id == user_id)
        query = query.order_by(_INSTALLATIONS.c.installed_at.desc(), _INSTALLATIONS.c.id.desc()).limit(1)
        async with self._engine.connect() as connection:
            data = (await connection.execute(query)).scalar_one_or_none()
        return str(data) if data is not None else None

    async def find_bot(self, *, client_id: str, enterprise_id: str, team_id: str) -> str | None:
        """The workspace's bot, as stored."""
        query = select(_BOTS.c.data).where(
            _BOTS.c.client_id == client_id, _BOTS.c.enterprise_id == enterprise_id, _BOTS.c.team_id == team_id
        )
        async with self._engine.connect() as connection:
            data = (await connection.execute(query)).scalar_one_or_none()
        return str(data) if data is not None else None

    async def delete_bot(self, *, client_id: str, enterprise_id: str, team_id: str) -> None:
        """Forget the workspace's bot."""
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(_BOTS).where(
                    _BOTS.c.client_id == client_id,
                    _BOTS.c.enterprise_id == enterprise_id,
                    _BOTS.c.team_id == team_id,
                )
            )

    async def delete_installations(
        self, *, client_id: str, enterprise_id: str, team_id: str, user_id: str | None = None
    ) -> None:
        """Forget the workspace's installations, or only `user_id`'s."""
        statement = delete(_INSTALLATIONS).where(
            _INSTALLATIONS.c.client_id == client_id,
            _INSTALLATIONS.c.enterprise_id == enterprise_id,
            _INSTALLATIONS.c.team_id == team_id,
        )
        if user_id is not None:
            statement = statement.where(_INSTALLATIONS.c.user_id == user_id)
        async with self._engine.begin() as connection:
            await connection.execute(statement)


class SqlOAuthStates:
    """One-time OAuth `state` values with an expiry, shared by every worker."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    async def issue(self, state: str, *, lifetime: timedelta) -> None:
        """Remember a new state until `lifetime` from now; expired ones are swept on the way."""
        now = self._clock()
        async with self._engine.begin() as connection:
            await connection.execute(delete(_STATES).where(_STATES.c.expires_at < now))
            await connection.execute(_STATES.insert().values(state=state, expires_at=now + lifetime))

    async def consume(self, state: str) -> bool:
        """True once for a state issued here that has not expired; False otherwise."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(_STATES).where(_STATES.c.state == state[:64], _STATES.c.expires_at >= self._clock())
            )
        return bool(result.rowcount)
