"""Slack tests run Lantern's real aiohttp app and talk to it the way Slack does.

- `slack_emulator`: the `emulate` npm package's Slack Web API (from
  node_modules, on a free port, once per session), seeded with a bot token that
  holds exactly the scopes slack-manifest.yml asks for.
- `slack_peer`: a small local server that stands where Slack stands. It records
  every Web API call Lantern makes and forwards it to the emulator, answers
  itself only for the methods the emulator lacks (`chat.unfurl`,
  `apps.connections.open`), catches response_url posts, and serves a Socket
  Mode WebSocket.
- `slack`: Lantern started with the peer as its `slack_api_url`, plus helpers
  that send *signed* commands, shortcuts and events over HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import ClientSession, WSMsgType, web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from lantern.composition import PARTS, Parts, build_app
from tests.conftest import hand_bots
from tracking.settings import Settings
from tracking.storage.tables import LinkRow, VisitRow

ROOT = Path(__file__).resolve().parents[2]
EMULATE = ROOT / "node_modules" / ".bin" / "emulate"
YAML_CLI = ROOT / "node_modules" / ".bin" / "yaml"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SIGNING_SECRET = "lantern-test-signing-secret"
BOT_TOKEN = "xoxb-lantern-test"
INSPECTOR_TOKEN = "xoxp-test-inspector"
APP_TOKEN = "xapp-1-lantern-test"
TEAM = "T000000001"  # the emulator's workspace
USER = "U000000001"  # the emulator's seeded "admin" user (display name "admin")
CHANNEL = "C000000001"  # #general, public
BOT_USER = "U0LANTERN"
BASE_URL = "https://go.lantern.test"
#: How long a test waits for work Lantern does after acknowledging Slack.
WAIT_SECONDS = 10.0
#: Methods no emulator implements: the peer answers them itself.
LOCAL_METHODS = frozenset({"chat.unfurl", "apps.connections.open"})

ServerFactory = Callable[..., Awaitable[TestServer]]


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " (CI=true: Slack tests never skip)")
    pytest.skip(message)


def read_manifest() -> dict[str, Any]:
    """slack-manifest.yml, parsed by the `yaml` CLI that `npm ci` installs with emulate."""
    if not YAML_CLI.exists():
        _unavailable("node_modules/.bin/yaml is missing: run `npm ci`")
    out = subprocess.run(
        [str(YAML_CLI), "--json", "--single", "--strict"],
        input=(ROOT / "slack-manifest.yml").read_text(),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    parsed: dict[str, Any] = json.loads(out.stdout)
    return parsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Emulator:
    """The running emulator: its base URL and a token with broad scopes for checking its state."""

    url: str
    private_channel: str

    def call(self, method: str, token: str = INSPECTOR_TOKEN, **args: str) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/api/{method}",
            data=urlencode(args).encode(),
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer


def _seed(scopes: list[str]) -> dict[str, Any]:
    inspector_scopes = ["channels:read", "groups:read", "files:read", "users:read", "chat:write"]
    return {
        "slack": {
            "team": {"name": "Lantern Test", "domain": "lantern-test"},
            "users": [{"name": "alice", "real_name": "Alice Example"}],
            "channels": [{"name": "secret-plans", "is_private": True}],
            "oauth_apps": [
                {
                    "client_id": "1111.2222",
                    "client_secret": "not-a-secret",
                    "name": "Lantern",
                    "app_id": "A0LANTERN",
                    "bot_id": "B0LANTERN",
                    "bot_user_id": BOT_USER,
                    "bot_name": "lantern",
                    "redirect_uris": ["http://127.0.0.1/unused"],
                    "scopes": scopes,
                }
            ],
            "tokens": [
                {
                    "token": BOT_TOKEN,
                    "user": BOT_USER,
                    "bot_id": "B0LANTERN",
                    "bot_user_id": BOT_USER,
                    "app_id": "A0LANTERN",
                    "scopes": scopes,
                },
                {"token": INSPECTOR_TOKEN, "user": "admin", "scopes": inspector_scopes},
            ],
            "strict_scopes": True,
        }
    }


@pytest.fixture(scope="session")
def slack_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """`emulate --service slack` on a free port, for the whole session (it starts in about a second)."""
    node = shutil.which("node")
    if node is None or not EMULATE.exists():
        _unavailable("the Slack emulator needs Node and `npm ci` (node_modules/.bin/emulate)")
    scopes = read_manifest()["oauth_config"]["scopes"]["bot"]
    folder = tmp_path_factory.mktemp("emulate")
    seed = folder / "seed.json"
    seed.write_text(json.dumps(_seed(scopes)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "emulate.log").open("w")
    process = subprocess.Popen(
        [
            str(EMULATE),
            "start",
            "--service",
            "slack",
            "--port",
            str(port),
            "--seed",
            str(seed),
            "--base-url",
            url,
        ],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        emulator = _wait_until_up(url, process, folder / "emulate.log")
        yield emulator
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> Emulator:
    deadline = time.monotonic() + 30
    probe = Emulator(url, private_channel="")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Slack emulator exited:\n{log.read_text()}")
        try:
            if probe.call("auth.test").get("ok"):
                listed = probe.call("conversations.list", types="private_channel")
                private = next(c["id"] for c in listed["channels"] if c["name"] == "secret-plans")
                return Emulator(url, private_channel=private)
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the Slack emulator did not answer within 30 s:\n{log.read_text()}")


@dataclass
class ApiCall:
    """One Web API call Lantern made, and what it was answered."""

    method: str
    args: dict[str, Any]
    answer: dict[str, Any]
    token: str = ""


@dataclass
class Grant:
    """A workspace (or org) approving the app on Slack's consent page: what `oauth.v2.access` returns."""

    team_id: str | None
    team_name: str = "Second Team"
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    token: str = ""
    refresh_token: str | None = None
    expires_in: int | None = None

    def oauth_answer(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0LANTERN",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write,files:write,links:read,links:write,users:read",
            "token_type": "bot",
            "access_token": self.token,
            "bot_user_id": BOT_USER,
            "team": {"id": self.team_id, "name": self.team_name} if self.team_id else None,
            "enterprise": {"id": self.enterprise_id, "name": "Org"} if self.enterprise_id else None,
            "is_enterprise_install": self.is_enterprise_install,
        }
        if self.refresh_token is not None:
            answer |= {"refresh_token": self.refresh_token, "expires_in": self.expires_in}
        return answer

    def auth_test(self) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://second.slack.test/",
            "team": self.team_name,
            "team_id": self.team_id,
            "enterprise_id": self.enterprise_id,
            "user": "lantern",
            "user_id": BOT_USER,
            "bot_id": "B0LANTERN",
            "is_enterprise_install": self.is_enterprise_install,
        }


@dataclass
class SlackPeer:
    """Where Slack stands for Lantern in these tests (see the module docstring)."""

    emulator: Emulator
    server: TestServer | None = None
    calls: list[ApiCall] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    socket: web.WebSocketResponse | None = None
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    #: The install stand-in: codes Slack's consent page would hand out, and the tokens they became.
    grants: dict[str, Grant] = field(default_factory=dict)
    issued: dict[str, Grant] = field(default_factory=dict)
    #: Methods answered once with 429 and `Retry-After: 1`, as Slack does past a method's rate tier.
    throttle_once: set[str] = field(default_factory=set)

    def grant(self, code: str, grant: Grant) -> None:
        """Let `code` be traded for this workspace's token at `oauth.v2.access`."""
        self.grants[code] = grant

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def response_url(self) -> tuple[str, str]:
        key = uuid.uuid4().hex
        return key, self.url(f"/respond/{key}")

    def called(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    async def wait(self, condition: Callable[[], bool], what: str) -> None:
        """Wait until `condition()` holds: Bolt acknowledges first and works after the HTTP response."""
        try:
            async with asyncio.timeout(WAIT_SECONDS), self.changed:
                await self.changed.wait_for(condition)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def wait_for_call(self, method: str, count: int = 1) -> list[ApiCall]:
        await self.wait(lambda: len(self.called(method)) >= count, f"{count}× {method}")
        return self.called(method)

    async def wait_for_response(self, key: str, count: int = 1) -> dict[str, Any]:
        await self.wait(lambda: len(self.responses[key]) >= count, f"response #{count} to {key}")
        return self.responses[key][count - 1]

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    # --- the peer's HTTP side ------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        return app

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method in self.throttle_once:
            self.throttle_once.discard(method)
            self.calls.append(ApiCall(method, {}, {"ok": False, "error": "ratelimited"}))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        is_json = request.content_type == "application/json"
        if is_json and raw:
            args |= json.loads(raw)
        elif raw:
            args |= dict(parse_qsl(raw.decode()))
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else ""
        token = token or str(args.get("token") or "")
        if method == "oauth.v2.access":
            answer = self._oauth_access(args)
        elif token in self.issued:
            answer = self._as_installed_workspace(method, args, self.issued[token])
        elif method == "apps.connections.open":
            answer = {"ok": True, "url": self.url("/socket").replace("http://", "ws://")}
        elif method in LOCAL_METHODS:
            answer = {"ok": True}
        else:
            answer = await self._forward(method, args, authorization, as_json=is_json)
        self.calls.append(ApiCall(method, args, answer, token))
        await self._notify()
        return web.json_response(answer)

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's `oauth.v2.access`: a code from the consent page, or a refresh token, for a bot token."""
        if args.get("grant_type") == "refresh_token":
            for grant in list(self.issued.values()):
                if grant.refresh_token and grant.refresh_token == args.get("refresh_token"):
                    renewed = Grant(
                        **{
                            **grant.__dict__,
                            "token": grant.token + "-renewed",
                            "refresh_token": "xoxe-renewed",
                        }
                    )
                    renewed.expires_in = 43_200
                    self.issued[renewed.token] = renewed
                    return renewed.oauth_answer()
            return {"ok": False, "error": "invalid_refresh_token"}
        approved = self.grants.pop(str(args.get("code") or ""), None)
        if approved is None:
            return {"ok": False, "error": "invalid_code"}
        self.issued[approved.token] = approved
        return approved.oauth_answer()

    @staticmethod
    def _as_installed_workspace(method: str, args: dict[str, Any], grant: Grant) -> dict[str, Any]:
        """Calls made with a token the stand-in issued: the emulator knows only its own workspace."""
        if method == "auth.test":
            return grant.auth_test()
        if method == "users.info":
            name = f"Someone at {grant.team_name}"
            return {
                "ok": True,
                "user": {"id": args.get("user"), "name": "someone", "profile": {"display_name": name}},
            }
        return {"ok": True}

    async def _forward(self, method: str, args: dict[str, Any], authorization: str, *, as_json: bool) -> Any:
        """Send the call on to the emulator, always as a POST with the arguments in the body.

        emulate 0.8.0 reads arguments only from the body and registers users.info
        for POST only, while slack_sdk puts some methods' arguments in the query
        string (files.getUploadURLExternal) and calls users.info with GET.
        """
        headers = {"Authorization": authorization}
        async with ClientSession() as session:
            if as_json:
                sent = session.post(f"{self.emulator.url}/api/{method}", json=args, headers=headers)
            else:
                form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in args.items()}
                sent = session.post(f"{self.emulator.url}/api/{method}", data=form, headers=headers)
            async with sent as response:
                return await response.json(content_type=None)

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses[request.match_info["key"]].append(await request.json())
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "peer"}})
        await self._notify()
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        return socket


async def settle() -> None:
    """Give work that should NOT happen the time it would have needed."""
    await asyncio.sleep(0.4)


@pytest.fixture
async def slack_peer(slack_emulator: Emulator, aiohttp_server: ServerFactory) -> SlackPeer:
    peer = SlackPeer(slack_emulator)
    peer.server = await aiohttp_server(peer.app())
    return peer


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers: HMAC-SHA256 of `v0:{timestamp}:{raw body}`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Sent:
    """What Lantern answered over HTTP, and where its later reply will arrive."""

    status: int
    body: str
    key: str = ""

    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class SlackLantern:
    """A running Lantern with Slack on, and the requests Slack would send it."""

    def __init__(self, server: TestServer, client: ClientSession, peer: SlackPeer) -> None:
        self.server = server
        self.client = client
        self.peer = peer
        self.parts: Parts = server.app[PARTS]

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> Sent:
        sent_headers = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with self.client.post(
            self.server.make_url("/slack/events"), data=body, headers=sent_headers
        ) as r:
            return Sent(r.status, await r.text())

    def trigger_id(self) -> str:
        """A trigger id the emulator will accept once for views.open, as Slack puts in each interaction."""
        answer = self.peer.emulator.call("views.generateTriggerId", BOT_TOKEN, user_id=USER)
        return str(answer["trigger_id"])

    async def submit(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, team: str = TEAM
    ) -> Sent:
        """Submit a modal the way Slack does (`view_submission`), with `values` as its state."""
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "lantern-test"},
            "user": {"id": USER, "username": "admin", "name": "admin", "team_id": team},
            "api_app_id": "A0LANTERN",
            "trigger_id": "1.2.3",
            "view": {**view, "id": "V0FORM", "team_id": team, "state": {"values": values}},
            "is_enterprise_install": False,
        }
        return await self.post(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    async def opened_view(self, count: int = 1) -> dict[str, Any]:
        """The modal Lantern opened (views.open, as the emulator accepted it)."""
        calls = await self.peer.wait_for_call("views.open", count)
        call = calls[count - 1]
        assert call.answer["ok"] is True, call.answer
        view = call.args["view"]
        parsed: dict[str, Any] = json.loads(view) if isinstance(view, str) else view
        return parsed

    def command_body(
        self,
        command: str,
        text: str,
        *,
        team: str = TEAM,
        channel: str = CHANNEL,
        channel_name: str = "general",
    ) -> tuple[str, bytes]:
        key, response_url = self.peer.response_url()
        payload = {
            "token": "deprecated-verification-token",
            "team_id": team,
            "team_domain": "lantern-test",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": USER,
            "user_name": "admin",
            "command": command,
            "text": text,
            "api_app_id": "A0LANTERN",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self.trigger_id(),
        }
        return key, urlencode(payload).encode()

    async def command(
        self,
        command: str,
        text: str,
        *,
        team: str = TEAM,
        channel: str = CHANNEL,
        channel_name: str = "general",
    ) -> Sent:
        key, body = self.command_body(command, text, team=team, channel=channel, channel_name=channel_name)
        sent = await self.post(body, "application/x-www-form-urlencoded")
        sent.key = key
        return sent

    async def shortcut(self, message: dict[str, Any], *, team: str = TEAM) -> Sent:
        key, response_url = self.peer.response_url()
        payload = {
            "type": "message_action",
            "callback_id": "get_tracked_link",
            "trigger_id": self.trigger_id(),
            "response_url": response_url,
            "team": {"id": team, "domain": "lantern-test"},
            "user": {"id": USER, "username": "admin", "name": "admin", "team_id": team},
            "channel": {"id": CHANNEL, "name": "general"},
            "message_ts": "1700000000.000100",
            "message": {"type": "message", "user": USER, "ts": "1700000000.000100", **message},
            "is_enterprise_install": False,
            "enterprise": None,
        }
        sent = await self.post(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )
        sent.key = key
        return sent

    def event_body(self, event: dict[str, Any], *, team: str = TEAM) -> bytes:
        envelope = {
            "token": "deprecated-verification-token",
            "team_id": team,
            "api_app_id": "A0LANTERN",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }
        return json.dumps(envelope).encode()

    async def event(
        self, event: dict[str, Any], *, team: str = TEAM, headers: dict[str, str] | None = None
    ) -> Sent:
        return await self.post(self.event_body(event, team=team), "application/json", headers=headers)

    async def link_count(self) -> int:
        async with self.parts.engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(LinkRow))).scalar_one())

    async def links(self) -> list[LinkRow]:
        async with self.parts.engine.connect() as connection:
            rows = await connection.execute(select(LinkRow).order_by(LinkRow.id))  # type: ignore[arg-type]
            return list(rows.all())  # type: ignore[arg-type]

    async def visits(self, kind: str | None = None) -> list[VisitRow]:
        async with self.parts.engine.connect() as connection:
            rows = await connection.execute(select(VisitRow).order_by(VisitRow.id))  # type: ignore[arg-type]
            return [row for row in rows.all() if kind is None or row.kind == kind]  # type: ignore[misc]

    async def wait_for_visits(self, kind: str, count: int) -> list[VisitRow]:
        """Visits are written in batches after the redirect is sent: wait until `count` are stored."""
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while len(found := await self.visits(kind)) < count:  # noqa: ASYNC110  # a database cannot notify
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {count} {kind} visits") from None
        return found


async def migrated(database_url: str) -> None:
    """PostgreSQL databases are migrated by `lantern db upgrade`; SQLite migrates itself on open."""
    if database_url.startswith("sqlite"):
        return
    from tracking.storage import migrate
    from tracking.storage.engine import create_engine

    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()


@pytest.fixture
def slack_settings() -> dict[str, Any]:
    """Settings a test module wants changed (override in the module)."""
    return {}


@pytest.fixture
def slack_bots() -> dict[str, Any]:
    """Bot dependencies a test wants replaced (parametrize it, e.g. with a failing stats service)."""
    return {}


@pytest.fixture
async def slack(
    clean_env: None,
    database_url: str,
    aiohttp_server: ServerFactory,
    slack_peer: SlackPeer,
    slack_settings: dict[str, Any],
    slack_bots: dict[str, Any],
) -> AsyncIterator[SlackLantern]:
    """Lantern with Slack over HTTP, its Web API pointed at the peer, one allowed workspace."""
    await migrated(database_url)
    options: dict[str, Any] = {
        "database_url": database_url,
        "base_url": BASE_URL,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack_peer.url("/api/"),
        "slack_allowed_teams": (TEAM,),
    }
    server = await aiohttp_server(hand_bots(build_app(Settings(**(options | slack_settings))), **slack_bots))
    async with ClientSession() as client:
        yield SlackLantern(server, client, slack_peer)
