"""`/collect` and `/collect/share` over HTTP: only registered origins, small bodies, clear refusals."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tests.web.conftest import Running
from tracking.storage.sites import SqlSites

ORIGIN = "https://blog.example.com"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"collect_rate_per_minute": 20}


async def _site_key(lantern: Running) -> str:
    sites = SqlSites(lantern.parts.engine, clock=lantern.parts.clock)
    return (await sites.add(ORIGIN)).key


async def _post(
    lantern: Running, path: str, body: object, origin: str = ORIGIN, **headers: str
) -> tuple[int, str]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with lantern.client.post(
        lantern.url(path), data=data, headers={"Origin": origin, "Content-Type": "text/plain", **headers}
    ) as response:
        return response.status, await response.text()


async def test_a_beacon_from_the_registered_origin_is_a_stored_click(lantern: Running) -> None:
    key = await _site_key(lantern)
    beacon = {
        "site": key,
        "token": "Tok3nTok3n",
        "path": "/blog/post?utm=x",
        "referrer": "https://web.whatsapp.com/",
    }
    status, _ = await _post(lantern, "/collect", beacon)
    assert status == 204
    visits = await lantern.visits()
    assert [(v.kind, v.channel, v.evidence) for v in visits] == [
        ("click", "whatsapp", "referrer"),
        ("preview", "whatsapp", "copy"),
    ]
    assert (await _post(lantern, "/collect", beacon))[0] == 204  # the same token again: no second copy
    assert [v.kind for v in await lantern.visits()] == ["click", "preview", "click"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        ({"site": "short", "token": "Tok3nTok3n", "path": "/"}, "site must be"),
        ({"site": "K" * 20, "token": "no", "path": "/"}, "token must be"),
        ({"site": "K" * 20, "token": "Tok3nTok3n", "path": "https://evil.example/"}, "path must be"),
        ({"site": "K" * 20, "token": "Tok3nTok3n", "path": "//evil.example/"}, "path must be"),
        ({"site": "K" * 20, "token": "Tok3nTok3n", "path": "/" + "a" * 600}, "longer than"),
        (b"[" * 2_000, "not JSON"),
        (b"[" * 20_000, "larger than"),
        (b"x" * 5000, "larger than"),
    ],
)
async def test_bad_beacons_get_a_clear_400(lantern: Running, body: object, reason: str) -> None:
    status, text = await _post(lantern, "/collect", body)
    assert status == 400
    assert reason in text


async def test_unregistered_keys_and_other_origins_are_refused(lantern: Running) -> None:
    key = await _site_key(lantern)
    beacon = {"site": key, "token": "Tok3nTok3n", "path": "/"}
    status, text = await _post(lantern, "/collect", beacon, origin="https://evil.example")
    assert status == 403 and "https://blog.example.com" in text
    status, _ = await _post(lantern, "/collect", {**beacon, "site": "Z" * 20})
    assert status == 403
    assert await lantern.visits() == []


async def test_private_visitors_are_not_recorded(lantern: Running) -> None:
    key = await _site_key(lantern)
    status, _ = await _post(lantern, "/collect", {"site": key, "token": "Tok3nTok3n", "path": "/"}, DNT="1")
    assert status == 204
    assert await lantern.visits() == []


async def test_one_network_is_rate_limited(lantern: Running) -> None:
    key = await _site_key(lantern)
    statuses = [
        (await _post(lantern, "/collect", {"site": key, "token": f"Tok3nTok3n{n:03d}", "path": "/"}))[0]
        for n in range(40)
    ]
    assert 429 in statuses
    assert statuses[0] == 204


async def test_share_links_are_made_only_for_pages_of_the_site(lantern: Running) -> None:
    key = await _site_key(lantern)
    status, text = await _post(
        lantern, "/collect/share", {"site": key, "path": "/blog/post", "channel": "whatsapp"}
    )
    assert status == 200
    made = json.loads(text)
    assert made["channel"] == "whatsapp" and made["short_url"].endswith(made["slug"])
    async with lantern.client.get(lantern.url(f"/{made['slug']}"), allow_redirects=False) as response:
        assert response.headers["Location"].startswith(f"{ORIGIN}/blog/post?utm_source=whatsapp")
    status, text = await _post(
        lantern, "/collect/share", {"site": key, "path": "//evil.example/x", "channel": "sms"}
    )
    assert status == 400
    status, text = await _post(lantern, "/collect/share", {"site": key, "path": "/x", "channel": "fax"})
    assert status == 400 and "channel must be one of" in text


async def test_the_script_is_small_and_served_as_javascript(lantern: Running) -> None:
    import gzip

    async with lantern.client.get(lantern.url("/lantern.js")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/javascript")
        body = await response.read()
    assert len(gzip.compress(body, 9)) < 3 * 1024
    assert b"eval(" not in body and b"document.cookie" not in body and b"localStorage" not in body


async def test_page_visits_answer_by_page_and_for_one_page(lantern: Running) -> None:
    from datetime import timedelta

    from tracking.core.questions.model import GroupBy, Interpretation, Metric

    key = await _site_key(lantern)
    for n, path in enumerate(["/blog/a", "/blog/a", "/blog/b"]):
        status, _ = await _post(lantern, "/collect", {"site": key, "token": f"Tok3nTok3n{n}", "path": path})
        assert status == 204
    plain = await lantern.shorten("https://example.com/not-a-page", channel="sms")
    async with lantern.client.get(lantern.url(f"/{plain}"), allow_redirects=False):
        pass
    now = lantern.parts.clock()
    day = Interpretation(Metric.CLICKS, now - timedelta(hours=1), now + timedelta(hours=1), "today")
    stats = lantern.parts.stats
    by_page = await stats.answer(replace(day, group_by=GroupBy.PAGE), now=now)
    assert [(row.label, row.value) for row in by_page.rows] == [("/blog/a", 2), ("/blog/b", 1)]
    one = await stats.answer(replace(day, page="/blog/b"), now=now)
    assert one.total == 1
    everything = await stats.answer(day, now=now)
    assert everything.total == 4
    from tracking.core.questions.parser import parse_question
    from tracking.core.questions.render import answer_to_json

    asked = parse_question("clicks by page today", now=now, tz=lantern.parts.settings.zone)
    document = answer_to_json(await stats.answer(asked, now=now))
    assert document["total"] == 3  # the pages' clicks, not the short link's
    interpreted = document["interpreted"]
    assert isinstance(interpreted, dict) and interpreted["group_by"] == "page"
