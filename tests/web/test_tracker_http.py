"""The tracker through the real aiohttp app on a real port, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import ClientSession
from yarl import URL

from lantern.composition import PARTS, Parts, build_app
from tests.web.conftest import BROWSER, Running, ServerFactory
from tracking.core.errors import ConfigError
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings


async def test_redirect_goes_to_the_tagged_target_and_stores_the_visit(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/a?x=1#top", channel="whatsapp", campaign="spring")
    async with lantern.client.get(
        lantern.url(f"/{slug}"), allow_redirects=False, headers={"Referer": "https://web.whatsapp.com/"}
    ) as response:
        assert response.status == 302
        assert response.headers["Location"] == (
            "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring#top"
        )
        assert response.headers["Cache-Control"] == "private, no-store"
    [visit] = await lantern.visits()
    assert (visit.kind, visit.method, visit.channel) == ("click", "GET", "whatsapp")
    assert visit.user_agent == BROWSER
    assert visit.referrer == "https://web.whatsapp.com/"
    assert visit.ip_prefix == "127.0.0.0/24"
    assert visit.visitor_hash and len(visit.visitor_hash) == 32


async def test_head_is_a_bot_visit_and_still_redirects(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    async with lantern.client.head(lantern.url(f"/{slug}"), allow_redirects=False) as response:
        assert response.status == 302
    [visit] = await lantern.visits()
    assert (visit.kind, visit.method) == ("bot", "HEAD")


async def test_script_user_agent_is_a_bot(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    async with lantern.client.get(
        lantern.url(f"/{slug}"), allow_redirects=False, headers={"User-Agent": "curl/8.5.0"}
    ) as response:
        assert response.status == 302
    assert [v.kind for v in await lantern.visits()] == ["bot"]


async def test_query_of_the_short_url_is_forwarded(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/p?a=1#f")
    raw = URL(lantern.url(f"/{slug}") + "?ref=newsletter&b=%2F", encoded=True)
    async with lantern.client.get(raw, allow_redirects=False) as response:
        assert response.headers["Location"] == "https://example.com/p?a=1&ref=newsletter&b=%2F#f"


async def test_unknown_slug_is_404_with_a_small_page(lantern: Running) -> None:
    for path in ("/nosuch1", "/favicon.ico", "/x"):
        async with lantern.client.get(lantern.url(path), allow_redirects=False) as response:
            assert response.status == 404
            assert "Link not found" in await response.text()
    assert await lantern.visits() == []


async def test_disabled_and_expired_links_are_410(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/d")
    await lantern.parts.shortener.set_disabled(slug, disabled=True)
    lantern.parts.cache.forget(slug)
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False) as response:
        assert response.status == 410
        assert "disabled" in await response.text()
    soon = datetime.now(UTC) + timedelta(seconds=1)
    expiring = await lantern.shorten("https://example.com/e", expires_at=soon)
    async with lantern.client.get(lantern.url(f"/{expiring}"), allow_redirects=False) as response:
        assert response.status == 302
    await asyncio.sleep(1.1)
    async with lantern.client.get(lantern.url(f"/{expiring}"), allow_redirects=False) as response:
        assert response.status == 410
        assert "expired" in await response.text()


async def test_forwarded_for_is_believed_only_from_trusted_proxies(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    async with lantern.client.get(
        lantern.url(f"/{slug}"), allow_redirects=False, headers={"X-Forwarded-For": "203.0.113.77"}
    ) as response:
        assert response.status == 302
    [visit] = await lantern.visits()
    assert visit.ip_prefix == "127.0.0.0/24"  # the peer is not a trusted proxy


async def test_do_not_track_keeps_no_personal_data(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    for header in ({"DNT": "1"}, {"Sec-GPC": "1"}):
        async with lantern.client.get(
            lantern.url(f"/{slug}"),
            allow_redirects=False,
            headers={**header, "Referer": "https://mail.google.com/"},
        ) as response:
            assert response.status == 302
    visits = await lantern.visits()
    assert len(visits) == 2
    for visit in visits:
        assert (visit.ip_prefix, visit.user_agent, visit.referrer, visit.visitor_hash) == (None,) * 4
        assert visit.private and visit.kind == "click" and visit.channel == "email"


async def test_concurrent_requests_share_batches_and_none_is_lost(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")

    async def hit(i: int) -> int:
        async with lantern.client.get(lantern.url(f"/{slug}?i={i}"), allow_redirects=False) as response:
            return response.status

    statuses = await asyncio.gather(*(hit(i) for i in range(200)))
    assert statuses == [302] * 200
    assert len(await lantern.visits()) == 200
    assert lantern.parts.committer.batches_written < 200


async def test_healthz_checks_the_database(lantern: Running) -> None:
    async with lantern.client.get(lantern.url("/healthz")) as response:
        assert response.status == 200
        assert (await response.json())["database"] == "ok"


async def test_redirect_status_307_is_honoured(
    clean_env: None, sqlite_url: str, aiohttp_server: ServerFactory
) -> None:
    server = await aiohttp_server(build_app(Settings(database_url=sqlite_url, redirect_status=307)))
    parts: Parts = server.app[PARTS]
    slug = (await parts.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
    async with ClientSession() as client, client.get(server.make_url(f"/{slug}"), allow_redirects=False) as r:
        assert r.status == 307


def test_an_in_memory_database_is_refused_before_anything_starts() -> None:
    """The visit writer needs its own connection to the same database, which `:memory:` cannot give."""
    with pytest.raises(ConfigError, match="in-memory SQLite"):
        build_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))


async def test_metrics_count_answers_and_batches(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    for path in (f"/{slug}", f"/{slug}", "/missing1"):
        async with lantern.client.get(lantern.url(path), allow_redirects=False):
            pass
    async with lantern.client.get(lantern.url("/metrics")) as response:
        assert response.status == 200
        text = await response.text()
    assert 'lantern_redirects_total{status="302"} 2.0' in text
    assert 'lantern_redirects_total{status="404"} 1.0' in text
    assert "lantern_visits_written_total 2.0" in text
    assert "lantern_link_cache_hits_total" in text
