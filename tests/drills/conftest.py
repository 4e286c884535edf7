"""Lantern's real app on a real port, set up as the drills set it up (own host, a denied domain)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from drills.hostile_urls import DENIED_HOST, OWN_HOST
from lantern.composition import PARTS, Parts, build_app
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage.api_keys import SqlApiKeys

ServerFactory = Callable[..., Awaitable[TestServer]]


@dataclass
class DrillTarget:
    """The running app, an API key for it, and a client that never follows redirects."""

    server: TestServer
    client: ClientSession
    key: str

    @property
    def parts(self) -> Parts:
        return self.server.app[PARTS]

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def shorten(self, url: str = "https://example.com/") -> str:
        return (await self.parts.shortener.shorten(ShortenRequest(url))).link.slug

    async def count(self, table: str) -> int:
        assert table in {"links", "visits"}
        async with self.parts.engine.connect() as connection:
            return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())  # noqa: S608 - constant names


@pytest.fixture
async def target(
    clean_env: None, sqlite_url: str, aiohttp_server: ServerFactory
) -> AsyncIterator[DrillTarget]:
    settings = Settings(
        database_url=sqlite_url,
        base_url=f"https://{OWN_HOST}",
        denied_domains=DENIED_HOST,
        link_rate_per_minute=0,  # judged on validity, not answered 429 (rate limits have tests of their own)
        question_rate_per_minute=0,
    )
    server = await aiohttp_server(build_app(settings))
    key = await SqlApiKeys(server.app[PARTS].engine, clock=lambda: datetime.now(UTC)).create("drills")
    async with ClientSession(headers={"Authorization": f"Bearer {key}"}) as client:
        yield DrillTarget(server, client, key)
