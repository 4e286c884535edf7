"""slack_sdk's installation and OAuth state stores over Lantern's own database.

Bolt reads each workspace's token through `LanternInstallationStore`, its
token rotation and uninstall clean-up write through it, and the install
page's one-time states go through `LanternOAuthStateStore`; the rows live
in Lantern's database (tracking.storage.slack_installations), so every
worker sees every workspace. This module only translates between
slack_sdk's objects and stored JSON.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.state import InstallationRows, OAuthStates

log = logging.getLogger(__name__)


def _as_json(values: dict[str, Any]) -> str:
    """slack_sdk's dict of an installation as JSON: datetimes as ISO text, which slack_sdk reads back."""
    return json.dumps({k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()})


def _scope(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str, str]:
    """The (enterprise, team) key of an installation: an org-wide install is found by its org alone."""
    return enterprise_id or "", "" if is_enterprise_install or not team_id else team_id


class LanternInstallationStore(AsyncInstallationStore):
    """The latest installation per workspace and installing user, and each workspace's current bot."""

    def __init__(self, rows: InstallationRows, *, client_id: str) -> None:
        self._rows = rows
        self._client_id = client_id

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        """Store (or replace) this user's installation, then the workspace's bot."""
        enterprise, team = _scope(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        await self._rows.save_installation(
            client_id=self._client_id,
            enterprise_id=enterprise,
            team_id=team,
            user_id=installation.user_id or "",
            data=_as_json(installation.to_dict_for_copying()),
        )
        if installation.bot_token is not None:
            await self.async_save_bot(installation.to_bot())
        log.info("Slack app installed in %s", team or enterprise)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store (or replace, after a token rotation) the workspace's bot token."""
        enterprise, team = _scope(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self._rows.save_bot(
            client_id=self._client_id,
            enterprise_id=enterprise,
            team_id=team,
            data=_as_json(bot.to_dict_for_copying()),
        )

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's (or org's) current bot, or None when the app is not installed there."""
        enterprise, team = _scope(enterprise_id, team_id, is_enterprise_install)
        data = await self._rows.find_bot(client_id=self._client_id, enterprise_id=enterprise, team_id=team)
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
        data = await self._rows.find_installation(
            client_id=self._client_id, enterprise_id=enterprise, team_id=team, user_id=user_id
        )
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
        await self._rows.delete_bot(client_id=self._client_id, enterprise_id=enterprise, team_id=team)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget the workspace's installations, or only `user_id`'s."""
        enterprise, team = _scope(enterprise_id, team_id, False)
        await self._rows.delete_installations(
            client_id=self._client_id, enterprise_id=enterprise, team_id=team, user_id=user_id
        )
        log.info("Slack installation of %s removed (user %s)", team or enterprise, user_id or "all")


class LanternOAuthStateStore(AsyncOAuthStateStore):
    """OAuth `state` values: issued by the install page, consumed once by the redirect, in any worker."""

    def __init__(self, states: OAuthStates, *, expiration_seconds: int) -> None:
        self._states = states
        self._lifetime = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new random state, good for `expiration_seconds`."""
        state = secrets.token_urlsafe(32)
        await self._states.issue(state, lifetime=self._lifetime)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this store issued and that has not expired; False otherwise."""
        return await self._states.consume(state)
