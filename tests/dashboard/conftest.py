"""A real Lantern (app on a free port, SQLite) with links and visits, for the dashboard's tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from lantern.composition import PARTS, Parts, build_app
from tests.web.conftest import BROWSER, ServerFactory
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage.accounts import SqlAccounts

WHATSAPP_PREVIEW = "WhatsApp/2.23.20.0 A"
TELEGRAM_PREVIEW = "TelegramBot (like TwitterBot)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """A running Lantern with a few links: whatsapp (3 clicks, 1 preview), email (1), telegram (2, 1)."""

    server: TestServer
    container: Parts
    base: str
    slugs: dict[str, str]

    @property
    def accounts(self) -> SqlAccounts:
        return SqlAccounts(self.container.engine, clock=self.container.clock)

    def url(self, path: str) -> str:
        return self.base + path

    async def sign_in_link(self, email: str = "ana@example.com") -> str:
        token = await self.accounts.add_user(email=email)
        return self.url(f"/dashboard/auth/{token}")

    async def share(self, name: str, question: str | None = None) -> str:
        share = await self.accounts.create_share(name=name, question=question)
        return self.url(f"/dashboard/s/{share.token}")


async def visit(client: ClientSession, url: str, user_agent: str = BROWSER, **headers: str) -> None:
    async with client.get(
        url, headers={"User-Agent": user_agent, **headers}, allow_redirects=False
    ) as answer:
        assert answer.status == 302, await answer.text()


@pytest.fixture
async def site(clean_env: None, sqlite_url: str, aiohttp_server: ServerFactory) -> Site:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=sqlite_url, base_url=base, session_secret="dashboard-tests")
    server = await aiohttp_server(build_app(settings), port=port)
    container = server.app[PARTS]
    slugs: dict[str, Any] = {}
    for channel, campaign in (("whatsapp", "spring"), ("email", "spring"), ("telegram", None)):
        result = await container.shortener.shorten(
            ShortenRequest(f"https://example.com/{channel}", channel=channel, campaign=campaign)
        )
        slugs[channel] = result.link.slug
    async with ClientSession() as client:
        for _ in range(3):
            await visit(client, f"{base}/{slugs['whatsapp']}")
        await visit(client, f"{base}/{slugs['whatsapp']}", WHATSAPP_PREVIEW)
        await visit(client, f"{base}/{slugs['email']}")
        await visit(client, f"{base}/{slugs['telegram']}", TELEGRAM_PREVIEW)
        await visit(client, f"{base}/{slugs['telegram']}", Referer="https://web.telegram.org/")
        await visit(client, f"{base}/{slugs['telegram']}")
    return Site(server, container, base, slugs)
