"""/healthz through the real app: visits reach the database, spool behind a locked SQLite, or nothing."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from lantern.composition import PARTS, Parts, build_app
from tests.web.conftest import BROWSER, ServerFactory
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings


@pytest.fixture
async def server(clean_env: None, tmp_path: Path, aiohttp_server: ServerFactory) -> TestServer:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}", spool_dir="spool")
    return await aiohttp_server(build_app(settings))


async def get(server: TestServer, path: str) -> tuple[int, Any]:
    async with (
        ClientSession(headers={"User-Agent": BROWSER}) as client,
        client.get(server.make_url(path), allow_redirects=False) as response,
    ):
        return response.status, await response.json() if path == "/healthz" else None


async def test_a_locked_database_spools_within_about_a_second_and_health_says_so(
    server: TestServer, tmp_path: Path
) -> None:
    built: Parts = server.app[PARTS]
    slug = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
    assert (await get(server, "/healthz"))[1]["status"] == "ok"
    with closing(sqlite3.connect(tmp_path / "lantern.db", isolation_level=None)) as locker:
        locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock (a backup, a migration)
        started = time.monotonic()
        assert (await get(server, f"/{slug}"))[0] == 302
        waited = time.monotonic() - started
        status, health = await get(server, "/healthz")
        locker.execute("ROLLBACK")
    assert waited < 5, f"the redirect waited {waited:.1f} s for a locked database"  # was 90 s
    assert status == 200 and health["status"] == "spooling" and health["visits"] == "spool"
    assert health["spool"]["batches"] == 1 and health["spool"]["visits"] == 1 and health["spool"]["since"]
    for _ in range(150):
        if (await get(server, "/healthz"))[1]["status"] == "ok":
            break
        await asyncio.sleep(0.05)
    status, health = await get(server, "/healthz")
    assert status == 200 and health["spool"]["batches"] == 0 and health["spool"]["since"] is None
    with closing(sqlite3.connect(tmp_path / "lantern.db")) as reader:
        assert reader.execute("SELECT count(*) FROM visits").fetchone() == (1,)


async def test_health_is_503_only_when_neither_the_database_nor_the_spool_takes_visits(
    server: TestServer, tmp_path: Path
) -> None:
    built: Parts = server.app[PARTS]
    slug = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
    worker = tmp_path / "spool" / "worker-0"
    shutil.rmtree(worker)
    worker.write_text("not a folder any more")  # the spool cannot take a batch
    assert (await get(server, "/healthz"))[0] == 200  # the database still takes visits
    with closing(sqlite3.connect(tmp_path / "lantern.db", isolation_level=None)) as locker:
        locker.execute("BEGIN IMMEDIATE")
        assert (await get(server, f"/{slug}"))[0] == 503  # no redirect without its visit stored
        status, health = await get(server, "/healthz")
        locker.execute("ROLLBACK")
    assert status == 503 and health["status"] == "unavailable" and health["visits"] == "refused"
    worker.unlink()
    worker.mkdir()
