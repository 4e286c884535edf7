"""Installing Lantern in many Slack workspaces: Bolt's OAuth flow over Lantern's own database.

`GET /slack/install` shows Slack's "Add to Slack" page with a one-time
`state`; `GET /slack/oauth_redirect` trades Slack's code for a bot token
(`oauth.v2.access`, then `auth.test`) and stores the installation. Which
workspaces (or Enterprise Grid orgs) may install is LANTERN_SLACK_ALLOWED_TEAMS;
any other is told so and nothing is stored.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.installations import LanternInstallationStore, LanternOAuthStateStore
from bot.state import InstallationRows, OAuthStates
from tracking.settings import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: The bot scopes slack-manifest.yml asks for (a test keeps the two equal).
BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "files:write",
    "links:read",
    "links:write",
    "users:read",
)
#: How long the consent page may stay open before its state expires.
STATE_SECONDS = 600
#: Bolt renews a rotating bot token this long before it expires.
ROTATE_BEFORE_MINUTES = 120

REFUSED_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Lantern</title></head><body>"
    "<h1>Lantern is not enabled for this workspace</h1>"
    "<p>This Lantern server only accepts the workspaces its admin listed "
    "(LANTERN_SLACK_ALLOWED_TEAMS); {workspace} is not one of them. Nothing was installed.</p>"
    "</body></html>"
)


class WorkspaceNotAllowed(BoltError):
    """The workspace (or org) that approved the install is not on the allowed list."""

    def __init__(self, workspace: str) -> None:
        super().__init__(f"workspace {workspace} may not install Lantern")
        self.workspace = workspace


def install_allowed(allowed: Collection[str], installation: Installation) -> bool:
    """Empty list = anyone; otherwise the workspace or its Enterprise Grid org must be listed."""
    if not allowed:
        return True
    return installation.team_id in allowed or (
        installation.enterprise_id is not None and installation.enterprise_id in allowed
    )


class LanternOAuthFlow(AsyncOAuthFlow):
    """Bolt's flow, refusing workspaces outside the allowed list before anything is stored."""

    def __init__(
        self, *, allowed: Sequence[str], client: AsyncWebClient, settings: AsyncOAuthSettings
    ) -> None:
        super().__init__(client=client, settings=settings)
        self._allowed = frozenset(allowed)

    async def store_installation(self, request: AsyncBoltRequest, installation: Installation) -> None:
        """Store the installation, unless the workspace may not install."""
        if not install_allowed(self._allowed, installation):
            workspace = installation.team_id or installation.enterprise_id or "unknown"
            log.warning("refused a Slack install from workspace %s (not allowed)", workspace)
            raise WorkspaceNotAllowed(workspace)
        await super().store_installation(request, installation)


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    return await args.default.success(args)


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    if isinstance(args.error, WorkspaceNotAllowed):
        page = REFUSED_PAGE.format(workspace=html.escape(args.error.workspace))
        return BoltResponse(status=403, body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    log.info("Slack install did not complete: %s", args.reason)
    return await args.default.failure(args)


@dataclass(frozen=True)
class Installs:
    """What Bolt needs for many workspaces: the store, the install flow and the per-request token lookup."""

    store: LanternInstallationStore
    flow: LanternOAuthFlow
    authorize: AsyncInstallationStoreAuthorize


def build_installs(
    settings: Settings, client: AsyncWebClient, *, installations: InstallationRows, states: OAuthStates
) -> Installs:
    """The OAuth flow and installation store for these settings; `client` reaches Slack's Web API."""
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ValueError("Slack installs need LANTERN_SLACK_CLIENT_ID and LANTERN_SLACK_CLIENT_SECRET")
    client_id = settings.slack_client_id
    client_secret = settings.slack_client_secret.get_secret_value()
    store = LanternInstallationStore(installations, client_id=client_id)
    oauth_settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_url or f"{settings.base_url}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        state_store=LanternOAuthStateStore(states, expiration_seconds=STATE_SECONDS),
        state_expiration_seconds=STATE_SECONDS,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_not_installed),
    )
    # Token rotation (oauth.v2.access with a refresh token) must reach the same Web API as the rest.
    authorize = AsyncInstallationStoreAuthorize(
        logger=logging.getLogger("bot.slack.bolt"),
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        client=client,
    )
    flow = LanternOAuthFlow(allowed=settings.slack_allowed_teams, client=client, settings=oauth_settings)
    return Installs(store=store, flow=flow, authorize=authorize)
