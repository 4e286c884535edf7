"""Copy-and-paste capture in a real browser: Debian's Chromium, a test site on another port, the real tag."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from sqlalchemy import select
from sqlmodel import col

from lantern.composition import PARTS, Parts, build_app
from tracking.settings import Settings
from tracking.storage.sites import SqlSites
from tracking.storage.tables import LinkRow, VisitRow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TELEGRAM_IN_APP = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.135 Mobile Safari/537.36 "
    "Telegram-Android/11.5.3 (Google Pixel 8; Android 14; SDK 34; HIGH)"
)

#: What a person's desktop Chrome sends (headless Chromium names itself, and is rightly counted as a bot).
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="Debian's chromium is not installed (make test installs it)",
)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post worth sharing</title>
<meta http-equiv="Content-Security-Policy"
 content="default-src 'self'; script-src {lantern}; connect-src {lantern}">
<script defer src="{lantern}/lantern.js" data-site="{key}" data-copy="true"></script></head>
<body><article><h1>A post worth sharing</h1><p id="text">Dark social is the sharing that analytics
tools cannot see, because it happens in private chats, mails and text messages.</p></article>
<div data-lantern-share></div></body></html>"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class World:
    lantern: str
    site: str
    stranger: str
    parts: Parts

    async def visits(self) -> list[tuple[str, str, str, str]]:
        """(page path, kind, channel, evidence) of every stored page visit."""
        statement = (
            select(col(LinkRow.target), col(VisitRow.kind), col(VisitRow.channel), col(VisitRow.evidence))
            .join(LinkRow, col(LinkRow.id) == col(VisitRow.link_id))
            .where(col(LinkRow.slug).startswith("~"))
            .order_by(col(VisitRow.id))
        )
        async with self.parts.engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            (target.split("/", 3)[-1], kind, channel, evidence) for target, kind, channel, evidence in rows
        ]

    async def wait_for_visits(self, count: int) -> list[tuple[str, str, str, str]]:
        for _ in range(100):
            found = await self.visits()
            if len(found) >= count:
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"{len(await self.visits())} page visits stored, {count} expected")


def _site_app(lantern: str, key: str) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE.format(lantern=lantern, key=key), content_type="text/html")

    app = web.Application()
    app.router.add_get("/blog/{name}", page)
    return app


@pytest.fixture
async def world(clean_env: None, sqlite_url: str) -> AsyncIterator[World]:
    port = _free_port()
    lantern = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=sqlite_url, base_url=lantern)
    app = build_app(settings)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    parts = app[PARTS]
    site_port = _free_port()
    site_origin = f"http://127.0.0.1:{site_port}"
    registered = await SqlSites(parts.engine, clock=parts.clock).add(site_origin)
    site = TestServer(_site_app(lantern, registered.key), host="127.0.0.1", port=site_port)
    stranger = TestServer(_site_app(lantern, registered.key), host="127.0.0.1", port=_free_port())
    await site.start_server()
    await stranger.start_server()
    yield World(lantern, site_origin, f"http://127.0.0.1:{stranger.port}", parts)
    await stranger.close()
    await site.close()
    await server.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


async def _until(page: Page, condition: str, seconds: float = 10.0) -> None:
    """Poll a condition with `evaluate` (the test page's strict CSP refuses wait_for_function's eval)."""
    for _ in range(int(seconds / 0.05)):
        if await page.evaluate(condition):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {condition}")


async def _token_after_view(context: BrowserContext, url: str) -> str:
    page = await context.new_page()
    await page.goto(url)
    await _until(page, "location.hash.startsWith('#lt=')")
    return str(await page.evaluate("location.hash"))[4:]


async def test_a_page_view_gets_a_token_and_sends_nothing(world: World, browser: Browser) -> None:
    context = await browser.new_context(user_agent=DESKTOP)
    token = await _token_after_view(context, f"{world.site}/blog/post")
    assert token.isalnum() and 8 <= len(token) <= 32
    await asyncio.sleep(0.5)
    assert await world.visits() == []
    await context.close()


async def test_a_copied_address_opened_elsewhere_is_a_dark_social_click(
    world: World, browser: Browser
) -> None:
    reader = await browser.new_context(user_agent=DESKTOP)
    token = await _token_after_view(reader, f"{world.site}/blog/post")
    friend = await browser.new_context(
        user_agent=DESKTOP
    )  # a fresh browser, no referrer: the address came by chat or mail
    page = await friend.new_page()
    await page.goto(f"{world.site}/blog/post#lt={token}")
    visits = await world.wait_for_visits(2)
    assert visits[0] == ("blog/post", "click", "direct", "none")
    assert visits[1] == ("blog/post", "preview", "direct", "copy")
    await _until(page, f"location.hash.startsWith('#lt=') && location.hash !== '#lt={token}'")
    await page.reload()  # the friend's own token now: a reload is not a share
    await asyncio.sleep(0.5)
    assert len(await world.visits()) == 2
    await reader.close()
    await friend.close()


async def test_telegram_in_app_browser_counts_for_telegram(world: World, browser: Browser) -> None:
    context = await browser.new_context(user_agent=TELEGRAM_IN_APP)
    page = await context.new_page()
    await page.goto(f"{world.site}/blog/post#lt=AbCdEf123456")
    visits = await world.wait_for_visits(1)
    assert visits[0][:3] == ("blog/post", "click", "telegram")
    await context.close()


async def test_share_buttons_give_tagged_short_links(world: World, browser: Browser) -> None:
    context = await browser.new_context(user_agent=DESKTOP)
    page = await context.new_page()
    await page.goto(f"{world.site}/blog/post")
    button = page.locator("button[data-channel=email]")
    await button.wait_for()
    page.on("framenavigated", lambda frame: None)
    await page.route("mailto:*", lambda route: route.abort())
    await button.click()
    await _until(page, "!!document.querySelector('button[data-channel=email]').dataset.shortUrl")
    short_url = await button.get_attribute("data-short-url")
    assert short_url is not None and short_url.startswith(world.lantern + "/")
    slug = short_url.rsplit("/", 1)[1]
    async with world.parts.engine.connect() as connection:
        tagged = (
            await connection.execute(select(col(LinkRow.tagged_target)).where(col(LinkRow.slug) == slug))
        ).scalar_one()
    assert tagged.startswith(f"{world.site}/blog/post?")
    assert "utm_source=email" in tagged
    labels = await page.locator("button.lantern-share").all_inner_texts()
    assert labels == ["WhatsApp", "Telegram", "Email", "SMS", "Copy link"]
    await context.close()


async def test_a_page_on_an_unregistered_origin_is_refused(world: World, browser: Browser) -> None:
    context = await browser.new_context(user_agent=DESKTOP)
    page = await context.new_page()
    answers: list[int] = []
    page.on(
        "response", lambda response: answers.append(response.status) if "/collect" in response.url else None
    )
    await page.goto(f"{world.stranger}/blog/post#lt=AbCdEf123456")
    await asyncio.sleep(1.0)
    assert await world.visits() == []
    await context.close()


async def test_nothing_is_sent_when_the_reader_asks_not_to_be_tracked(world: World, browser: Browser) -> None:
    for flag in ("Object.defineProperty(navigator, 'doNotTrack', {get: () => '1'})",
                 "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"):  # fmt: skip
        context = await browser.new_context(user_agent=DESKTOP)
        await context.add_init_script(flag)
        page = await context.new_page()
        await page.goto(f"{world.site}/blog/post#lt=AbCdEf123456")
        await asyncio.sleep(0.5)
        assert await page.evaluate("location.hash") == "#lt=AbCdEf123456"  # untouched
        await context.close()
    assert await world.visits() == []
