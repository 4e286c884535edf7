"""The dashboard in a real browser: Debian's Chromium driven by Playwright's Python API.

Set LANTERN_SCREENSHOTS=docs/screenshots to refresh the README's pictures.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.dashboard.conftest import Site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = os.environ.get("LANTERN_SCREENSHOTS")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="Debian's chromium is not installed (make test installs it)",
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


async def test_signed_in_tour(site: Site, browser: Browser) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base)
    page = await context.new_page()
    await page.goto(await site.sign_in_link())
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".figure-clicks .value")).to_have_text("6")
    await expect(page.locator(".figure-visitors .value")).to_have_text("1")  # fetched after the page
    await expect(page.locator("#panel-evidence")).to_contain_text("Referrer")  # so are these panels
    await expect(page.locator("#panel-devices")).to_contain_text("Desktop")
    await shot(page, "dashboard.png")

    # Click a row: the whole page filters to WhatsApp.
    await page.locator("#panel-channels").get_by_role("link", name="WhatsApp").click()
    await expect(page).to_have_url(re.compile(r"channel=whatsapp"))
    await expect(page.locator(".figure-clicks .value")).to_have_text("3")
    await expect(page.locator(".chip")).to_contain_text("WhatsApp")

    # Change the period: today still holds every visit, the filter stays.
    await page.get_by_role("link", name="Today", exact=True).click()
    await expect(page).to_have_url(re.compile(r"period=today"))
    await expect(page.locator(".figure-clicks .value")).to_have_text("3")
    await expect(page.locator(".series-table")).to_contain_text(":00")

    # Ask a question: the URL carries it, the page says how it was read.
    await page.goto(site.url("/dashboard/"))
    await page.get_by_role("searchbox", name="Ask a question").fill("clicks from messaging this week")
    await page.get_by_role("button", name="Ask", exact=True).click()
    await expect(page).to_have_url(re.compile(r"q=clicks\+from\+messaging\+this\+week"))
    await expect(page.locator(".understood")).to_contain_text("channel: messaging")
    await expect(page.locator(".figure-clicks .value")).to_have_text("5")

    # An unreadable question is said on the page.
    await page.get_by_role("searchbox", name="Ask a question").fill("how many zorglubs")
    await page.get_by_role("button", name="Ask", exact=True).click()
    await expect(page.locator(".problem")).to_contain_text("could not be read")

    # Make links for two channels, copy one, see its QR code.
    await page.get_by_role("link", name="Links", exact=True).click()
    await page.get_by_label("URL").fill("https://example.org/launch")
    await page.get_by_label("Slack").check()
    await page.get_by_label("Signal").check()
    await page.get_by_role("textbox", name="Campaign").fill("launch")
    await page.get_by_role("button", name="Make links").click()
    created = page.locator(".created li")
    await expect(created).to_have_count(2)
    short = (await created.first.locator("code.short").inner_text()).strip()
    assert short.startswith(site.base + "/")
    await created.first.get_by_role("button", name="Copy").click()
    assert await page.evaluate("navigator.clipboard.readText()") == short
    qr = created.first.locator("img.qr-small")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.naturalWidth") > 0
    await shot(page, "links.png")

    # The link's own page: numbers, QR code, disable.
    await created.first.get_by_role("link", name="Page and QR code").click()
    await expect(page.locator(".qr img")).to_be_visible()
    await page.get_by_role("button", name="Disable").click()
    await expect(page.locator(".link-card .state")).to_have_text("disabled")
    await context.close()


async def test_shared_view_signed_out_french_and_revoked(site: Site, browser: Browser) -> None:
    url = await site.share("team")
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator(".badge")).to_contain_text("lecture seule")
    await expect(page.locator("#panel-channels")).to_contain_text("WhatsApp")
    assert "Clics par canal" in await page.inner_text("body")
    await shot(page, "shared-fr.png")
    await page.goto(url + "?q=clicks+from+messaging+this+week")
    await expect(page.locator(".figure-clicks .value")).to_have_text("5")
    await site.accounts.revoke_share(name="team")
    answer = await page.goto(url)
    assert answer is not None and answer.status == 404
    await context.close()
