"""Email scanners, new apps and scanner evidence through the real tracker (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientSession

from tests.web.conftest import BROWSER, Running
from tracking.core.questions.parser import parse_question

CHROME_138 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/138.0.0.0 Safari/537.36"
)
AWS_ADDRESS = "3.1.2.3"


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    ranges = tmp_path / "ranges.json"
    ranges.write_text(
        json.dumps(
            {
                "format": "lantern-address-ranges/1",
                "date": "2026-11-30",
                "source": "test",
                "ranges": [{"network": "3.0.0.0/9", "provider": "aws", "category": "cloud"}],
            }
        )
    )
    return {
        "trusted_proxies": ("127.0.0.0/8", "::1/128"),
        "address_ranges_file": str(ranges),
        "scanner_evidence": True,
    }


async def fetch(lantern: Running, slug: str, *, method: str = "GET", **headers: str) -> int:
    """A request with exactly these headers (no browser defaults), from a chosen address."""
    async with (
        ClientSession() as bare,
        bare.request(method, lantern.url(f"/{slug}"), allow_redirects=False, headers=headers) as response,
    ):
        return response.status


async def test_real_user_agents_read_right_over_http(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/news")
    agents = {
        "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html": ("bot", "email"),
        "Mozilla/5.0 (Linux; Android 16; Pixel 10 Pro XL Build/CP1A.260305.018; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/146.0.7680.174 Mobile Safari/537.36 MetaIAB Facebook": (
            "click",
            "facebook",
        ),
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Bluesky Cardyb/1.1; "
        "+mailto:support@bsky.app) Chrome/W.X.Y.Z Safari/537.36": ("preview", "bluesky"),
        "Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)": ("bot", "direct"),
        "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/t/scrap/33984": (
            "preview",
            "kakaotalk",
        ),
    }
    for agent in agents:
        assert await fetch(lantern, slug, **{"User-Agent": agent, "Accept-Language": "en"}) == 302
    assert [(v.kind, v.channel) for v in await lantern.visits()] == list(agents.values())
    [yahoo, *_] = await lantern.visits()
    assert yahoo.rule == "yahoo-mail"


async def test_a_browser_string_from_a_cloud_without_accept_language_is_a_named_scanner(
    lantern: Running,
) -> None:
    slug = await lantern.shorten("https://example.com/offer", channel="email")
    headers = {"User-Agent": CHROME_138, "X-Forwarded-For": AWS_ADDRESS}
    assert await fetch(lantern, slug, **headers) == 302
    # The same browser string from a home network, with a browser's headers, is a person.
    assert await fetch(lantern, slug, **{"User-Agent": CHROME_138, "Accept-Language": "fr-FR"}) == 302
    scanner, person = await lantern.visits()
    assert (scanner.kind, scanner.channel, scanner.evidence) == ("bot", "email", "scanner-signals")
    assert set((scanner.rule or "").split("+")) >= {"no-lang", "cloud-net"}
    assert (person.kind, person.channel) == ("click", "email")


async def test_options_first_then_a_bare_get_is_a_scanner(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/pre")
    assert await fetch(lantern, slug, method="OPTIONS", **{"User-Agent": CHROME_138}) == 204
    assert await fetch(lantern, "nosuchslug", method="OPTIONS") == 404
    assert await fetch(lantern, slug, **{"User-Agent": CHROME_138}) == 302
    [visit] = await lantern.visits()  # OPTIONS stores nothing
    assert (visit.kind, visit.evidence) == ("bot", "scanner-signals")
    assert "preflight" in (visit.rule or "") and "no-lang" in (visit.rule or "")


async def test_a_person_clicking_many_links_fast_with_a_real_browser_stays_a_person(lantern: Running) -> None:
    slugs = [await lantern.shorten(f"https://example.com/{n}") for n in range(5)]
    for slug in slugs:  # a batch from one network within seconds, right after the links were made
        assert await lantern.client.get(
            lantern.url(f"/{slug}"), allow_redirects=False, headers={"User-Agent": BROWSER}
        )
    assert {v.kind for v in await lantern.visits()} == {"click"}


async def test_bots_by_fetcher_name_email_scanners(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/newsletter", channel="email")
    for agent in (
        "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    ):
        assert await fetch(lantern, slug, **{"User-Agent": agent}) == 302
    assert await fetch(lantern, slug, **{"User-Agent": BROWSER, "Accept-Language": "en"}) == 302
    now = datetime.now(UTC)
    answer = await lantern.parts.stats.answer(
        parse_question("bots by fetcher today", now=now, tz=ZoneInfo("UTC")), now=now
    )
    assert answer.total == 3
    assert {row.key: row.value for row in answer.rows} == {"email-scanner": 2, "search-crawler": 1}
    clicks = await lantern.parts.stats.answer(
        parse_question("clicks today", now=now, tz=ZoneInfo("UTC")), now=now
    )
    assert clicks.total == 1
