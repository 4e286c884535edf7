"""Slack installations and OAuth states in Lantern's own database (SQLite or PostgreSQL).

slack_sdk's `AsyncInstallationStore` and `AsyncOAuthStateStore` over the
engine Lantern already has, so many workspaces (and Enterprise Grid orgs)
can install the app with `GET /slack/install`, every worker finds every
workspace's token, and Bolt's token rotation and uninstall clean-up write
to the same rows. Ids Slack leaves out (no enterprise, or no team for an
org-wide install) are stored as "" so the unique keys hold on both backends.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from tracking.storage.tables import SlackBotRow, SlackInstallationRow, SlackOAuthStateRow

log = logging.getLogger(__name__)

_INSTALLATIONS: Table = SlackInstallationRow.__table__  # type: ignore[attr-defined]
_BOTS: Table = SlackBotRow.__table__  # type: ignore[attr-defined]
_STATES: Table = SlackOAuthStateRow.__table__  # type: ignore[attr-defined]

Clock = Callable[[], datetime]


def _plain(values: dict[str, Any]) -> str:
    """slack_sdk's dict of an installation as JSON: datetimes as ISO text, which slack_sdk reads back."""
    return json.dumps({k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()})


def _scope(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str, str]:
    """The (enterprise, team) key of an installation: an org-wide install is found by its org alone."""
    return enterprise_id or "", "" if is_enterprise_install or not team_id else team_id


class SqlInstallationStore(AsyncInstallationStore):
    """The latest installation per workspace and installing user, and each workspace's current bot."""

    def __init__(self, engine: AsyncEngine, *, client_id: str, clock: Clock) -> None:
        self._engine = engine
        self._client_id = client_id
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def _insert(self) -> Any:
        return pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert

    async def async_save(self, installation: Installation) -> None:
        """Store (or replace) this user's installation, then the workspace's bot."""
        enterprise, team = _scope(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        values = {
            "client_id": self._client_id,
            "enterprise_id": enterprise,
            "team_id": team,
            "user_id": installation.user_id or "",
            "installed_at": self._clock(),
            "data": _plain(installation.to_dict_for_copying()),
        }
        statement = (
            self._insert()(_INSTALLATIONS)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["client_id", "enterprise_id", "team_id", "user_id"],
                set_={"installed_at": values["installed_at"], "data": values["data"]},
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)
        if installation.bot_token is not None:
            await self.async_save_bot(installation.to_bot())
        log.info("Slack app installed in %s", team or enterprise)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store (or replace, after a token rotation) the workspace's bot token."""
        enterprise, team = _scope(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        values = {
            "client_id": self._client_id,
            "enterprise_id": enterprise,
            "team_id": team,
            "installed_at": self._clock(),
            "data": _plain(bot.to_dict_for_copying()),
        }
        statement = (
            self._insert()(_BOTS)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["client_id", "enterprise_id", "team_id"],
                set_={"installed_at": values["installed_at"], "data": values["data"]},
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's (or org's) current bot, or None when the app is not installed there."""
        enterprise, team = _scope(enterprise_id, team_id, is_enterprise_install)
        query = select(_BOTS.c.data).where(
            _BOTS.c.client_id == self._client_id,
            _BOTS.c.enterprise_id == enterprise,
            _BOTS.c.team_id == team,
        )
        async with self._engine.connect() as connection:
            data = (await connection.execute(query)).scalar_one_or_none()
        return Bot(**json.loads(data)) if data is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The latest installation of the workspace (or by `user_id`), with the current bot token."""
        enterprise, team = _scope(enterprise_id, team_id, is_enterprise_install)
        query = select(_INSTALLATIONS.c.data).where(
            _INSTALLATIONS.c.client_id == self._client_id,
            _INSTALLATIONS.c.enterprise_id == enterprise,
            _INSTALLATIONS.c.team_id == team,
        )
        if user_id is not None:
            query = query.where(_INSTALLATIONS.c.user_id == user_id)
        query = query.order_by(_INSTALLATIONS.c.installed_at.desc(), _INSTALLATIONS.c.id.desc()).limit(1)
        async with self._engine.connect() as connection:
            data = (await connection.execute(query)).scalar_one_or_none()
        if data is None:
            return None
        installation = Installation(**json.loads(data))
        bot = await self.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is not None and bot.bot_token != installation.bot_token:
            # a later install by someone else, or a rotation, renewed the workspace's bot token
            installation.bot_id = bot.bot_id
            installation.bot_user_id = bot.bot_user_id
            installation.bot_token = bot.bot_token
            installation.bot_scopes = bot.bot_scopes
            installation.bot_refresh_token = bot.bot_refresh_token
            installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the workspace's bot (its tokens were revoked or the app uninstalled)."""
        enterprise, team = _scope(enterprise_id, team_id, False)
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(_BOTS).where(
                    _BOTS.c.client_id == self._client_id,
                    _BOTS.c.enterprise_id == enterprise,
                    _BOTS.c.team_id == team,
                )
            )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget the workspace's installations, or only `user_id`'s."""
        enterprise, team = _scope(enterprise_id, team_id, False)
        statement = delete(_INSTALLATIONS).where(
            _INSTALLATIONS.c.client_id == self._client_id,
            _INSTALLATIONS.c.enterprise_id == enterprise,
            _INSTALLATIONS.c.team_id == team,
        )
        if user_id is not None:
            statement = statement.where(_INSTALLATIONS.c.user_id == user_id)
        async with self._engine.begin() as connection:
            await connection.execute(statement)
        log.info("Slack installation of %s removed (user %s)", team or enterprise, user_id or "all")


class SqlOAuthStateStore(AsyncOAuthStateStore):
    """OAuth `state` values: issued by the install page, consumed once by the redirect, any worker."""

    def __init__(self, engine: AsyncEngine, *, expiration_seconds: int, clock: Clock) -> None:
        self._engine = engine
        self._lifetime = timedelta(seconds=expiration_seconds)
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new random state, good for `expiration_seconds`; expired ones are swept on the way."""
        state = secrets.token_urlsafe(32)
        now = self._clock()
        async with self._engine.begin() as connection:
            await connection.execute(delete(_STATES).where(_STATES.c.expires_at < now))
            await connection.execute(_STATES.insert().values(state=state, expires_at=now + self._lifetime))
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this store issued and that has not expired; False otherwise."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(_STATES).where(_STATES.c.state == state[:64], _STATES.c.expires_at >= self._clock())
            )
        return bool(result.rowcount)
