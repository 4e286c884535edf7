"""Fixtures that run Lantern's real app with Telegram on: against telegram-test-api (both modes)
or against a recording Bot API server (webhook mode, updates posted by the test)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.telegram import TELEGRAM_BOT, TELEGRAM_TRANSPORT, BotTransport
from bot.telegram.webhook import PATH, SECRET_HEADER
from lantern.composition import PARTS, Parts, build_app
from tests.conftest import hand_bots
from tests.telegram.emulator import (
    EmulatedUser,
    EmulatorRequest,
    SecretProxy,
    free_port,
    start_emulator,
    stop_emulator,
)
from tests.telegram.recorder import BotApiRecorder
from tracking.settings import Settings
from tracking.storage.tables import LinkRow, SharerRow, VisitRow

SECRET = "lantern-test-secret_0123456789"
ServerFactory = Callable[..., Awaitable[TestServer]]
_NODE_MODULE = Path(__file__).parents[2] / "node_modules" / "telegram-test-api"


def origin(server: TestServer) -> str:
    """http://127.0.0.1:PORT of a test server."""
    return str(server.make_url("")).rstrip("/")


def new_token() -> str:
    """A bot token of Telegram's shape; a fresh one keeps tests apart on one emulator."""
    return f"{uuid.uuid4().int % 10**9}:{uuid.uuid4().hex}"


async def prepare_database(database_url: str) -> None:
    """PostgreSQL is migrated by `lantern db upgrade`, not on start; do that for the test."""
    if database_url.startswith("sqlite"):
        return
    from tracking.storage import migrate
    from tracking.storage.engine import create_engine

    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()


class Storage:
    """Reads of what the bot stored, straight from the tables."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    async def _all(self, row: type[Any]) -> list[Any]:
        async with self.parts.engine.connect() as connection:
            result = await connection.execute(select(row).order_by(row.id))
            return list(result.all())

    async def links(self) -> list[Any]:
        return await self._all(LinkRow)

    async def sharers(self) -> list[Any]:
        return await self._all(SharerRow)

    async def visits(self) -> list[Any]:
        return await self._all(VisitRow)


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    """telegram-test-api on a free port, for the whole session (tests use different tokens)."""
    if shutil.which("node") is None or not _NODE_MODULE.is_dir():
        message = "node or node_modules/telegram-test-api is missing; run `npm ci`"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    process = start_emulator(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_emulator(process)


@dataclass
class Emulated:
    """Lantern running against the emulator, and a user who writes to it."""

    mode: str
    origin: str
    parts: Parts
    user: EmulatedUser
    proxy: SecretProxy | None
    storage: Storage

    def tracker_url(self, slug: str) -> str:
        """The short link on the test server (short links themselves name the public origin)."""
        return f"{self.origin}/{slug}"


@pytest.fixture(params=["polling", "webhook"])
async def emulated(
    request: pytest.FixtureRequest,
    clean_env: None,
    database_url: str,
    aiohttp_server: ServerFactory,
    emulator_url: str,
) -> AsyncIterator[Emulated]:
    mode: str = request.param
    token = new_token()
    options: dict[str, Any] = {
        "database_url": database_url,
        "telegram_token": token,
        "telegram_mode": mode,
        "telegram_api_url": emulator_url,
        "telegram_allowed_users": "4711",  # the emulated user; the bot is closed to everyone else
    }
    proxy = None
    if mode == "webhook":
        proxy = SecretProxy(SECRET)
        proxy_server = await aiohttp_server(proxy.app())
        options |= {"telegram_webhook_secret": SECRET, "base_url": origin(proxy_server)}
    await prepare_database(database_url)
    app = build_app(Settings(**options))
    app[TELEGRAM_TRANSPORT] = BotTransport(request=EmulatorRequest, poll_interval=0.05)
    server = await aiohttp_server(app)
    await asyncio.wait_for(server.app[TELEGRAM_BOT].started.wait(), timeout=20)
    if proxy is not None:
        proxy.target = origin(server)
    parts = server.app[PARTS]
    async with ClientSession() as session:
        user = EmulatedUser(session, emulator_url, token)
        yield Emulated(mode, origin(server), parts, user, proxy, Storage(parts))


@dataclass
class RecordedBot:
    """Lantern in webhook mode whose Bot API is a recorder; the test plays Telegram."""

    server: TestServer
    client: ClientSession
    recorder: BotApiRecorder
    parts: Parts
    storage: Storage

    def url(self, path: str) -> str:
        return origin(self.server) + path

    async def post(self, update: dict[str, Any], *, secret: str | None = SECRET) -> int:
        """POST an update to the webhook the way Telegram does; the status code."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with self.client.post(self.url(PATH), json=update, headers=headers) as response:
            return response.status


StartBot = Callable[..., Awaitable[RecordedBot]]


@pytest.fixture
async def start_bot(clean_env: None, aiohttp_server: ServerFactory) -> AsyncIterator[StartBot]:
    """Start Lantern (webhook mode) on a database, its Bot API pointed at a recorder."""
    recorder = BotApiRecorder()
    api = await aiohttp_server(recorder.app())
    async with ClientSession() as client:

        async def start(
            database_url: str, bots: dict[str, Any] | None = None, **overrides: Any
        ) -> RecordedBot:
            await prepare_database(database_url)
            settings = Settings(
                database_url=database_url,
                base_url="https://go.example.com",
                telegram_token=new_token(),
                telegram_webhook_secret=SECRET,
                telegram_api_url=origin(api),
                **({"telegram_allowed_users": "4711,4712"} | overrides),  # the recorded users
            )
            server = await aiohttp_server(hand_bots(build_app(settings), **(bots or {})))
            await asyncio.wait_for(server.app[TELEGRAM_BOT].started.wait(), timeout=20)
            parts = server.app[PARTS]
            return RecordedBot(server, client, recorder, parts, Storage(parts))

        yield start


@pytest.fixture
async def recorded(start_bot: StartBot, sqlite_url: str) -> RecordedBot:
    """The recorded bot on SQLite (for tests whose point is not storage)."""
    return await start_bot(sqlite_url)
