"""Abuse limits through the real app (issue #8): link creation per API key, 404 floods per network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from lantern.composition import build_app
from tests.web.conftest import BROWSER, Running, ServerFactory
from tracking.settings import Settings
from tracking.storage.api_keys import SqlApiKeys

FLOODER = "203.0.113.7"
NEIGHBOUR = "203.0.113.200"  # same /24 as the flooder
SOMEONE_ELSE = "198.51.100.9"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # slow refills, so a slow test machine cannot earn a request back mid-test
    return {
        "link_rate_per_minute": 6,
        "link_rate_burst": 3,
        "not_found_rate_per_minute": 1,
        "not_found_burst": 3,
    }


async def new_key(lantern: Running, name: str) -> str:
    return await SqlApiKeys(lantern.parts.engine, clock=lambda: datetime.now(UTC)).create(name)


async def post_link(lantern: Running, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
    async with lantern.client.post(
        lantern.url("/api/v1/links"), json=body, headers={"Authorization": f"Bearer {key}"}
    ) as response:
        return response.status, await response.json(), response.headers.get("Retry-After", "")


async def test_api_link_creation_past_the_burst_is_429_and_other_keys_go_on(lantern: Running) -> None:
    ci, other = await new_key(lantern, "ci"), await new_key(lantern, "other")
    for n in range(3):
        status, _, _ = await post_link(lantern, ci, {"url": f"https://example.com/{n}"})
        assert status == 201
    status, body, retry_after = await post_link(lantern, ci, {"url": "https://example.com/too-many"})
    assert status == 429
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 10  # 6 a minute: one every 10 s
    assert body["error"] == "rate_limited"
    assert body["retry_after"] == int(retry_after)
    assert body["message"] == f"slow down: you can make 6 links a minute; try again in {retry_after} s"
    status, body, _ = await post_link(
        lantern, ci, {"url": "https://example.com/more", "channels": ["whatsapp", "email"]}
    )
    assert (status, body["error"]) == (429, "rate_limited")

    status, _, _ = await post_link(lantern, other, {"url": "https://example.com/too-many"})
    assert status == 201  # another key has its own allowance
    async with lantern.client.get(
        lantern.url("/api/v1/stats"), params={"q": "links today"}, headers={"Authorization": f"Bearer {ci}"}
    ) as response:
        assert response.status == 200  # only link creation is limited


async def test_asking_again_for_the_same_link_does_not_use_the_allowance(lantern: Running) -> None:
    ci = await new_key(lantern, "ci")
    body = {"url": "https://example.com/same", "channel": "email"}
    statuses = [(await post_link(lantern, ci, body))[0] for _ in range(10)]
    assert statuses == [201] + [200] * 9
    status, _, _ = await post_link(lantern, ci, {"url": "https://example.com/new"})
    assert status == 201


async def test_links_made_without_a_sharer_or_key_are_not_limited(lantern: Running) -> None:
    slugs = {await lantern.shorten(f"https://example.com/{n}") for n in range(10)}  # the CLI's way
    assert len(slugs) == 10


# --- 404 floods -------------------------------------------------------------------------------


@pytest.fixture
async def proxied(clean_env: None, tmp_path: Path, aiohttp_server: ServerFactory) -> AsyncIterator[Running]:
    """Lantern behind a proxy on 127.0.0.1, so X-Forwarded-For names the visitor."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        trusted_proxies=("127.0.0.1/32",),
        not_found_rate_per_minute=6,  # one unknown slug back every 10 s
        not_found_burst=5,
    )
    server = await aiohttp_server(build_app(settings))
    async with ClientSession(headers={"User-Agent": BROWSER}) as client:
        yield Running(server, client)


async def fetch(lantern: Running, path: str, visitor: str, method: str = "GET") -> tuple[int, str, str]:
    async with lantern.client.request(
        method, lantern.url(path), allow_redirects=False, headers={"X-Forwarded-For": visitor}
    ) as response:
        return response.status, response.headers.get("Retry-After", ""), await response.text()


async def test_a_404_flood_gets_429_but_real_links_and_other_visitors_are_untouched(
    proxied: Running,
) -> None:
    real = await proxied.shorten("https://example.com/real")
    statuses = [(await fetch(proxied, f"/nosuch{n}", FLOODER))[0] for n in range(5)]
    assert statuses == [404] * 5

    status, retry_after, page = await fetch(proxied, "/nosuch99", FLOODER)
    assert status == 429
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 10
    assert "Slow down" in page
    assert (await fetch(proxied, "/favicon.ico", FLOODER))[0] == 429  # not even a slug: still counted
    status, retry_after, page = await fetch(proxied, "/nosuch99", FLOODER, "HEAD")
    assert (status, page) == (429, "") and retry_after.isdigit()
    assert (await fetch(proxied, "/nosuch1", NEIGHBOUR))[0] == 429  # the flooder's /24 shares its limit

    # A flooding network is answered from memory only: a link not in the cache gets 429 too,
    # so the flood never reaches the database; links in memory still redirect.
    fresh = await proxied.shorten("https://example.com/fresh")
    assert (await fetch(proxied, f"/{fresh}", FLOODER))[0] == 429
    assert (await fetch(proxied, f"/{real}", SOMEONE_ELSE))[0] == 302
    status, _, _ = await fetch(proxied, f"/{real}", FLOODER)
    assert status == 302  # a throttled network still reaches links in memory
    assert (await fetch(proxied, "/nosuch1", SOMEONE_ELSE))[0] == 404

    visits = await proxied.visits()
    assert sorted(str(v.ip_prefix) for v in visits) == ["198.51.100.0/24", "203.0.113.0/24"]
    async with proxied.client.get(proxied.url("/metrics")) as response:
        text = await response.text()
    assert 'lantern_redirects_total{status="429"} 5.0' in text

    assert 'lantern_redirects_total{status="404"} 6.0' in text


async def test_ipv6_visitors_are_limited_per_48(proxied: Running) -> None:
    for n in range(5):
        assert (await fetch(proxied, f"/nosuch{n}", "2001:db8:1:2::1"))[0] == 404
    assert (await fetch(proxied, "/nosuch5", "2001:db8:1:ffff::9"))[0] == 429  # same /48
    assert (await fetch(proxied, "/nosuch5", "2001:db8:2::1"))[0] == 404  # another /48


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(lantern: Running) -> None:
    """Here 127.0.0.1 is no trusted proxy: a made-up X-Forwarded-For cannot dodge the limit."""
    statuses = []
    for n in range(4):
        async with lantern.client.get(
            lantern.url(f"/nosuch{n}"), allow_redirects=False, headers={"X-Forwarded-For": f"192.0.2.{n}"}
        ) as response:
            statuses.append(response.status)
    assert statuses == [404, 404, 404, 429]


async def test_limits_can_be_turned_off(
    clean_env: None, tmp_path: Path, aiohttp_server: ServerFactory
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        not_found_rate_per_minute=0,
        link_rate_per_minute=0,
        not_found_burst=1,
        link_rate_burst=1,
    )
    server = await aiohttp_server(build_app(settings))
    async with ClientSession() as client:
        running = Running(server, client)
        for n in range(5):
            async with client.get(running.url(f"/nosuch{n}"), allow_redirects=False) as response:
                assert response.status == 404
        key = await new_key(running, "ci")
        for n in range(5):
            assert (await post_link(running, key, {"url": f"https://example.com/{n}"}))[0] == 201


def test_defaults(clean_env: None) -> None:
    settings = Settings()
    assert (settings.link_rate_per_minute, settings.link_rate_burst) == (30, 10)
    assert (settings.not_found_rate_per_minute, settings.not_found_burst) == (120, 30)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for row in (
        "| `LANTERN_LINK_RATE_PER_MINUTE` | `30` |",
        "| `LANTERN_LINK_RATE_BURST` | `10` |",
        "| `LANTERN_NOT_FOUND_RATE_PER_MINUTE` | `120` |",
        "| `LANTERN_NOT_FOUND_BURST` | `30` |",
    ):
        assert row in readme
