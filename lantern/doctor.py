"""`lantern doctor`: check the configuration against the database, Slack and Telegram.

Each check asks the real peer (the database, Slack's Web API, Telegram's Bot
API) what it thinks of the configured values, and says in one line what is
wrong and how to fix it. Nothing is changed anywhere: no migration runs, no
webhook is set, no message is sent.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from tracking.settings import Settings

#: The bot scopes slack-manifest.yml asks for; a test keeps the two equal.
SLACK_BOT_SCOPES = ("commands", "chat:write", "files:write", "links:read", "links:write", "users:read")
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
TELEGRAM_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)


class Status(StrEnum):
    """How a check ended: only FAIL makes `lantern doctor` exit non-zero."""

    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: what was checked, how it went, and what to do about it."""

    name: str
    status: Status
    message: str

    def line(self) -> str:
        return f"{self.status.value:<4}  {self.name}: {self.message}"


def ok(name: str, message: str) -> Check:
    return Check(name, Status.OK, message)


def warn(name: str, message: str) -> Check:
    return Check(name, Status.WARN, message)


def fail(name: str, message: str) -> Check:
    return Check(name, Status.FAIL, message)


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def check_base_url(settings: Settings) -> list[Check]:
    """Short links must open for the people they are sent to; Telegram webhooks need public HTTPS."""
    parts = urlsplit(settings.base_url)
    host = parts.hostname or ""
    bots_on = settings.slack_bot_token is not None or settings.telegram_token is not None
    checks = []
    if _is_local(host):
        message = (
            f"{settings.base_url} only opens on this machine: fine to try Lantern, but set "
            "LANTERN_BASE_URL=https://your-public-host before sharing links"
        )
        checks.append(warn("base url", message) if bots_on else ok("base url", message))
    elif parts.scheme != "https":
        checks.append(
            warn(
                "base url",
                f"{settings.base_url} is plain http: chat apps and browsers warn about it; use https://",
            )
        )
    else:
        checks.append(ok("base url", f"short links look like {settings.base_url}/AbC12xy"))
    if settings.telegram_token is not None and settings.telegram_mode == "webhook":
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme != "https" or _is_local(host) or port not in TELEGRAM_WEBHOOK_PORTS:
            checks.append(
                fail(
                    "telegram webhook url",
                    f"Telegram only posts to public https:// addresses on ports 443, 80, 88 or 8443, not "
                    f"{settings.base_url}{TELEGRAM_WEBHOOK_PATH}; fix LANTERN_BASE_URL or set "
                    "LANTERN_TELEGRAM_MODE=polling",
                )
            )
    return checks


async def check_database(settings: Settings) -> list[Check]:
    """Reachable, and at the migration head (checked without migrating)."""
    from asyncpg import PostgresError  # raised unwrapped at connect: no such database, wrong password
    from sqlalchemy.exc import SQLAlchemyError

    from lantern.composition import sqlite_path
    from tracking.storage.engine import create_engine
    from tracking.storage.migrate import head_revisions, stored_revisions

    name = "database"
    path = sqlite_path(settings.database_url)
    if path is not None and not await asyncio.to_thread(Path(path).exists):
        return [
            fail(
                name,
                f"no SQLite file at {path} yet; `lantern db upgrade` (or `lantern serve`) creates it",
            )
        ]
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        stored = await stored_revisions(engine)
    except (OSError, SQLAlchemyError, PostgresError) as error:
        first_line = (str(error).splitlines() or [type(error).__name__])[0][:200]
        return [
            fail(name, f"cannot connect ({first_line}); check LANTERN_DATABASE_URL and that the server runs")
        ]
    finally:
        await engine.dispose()
    where = path or engine.url.render_as_string(hide_password=True)
    heads = head_revisions()
    if stored == heads:
        return [ok(name, f"{where} is reachable and at revision {', '.join(sorted(stored))}")]
    if not stored:
        return [fail(name, f"{where} is reachable but has no tables yet; run `lantern db upgrade`")]
    return [
        fail(
            name,
            f"{where} is at revision {', '.join(sorted(stored))} but this Lantern needs "
            f"{', '.join(sorted(heads))}; run `lantern db upgrade`",
        )
    ]


async def _slack_call(
    session: aiohttp.ClientSession, settings: Settings, method: str, token: str
) -> tuple[dict[str, Any], str | None]:
    """A Web API call; its JSON answer and the `x-oauth-scopes` header Slack adds for bot tokens."""
    url = settings.slack_api_url.rstrip("/") + "/" + method
    headers = {"Authorization": f"Bearer {token}"}
    async with session.post(url, headers=headers) as response:
        answer: dict[str, Any] = await response.json(content_type=None)
        return answer, response.headers.get("x-oauth-scopes")


async def check_slack(settings: Settings, session: aiohttp.ClientSession) -> list[Check]:
    """Bot token valid, scopes granted, and what the chosen mode (Socket Mode or HTTP) needs."""
    if settings.slack_bot_token is None:
        return [ok("slack", "off (LANTERN_SLACK_BOT_TOKEN is not set; see README, Add Lantern to Slack)")]
    token = settings.slack_bot_token.get_secret_value()
    checks = []
    if not token.startswith("xoxb-"):
        checks.append(
            warn(
                "slack bot token",
                "does not start with xoxb-: use the Bot User OAuth Token from OAuth & Permissions",
            )
        )
    try:
        answer, scopes_header = await _slack_call(session, settings, "auth.test", token)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return [
            *checks,
            fail(
                "slack bot token",
                f"cannot reach Slack at {settings.slack_api_url} ({error or type(error).__name__}); "
                "check the network or LANTERN_SLACK_API_URL",
            ),
        ]
    if not answer.get("ok"):
        return [
            *checks,
            fail(
                "slack bot token",
                f"Slack refused it ({answer.get('error', 'no reason given')}); copy the Bot User OAuth "
                "Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was revoked",
            ),
        ]
    team_id = str(answer.get("team_id", ""))
    checks.append(
        ok("slack bot token", f"valid: @{answer.get('user', '?')} in workspace {answer.get('team', '?')}")
    )
    if scopes_header is None:
        checks.append(warn("slack scopes", "Slack did not list the token's scopes; cannot check them"))
    else:
        granted = {scope.strip() for scope in scopes_header.split(",") if scope.strip()}
        missing = [scope for scope in SLACK_BOT_SCOPES if scope not in granted]
        if missing:
            checks.append(
                fail(
                    "slack scopes",
                    f"missing {', '.join(missing)}; add them under OAuth & Permissions → Bot Token Scopes "
                    "(or create the app from slack-manifest.yml) and reinstall the app",
                )
            )
        else:
            checks.append(ok("slack scopes", "every scope slack-manifest.yml asks for is granted"))
    if settings.slack_allowed_teams and team_id and team_id not in settings.slack_allowed_teams:
        checks.append(
            fail(
                "slack allowed teams",
                f"the token's workspace {team_id} is not in LANTERN_SLACK_ALLOWED_TEAMS, so every "
                f"command would be refused; add {team_id} or clear the setting",
            )
        )
    checks.append(await _check_slack_mode(settings, session))
    return checks


async def _check_slack_mode(settings: Settings, session: aiohttp.ClientSession) -> Check:
    if settings.slack_app_token is None:
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
        if not re.fullmatch(r"[0-9a-f]{32}", secret):
            return warn(
                "slack http mode",
                "LANTERN_SLACK_SIGNING_SECRET is not 32 hex characters like Slack's; copy it from "
                "Basic Information → App Credentials (or use Socket Mode with LANTERN_SLACK_APP_TOKEN)",
            )
        return ok(
            "slack http mode",
            "signing secret set; Slack must reach https://YOUR-HOST/slack/events "
            "(no app token, so not Socket Mode)",
        )
    app_token = settings.slack_app_token.get_secret_value()
    if not app_token.startswith("xapp-"):
        return fail(
            "slack socket mode",
            "LANTERN_SLACK_APP_TOKEN does not start with xapp-: generate an app-level token under "
            "Basic Information → App-Level Tokens with the scope connections:write",
        )
    try:
        answer, _ = await _slack_call(session, settings, "apps.connections.open", app_token)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return fail("slack socket mode", f"cannot reach Slack ({error or type(error).__name__})")
    if not answer.get("ok"):
        return fail(
            "slack socket mode",
            f"Slack refused the app-level token ({answer.get('error', 'no reason given')}); turn Socket "
            "Mode on under Settings → Socket Mode and generate a token with connections:write",
        )
    return ok("slack socket mode", "app-level token valid: Lantern will connect to Slack itself")


async def _telegram_call(
    session: aiohttp.ClientSession, settings: Settings, method: str
) -> tuple[int, dict[str, Any]]:
    assert settings.telegram_token is not None
    url = f"{settings.telegram_api_url.rstrip('/')}/bot{settings.telegram_token.get_secret_value()}/{method}"
    async with session.post(url) as response:
        return response.status, await response.json(content_type=None)


async def check_telegram(settings: Settings, session: aiohttp.ClientSession) -> list[Check]:
    """Token valid (getMe), webhook state against the configured mode, and the allow-list."""
    if settings.telegram_token is None:
        return [
            ok("telegram", "off (LANTERN_TELEGRAM_TOKEN is not set; see README, Add Lantern to Telegram)")
        ]
    try:
        status, me = await _telegram_call(session, settings, "getMe")
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return [
            fail(
                "telegram token",
                f"cannot reach Telegram at {settings.telegram_api_url} ({error or type(error).__name__}); "
                "check the network or LANTERN_TELEGRAM_API_URL",
            )
        ]
    if not me.get("ok"):
        return [
            fail(
                "telegram token",
                f"Telegram refused it ({me.get('description', f'HTTP {status}')}); copy the token again "
                "from @BotFather (/mybots → your bot → API Token)",
            )
        ]
    username = (me.get("result") or {}).get("username", "?")
    checks = [ok("telegram token", f"valid: @{username}")]
    checks.append(await _check_webhook(settings, session))
    if settings.telegram_allowed_users:
        checks.append(
            ok("telegram allowed users", f"{len(settings.telegram_allowed_users)} user id(s) may use the bot")
        )
    else:
        checks.append(
            warn(
                "telegram allowed users",
                "anyone who finds the bot can make links; set LANTERN_TELEGRAM_ALLOWED_USERS to your "
                "numeric user ids (the bot tells a refused user their id)",
            )
        )
    return checks


async def _check_webhook(settings: Settings, session: aiohttp.ClientSession) -> Check:
    expected = settings.base_url.rstrip("/") + TELEGRAM_WEBHOOK_PATH
    try:
        status, info = await _telegram_call(session, settings, "getWebhookInfo")
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return warn(
            "telegram webhook", f"cannot ask Telegram about the webhook ({error or type(error).__name__})"
        )
    if not info.get("ok"):
        return warn("telegram webhook", f"Telegram did not say ({info.get('description', f'HTTP {status}')})")
    result = info.get("result") or {}
    url = str(result.get("url") or "")
    last_error = result.get("last_error_message")
    if settings.telegram_mode == "polling":
        if url:
            return warn(
                "telegram webhook",
                f"a webhook is set ({url}) but LANTERN_TELEGRAM_MODE=polling: Lantern removes it when it "
                "starts, and whatever serves that webhook stops getting updates",
            )
        return ok("telegram webhook", "none set, as polling needs")
    if last_error:
        return warn(
            "telegram webhook",
            f"Telegram's last delivery to {url or expected} failed: {last_error}; check that it reaches "
            "Lantern through your proxy with the X-Telegram-Bot-Api-Secret-Token header",
        )
    if not url:
        return ok("telegram webhook", f"not set yet; Lantern sets it to {expected} when it starts")
    if url != expected:
        return warn(
            "telegram webhook",
            f"set to {url}; Lantern replaces it with {expected} when it starts "
            "(check that no other deployment uses this token)",
        )
    return ok("telegram webhook", f"set to {expected}")


async def run_checks(settings: Settings) -> list[Check]:
    """Every check, in the order a newcomer fixes things: the URL, the database, then the bots."""
    checks = check_base_url(settings)
    checks += await check_database(settings)
    async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
        platform_checks: list[Callable[[Settings, aiohttp.ClientSession], Awaitable[list[Check]]]] = [
            check_slack,
            check_telegram,
        ]
        for found in await asyncio.gather(*(check(settings, session) for check in platform_checks)):
            checks += found
    return checks
