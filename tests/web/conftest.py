"""Fixtures for tests that run Lantern's real aiohttp app on a real port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from lantern.composition import PARTS, Parts, build_app
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage.tables import VisitRow

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

ServerFactory = Callable[..., Awaitable[TestServer]]


class Running:
    """A started Lantern: its base URL, parts and an HTTP client that never follows redirects."""

    def __init__(self, server: TestServer, client: ClientSession) -> None:
        self.server = server
        self.client = client
        self.parts: Parts = server.app[PARTS]

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def shorten(self, url: str, **kwargs: Any) -> str:
        result = await self.parts.shortener.shorten(ShortenRequest(url, **kwargs))
        return result.link.slug

    async def visits(self) -> list[VisitRow]:
        async with self.parts.engine.connect() as connection:
            rows = await connection.execute(select(VisitRow).order_by(VisitRow.id))  # type: ignore[arg-type]
            return list(rows.all())  # type: ignore[arg-type]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test module wants changed (override this fixture in the module)."""
    return {}


@pytest.fixture
async def lantern(
    clean_env: None, database_url: str, aiohttp_server: ServerFactory, settings_overrides: dict[str, Any]
) -> AsyncIterator[Running]:
    chosen: dict[str, Any] = {"trusted_proxies": ("10.9.0.0/16",), "country_header": "CF-IPCountry"}
    settings = Settings(database_url=database_url, **(chosen | settings_overrides))
    if not settings.is_sqlite:
        from tracking.storage import migrate
        from tracking.storage.engine import create_engine

        engine = create_engine(database_url)
        await migrate.upgrade(engine)
        await engine.dispose()
    server = await aiohttp_server(build_app(settings))
    # A browser always sends Accept-Language; without it scanner evidence may read the test client as a bot.
    async with ClientSession(headers={"User-Agent": BROWSER, "Accept-Language": "en-GB,en;q=0.9"}) as client:
        yield Running(server, client)
