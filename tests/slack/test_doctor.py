"""`lantern doctor` asks Slack's Web API (the emulator) about the configured tokens.

emulate 0.8.0 answers `auth.test` with the token's user and workspace, but
does not send the `x-oauth-scopes` header Slack adds for a bot token, has no
`apps.connections.open`, and treats an unknown token as its admin user. A
stand-in in front of it adds the header (with the scopes the test grants),
answers that method, and refuses a revoked token with `invalid_auth`, as
Slack does; everything else is the emulator's answer.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from lantern.doctor import SLACK_BOT_SCOPES, Check, Status, run_checks
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN, TEAM, Emulator, read_manifest
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine

ServerFactory = Callable[..., Awaitable[TestServer]]
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
REVOKED = "xoxb-revoked"


class WebApiStandIn:
    """auth.test goes on to the emulator and comes back with Slack's scopes header."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.scopes = list(SLACK_BOT_SCOPES)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._call)
        return app

    async def _call(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        authorization = request.headers.get("Authorization", "")
        if authorization == f"Bearer {REVOKED}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "apps.connections.open":
            valid = authorization == f"Bearer {APP_TOKEN}"
            answer: dict[str, Any] = {"ok": True, "url": "wss://example.invalid/link"} if valid else {
                "ok": False, "error": "invalid_auth"}  # fmt: skip
            return web.json_response(answer)
        async with (
            ClientSession() as session,
            session.post(
                f"{self.emulator.url}/api/{method}", headers={"Authorization": authorization}
            ) as sent,
        ):
            answer = await sent.json(content_type=None)
        headers = {"x-oauth-scopes": ",".join(self.scopes)} if answer.get("ok") else {}
        return web.json_response(answer, headers=headers)


@pytest.fixture
async def stand_in(slack_emulator: Emulator, aiohttp_server: ServerFactory) -> tuple[WebApiStandIn, str]:
    peer = WebApiStandIn(slack_emulator)
    server = await aiohttp_server(peer.app())
    return peer, str(server.make_url("/api/"))


async def migrated(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    return url


def slack_checks(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks if check.name.startswith("slack")}


def test_the_scopes_checked_are_the_manifests() -> None:
    assert sorted(SLACK_BOT_SCOPES) == sorted(read_manifest()["oauth_config"]["scopes"]["bot"])


async def test_socket_mode_all_good(
    clean_env: None, tmp_path: Path, stand_in: tuple[WebApiStandIn, str]
) -> None:
    _, api_url = stand_in
    settings = Settings(
        database_url=await migrated(tmp_path),
        slack_api_url=api_url,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_allowed_teams=TEAM,
    )
    checks = await run_checks(settings)
    assert [(c.name, c.status) for c in checks if c.name != "base url"] == [
        ("database", Status.OK),
        ("slack bot token", Status.OK),
        ("slack scopes", Status.OK),
        ("slack socket mode", Status.OK),
        ("telegram", Status.OK),
    ], checks
    by_name = slack_checks(checks)
    assert by_name["slack bot token"].message == "valid: @lantern in workspace Lantern Test"
    assert by_name["slack socket mode"].status is Status.OK


async def test_each_problem_is_one_line_with_its_fix(
    clean_env: None, tmp_path: Path, stand_in: tuple[WebApiStandIn, str]
) -> None:
    peer, api_url = stand_in
    database_url = await migrated(tmp_path)
    common: dict[str, Any] = {"database_url": database_url, "slack_api_url": api_url}

    wrong_token = slack_checks(
        await run_checks(Settings(**common, slack_bot_token=REVOKED, slack_app_token=APP_TOKEN))
    )
    assert wrong_token["slack bot token"].status is Status.FAIL
    assert "invalid_auth" in wrong_token["slack bot token"].message
    assert "OAuth & Permissions" in wrong_token["slack bot token"].message

    peer.scopes = [s for s in SLACK_BOT_SCOPES if s not in {"files:write", "users:read"}]
    missing = slack_checks(
        await run_checks(Settings(**common, slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN))
    )
    assert missing["slack scopes"].status is Status.FAIL
    assert missing["slack scopes"].message.startswith("missing files:write, users:read; add them")
    peer.scopes = list(SLACK_BOT_SCOPES)

    bad_app = slack_checks(
        await run_checks(Settings(**common, slack_bot_token=BOT_TOKEN, slack_app_token="xapp-1-revoked"))
    )
    assert bad_app["slack socket mode"].status is Status.FAIL
    assert "connections:write" in bad_app["slack socket mode"].message

    other_team = slack_checks(
        await run_checks(
            Settings(**common, slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_allowed_teams="T9")
        )
    )
    assert other_team["slack allowed teams"].status is Status.FAIL
    assert TEAM in other_team["slack allowed teams"].message

    http_mode = slack_checks(
        await run_checks(Settings(**common, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET))
    )
    assert http_mode["slack http mode"].status is Status.OK
    odd_secret = slack_checks(
        await run_checks(Settings(**common, slack_bot_token=BOT_TOKEN, slack_signing_secret="hunter2"))
    )
    assert odd_secret["slack http mode"].status is Status.WARN
    assert "hunter2" not in odd_secret["slack http mode"].message  # a secret is never printed


async def test_the_command_exits_non_zero_on_a_failure(
    clean_env: None, tmp_path: Path, stand_in: tuple[WebApiStandIn, str]
) -> None:
    _, api_url = stand_in
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env |= {
        "LANTERN_DATABASE_URL": await migrated(tmp_path),
        "LANTERN_SLACK_API_URL": api_url,
        "LANTERN_SLACK_BOT_TOKEN": REVOKED,
        "LANTERN_SLACK_APP_TOKEN": APP_TOKEN,
    }
    lantern = str(Path(sys.executable).with_name("lantern"))
    process = await asyncio.create_subprocess_exec(
        lantern, "doctor", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    lines = out.decode().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "warn  base url",
        "ok    database",
        "FAIL  slack bot token",
        "ok    telegram",
    ]
    assert REVOKED not in out.decode()
    assert err.decode() == "lantern: 1 check(s) failed; each line above says how to fix it\n"
