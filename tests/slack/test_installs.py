"""Installing Lantern in many workspaces: `GET /slack/install`, the OAuth redirect, tokens per workspace.

Slack's side of the flow (`oauth.v2.access` and `auth.test` for the tokens
it hands out) is the peer's install stand-in; the consent page itself is a
browser step, so a test plays it by granting a code and following the
redirect with the state the install page issued.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from aiohttp import ClientSession, CookieJar
from sqlalchemy import func, select

from bot.slack.installations import LanternInstallationStore
from lantern.composition import PARTS, build_app
from tests.slack.conftest import (
    BASE_URL,
    SIGNING_SECRET,
    TEAM,
    USER,
    Grant,
    ServerFactory,
    SlackLantern,
    SlackPeer,
    migrated,
    settle,
)
from tracking.core.questions.parser import parse_question
from tracking.settings import Settings
from tracking.storage.slack_installations import SqlSlackInstallations
from tracking.storage.tables import SlackOAuthStateRow

CLIENT_ID = "1111.2222"
SECOND = "T0SECOND"
THIRD = "T0THIRD"
ORG = "E0ORG"


@pytest.fixture
async def installs(
    clean_env: None, database_url: str, aiohttp_server: ServerFactory, slack_peer: SlackPeer
) -> AsyncIterator[SlackLantern]:
    """Lantern with installs on (no single bot token); two workspaces and one org may install."""
    await migrated(database_url)
    settings = Settings(
        database_url=database_url,
        base_url=BASE_URL,
        slack_client_id=CLIENT_ID,
        slack_client_secret="not-a-secret",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_peer.url("/api/"),
        slack_allowed_teams=(TEAM, SECOND, ORG),
    )
    server = await aiohttp_server(build_app(settings))
    async with ClientSession() as client:
        yield SlackLantern(server, client, slack_peer)


def store(lantern: SlackLantern) -> LanternInstallationStore:
    rows = SqlSlackInstallations(lantern.parts.engine, clock=lantern.parts.clock)
    return LanternInstallationStore(rows, client_id=CLIENT_ID)


async def install(lantern: SlackLantern, grant: Grant, *, code: str = "") -> tuple[int, str]:
    """Open the install page, approve on "Slack", follow the redirect back: (status, page)."""
    code = code or f"code-{grant.token}"
    async with lantern.client.get(lantern.server.make_url("/slack/install"), allow_redirects=False) as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    authorize = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert authorize is not None, html
    query = parse_qs(urlsplit(authorize.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) >= {"commands", "links:write", "users:read"}
    lantern.peer.grant(code, grant)
    redirect = lantern.server.make_url(
        "/slack/oauth_redirect?" + urlencode({"code": code, "state": query["state"][0]})
    )
    async with lantern.client.get(redirect, headers={"Cookie": cookie}, allow_redirects=False) as back:
        return back.status, await back.text()


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(installs: SlackLantern) -> None:
    assert (await install(installs, Grant(TEAM, "Lantern Test", token="xoxb-first")))[0] == 200
    assert (await install(installs, Grant(SECOND, "Second Team", token="xoxb-second")))[0] == 200
    first = await store(installs).async_find_installation(enterprise_id=None, team_id=TEAM)
    second = await store(installs).async_find_installation(enterprise_id=None, team_id=SECOND)
    assert first is not None and first.bot_token == "xoxb-first"
    assert second is not None and second.bot_token == "xoxb-second" and second.bot_id == "B0LANTERN"

    sent = await installs.command("/link", "https://example.com/second for whatsapp", team=SECOND)
    assert sent.status == 200
    reply = await installs.peer.wait_for_response(sent.key)
    assert "go.lantern.test/" in str(reply)
    [lookup] = installs.peer.called("users.info")
    assert (lookup.token, lookup.args["user"]) == ("xoxb-second", USER)
    [link] = await installs.links()
    assert "utm_content=someone-at-second-team" in link.tagged_target

    sent = await installs.command("/link", "https://example.com/first", team=TEAM)
    await installs.peer.wait_for_response(sent.key)
    assert [call.token for call in installs.peer.called("users.info")] == ["xoxb-second", "xoxb-first"]


async def test_a_workspace_not_allowed_is_told_and_nothing_is_stored(installs: SlackLantern) -> None:
    status, page = await install(installs, Grant(THIRD, "Third", token="xoxb-third"))
    assert status == 403
    assert "not enabled for this workspace" in page and THIRD in page
    assert await store(installs).async_find_installation(enterprise_id=None, team_id=THIRD) is None
    sent = await installs.command("/link", "https://example.com/x", team=THIRD)
    assert sent.status == 200
    assert "xoxb-third" not in [call.token for call in installs.peer.calls if call.method != "auth.test"]
    assert await installs.link_count() == 0


async def test_a_state_is_good_once(installs: SlackLantern) -> None:
    async with installs.client.get(installs.server.make_url("/slack/install")) as page:
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([\w-]+)", html)
    assert state is not None
    installs.peer.grant("code-a", Grant(SECOND, token="xoxb-a"))
    installs.peer.grant("code-b", Grant(SECOND, token="xoxb-b"))
    url = "/slack/oauth_redirect?code={}&state=" + state.group(1)
    async with installs.client.get(
        installs.server.make_url(url.format("code-a")), headers={"Cookie": cookie}
    ) as r:
        assert r.status == 200
    async with installs.client.get(
        installs.server.make_url(url.format("code-b")), headers={"Cookie": cookie}
    ) as r:
        assert r.status in {400, 401}
    installed = await store(installs).async_find_installation(enterprise_id=None, team_id=SECOND)
    assert installed is not None and installed.bot_token == "xoxb-a"
    async with installs.parts.engine.connect() as connection:
        left = (await connection.execute(select(func.count()).select_from(SlackOAuthStateRow))).scalar_one()
    assert left == 0


async def test_an_org_wide_install_answers_every_workspace_of_the_org(installs: SlackLantern) -> None:
    grant = Grant(None, "Org", enterprise_id=ORG, is_enterprise_install=True, token="xoxb-org")
    assert (await install(installs, grant))[0] == 200
    found = await store(installs).async_find_installation(
        enterprise_id=ORG, team_id="T0ANYWHERE", is_enterprise_install=True
    )
    assert found is not None and found.bot_token == "xoxb-org"

    key, response_url = installs.peer.response_url()
    payload = {
        "team_id": "T0INORG",
        "enterprise_id": ORG,
        "is_enterprise_install": "true",
        "channel_id": "C0ORG",
        "user_id": USER,
        "user_name": "admin",
        "command": "/link",
        "text": "https://example.com/org",
        "api_app_id": "A0LANTERN",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }
    sent = await installs.post(urlencode(payload).encode(), "application/x-www-form-urlencoded")
    assert sent.status == 200
    await installs.peer.wait_for_response(key)
    assert [call.token for call in installs.peer.called("users.info")] == ["xoxb-org"]


async def test_uninstalling_removes_the_workspace(installs: SlackLantern) -> None:
    await install(installs, Grant(SECOND, token="xoxb-second"))
    event = {"type": "app_uninstalled", "event_ts": str(time.time())}
    assert (await installs.event(event, team=SECOND)).status == 200
    for _ in range(100):
        if await store(installs).async_find_installation(enterprise_id=None, team_id=SECOND) is None:
            break
        await settle()
    assert await store(installs).async_find_installation(enterprise_id=None, team_id=SECOND) is None
    assert await store(installs).async_find_bot(enterprise_id=None, team_id=SECOND) is None


async def test_revoked_bot_tokens_remove_the_bot(installs: SlackLantern) -> None:
    await install(installs, Grant(SECOND, token="xoxb-second"))
    event: dict[str, Any] = {"type": "tokens_revoked", "tokens": {"bot": ["B0LANTERN"]}, "event_ts": "1.2"}
    assert (await installs.event(event, team=SECOND)).status == 200
    for _ in range(100):
        if await store(installs).async_find_bot(enterprise_id=None, team_id=SECOND) is None:
            break
        await settle()
    assert await store(installs).async_find_bot(enterprise_id=None, team_id=SECOND) is None


async def test_an_expiring_token_is_rotated_before_use(installs: SlackLantern) -> None:
    grant = Grant(SECOND, token="xoxe.xoxb-rotating", refresh_token="xoxe-1-refresh", expires_in=60)
    await install(installs, grant)
    sent = await installs.command("/link", "https://example.com/rotated", team=SECOND)
    await installs.peer.wait_for_response(sent.key)
    refreshed = [
        c for c in installs.peer.called("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"
    ]
    assert len(refreshed) == 1 and refreshed[0].args["refresh_token"] == "xoxe-1-refresh"
    assert [call.token for call in installs.peer.called("users.info")] == ["xoxe.xoxb-rotating-renewed"]
    bot = await store(installs).async_find_bot(enterprise_id=None, team_id=SECOND)
    assert bot is not None and bot.bot_token == "xoxe.xoxb-rotating-renewed"


async def test_over_plain_http_the_browser_cookie_comes_back_and_the_install_completes(
    clean_env: None, database_url: str, aiohttp_server: ServerFactory, slack_peer: SlackPeer
) -> None:
    """A Secure state cookie would never return over http (a laptop, a test): it is not marked so there."""
    await migrated(database_url)
    settings = Settings(
        database_url=database_url,
        base_url="http://go.lantern.test",
        slack_client_id=CLIENT_ID,
        slack_client_secret="not-a-secret",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_peer.url("/api/"),
    )
    server = await aiohttp_server(build_app(settings))
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
        async with browser.get(server.make_url("/slack/install")) as page:
            assert "Secure" not in page.headers["Set-Cookie"]
            state = re.search(r"state=([\w-]+)", await page.text())
        assert state is not None
        slack_peer.grant("code-http", Grant(SECOND, token="xoxb-http"))
        back = server.make_url(
            "/slack/oauth_redirect?" + urlencode({"code": "code-http", "state": state.group(1)})
        )
        async with browser.get(back) as done:
            assert done.status == 200
    rows = SqlSlackInstallations(server.app[PARTS].engine, clock=server.app[PARTS].clock)
    found = await LanternInstallationStore(rows, client_id=CLIENT_ID).async_find_bot(
        enterprise_id=None, team_id=SECOND
    )
    assert found is not None and found.bot_token == "xoxb-http"


async def test_stats_are_shared_with_a_breakdown_by_workspace(installs: SlackLantern) -> None:
    await install(installs, Grant(TEAM, "Lantern Test", token="xoxb-first"))
    await install(installs, Grant(SECOND, "Second Team", token="xoxb-second"))
    for team, url in (
        (TEAM, "https://example.com/a"),
        (SECOND, "https://example.com/b"),
        (SECOND, "https://example.com/c"),
    ):
        sent = await installs.command("/link", url, team=team)
        await installs.peer.wait_for_response(sent.key)
    lantern = installs.parts
    now = lantern.clock()
    question = parse_question("links by workspace this week", now=now, tz=lantern.stats.tz)
    answer = await lantern.stats.answer(question, now=now)
    assert answer.total == 3  # one organisation: every workspace's links count together
    assert {row.key: row.value for row in answer.rows} == {SECOND: 2, TEAM: 1}
