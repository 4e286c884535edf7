"""Attribution, limits, privacy and roll-ups through the real tracker (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, text, update
from sqlmodel import SQLModel, col

from lantern.composition import build_classifier
from tests.web.conftest import BROWSER, Running
from tracking.storage.maintenance import Reclassifier, prune_visits
from tracking.storage.tables import (
    RollupDailyRow,
    VisitorSaltRow,
    VisitRow,
)

WHATSAPP_PREVIEW = "WhatsApp/2.23.20.0 A"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


async def get(lantern: Running, slug: str, *, method: str = "GET", **headers: str) -> int:
    async with lantern.client.request(
        method, lantern.url(f"/{slug}"), allow_redirects=False, headers=headers
    ) as response:
        return response.status


async def test_preview_then_bare_clicks_are_credited_to_the_previewing_app(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/post", channel="slack")
    assert await get(lantern, slug, **{"User-Agent": WHATSAPP_PREVIEW}) == 302
    assert await get(lantern, slug) == 302
    assert await get(lantern, slug, **{"User-Agent": IPHONE}) == 302
    rows = [(v.kind, v.channel, v.evidence) for v in await lantern.visits()]
    assert rows == [
        ("preview", "whatsapp", "preview-fetcher"),
        ("click", "whatsapp", "recent-preview"),
        ("click", "whatsapp", "recent-preview"),
    ]


async def test_recent_preview_survives_a_cache_reload(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/post", channel="email")
    assert await get(lantern, slug, **{"User-Agent": "TelegramBot (like TwitterBot)"}) == 302
    lantern.parts.cache.forget(slug)  # as if another process, or the TTL, reloaded the link
    assert await get(lantern, slug) == 302
    assert [(v.kind, v.channel) for v in await lantern.visits()] == [
        ("preview", "telegram"),
        ("click", "telegram"),
    ]


async def test_bare_click_without_preview_uses_the_link_tag_then_direct(lantern: Running) -> None:
    tagged = await lantern.shorten("https://example.com/a", channel="sms")
    untagged = await lantern.shorten("https://example.com/b")
    assert await get(lantern, tagged) == 302
    assert await get(lantern, untagged) == 302
    assert [(v.channel, v.evidence) for v in await lantern.visits()] == [
        ("sms", "link-tag"),
        ("direct", "none"),
    ]


async def test_head_from_a_browser_is_a_bot(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    assert await get(lantern, slug, method="HEAD") == 302
    [visit] = await lantern.visits()
    assert (visit.kind, visit.evidence) == ("bot", "head-request")


async def test_max_clicks_ignores_previews_bots_and_head(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/once", max_clicks=1)
    for _ in range(3):
        assert await get(lantern, slug, **{"User-Agent": WHATSAPP_PREVIEW}) == 302
        assert (
            await get(
                lantern, slug, **{"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
            )
            == 302
        )
        assert await get(lantern, slug, method="HEAD") == 302
        assert await get(lantern, slug, **{"User-Agent": "curl/8.5.0"}) == 302
    assert await get(lantern, slug) == 302  # the one real click
    assert await get(lantern, slug) == 410
    assert await get(lantern, slug, **{"User-Agent": WHATSAPP_PREVIEW}) == 410
    kinds = Counter(v.kind for v in await lantern.visits())
    assert kinds == {"preview": 6, "bot": 6, "click": 1}


async def test_device_browser_os_and_country_are_stored(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    assert await get(lantern, slug, **{"User-Agent": IPHONE, "CF-IPCountry": "de"}) == 302
    [visit] = await lantern.visits()
    assert (visit.device, visit.browser, visit.os, visit.country) == ("mobile", "Mobile Safari", "iOS", "DE")
    assert visit.rules_version >= 1


async def test_unique_visitor_hash_is_stable_within_a_day_and_the_salt_is_shared(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    for agent in (BROWSER, BROWSER, IPHONE):
        assert await get(lantern, slug, **{"User-Agent": agent}) == 302
    hashes = [v.visitor_hash for v in await lantern.visits()]
    assert hashes[0] == hashes[1] != hashes[2]
    async with lantern.parts.engine.connect() as connection:
        salts = (await connection.execute(select(VisitorSaltRow))).all()
    assert len(salts) == 1 and len(salts[0].salt) == 64
    assert salts[0].salt not in str(hashes)


async def test_rollups_match_raw_visits_and_survive_prune(lantern: Running) -> None:
    a = await lantern.shorten("https://example.com/a", channel="email")
    b = await lantern.shorten("https://example.com/b", channel="whatsapp")
    for slug, agent in [(a, BROWSER), (a, BROWSER), (a, "curl/8"), (b, WHATSAPP_PREVIEW), (b, IPHONE)]:
        assert await get(lantern, slug, **{"User-Agent": agent}) == 302
    raw = Counter((v.link_id, v.kind, v.channel) for v in await lantern.visits())
    engine = lantern.parts.engine

    async def rollup(name: str) -> Counter[tuple[int, str, str]]:
        async with engine.connect() as connection:
            rows = (await connection.execute(select(SQLModel.metadata.tables[name]))).all()
        counts: Counter[tuple[int, str, str]] = Counter()
        for row in rows:
            if name != "rollup_daily_dimensions" or row.dimension == "device":
                counts[(row.link_id, row.kind, row.channel)] += row.visits
        return counts

    for name in ("rollup_hourly", "rollup_daily", "rollup_daily_dimensions"):
        assert await rollup(name) == raw
    removed = await prune_visits(engine, before=(await lantern.visits())[-1].at + timedelta(seconds=1))
    assert removed == 5
    assert await lantern.visits() == []
    assert await rollup("rollup_daily") == raw


async def test_reclassify_fixes_old_verdicts_and_their_counts(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/", channel="email")
    assert await get(lantern, slug, **{"User-Agent": WHATSAPP_PREVIEW}) == 302
    assert await get(lantern, slug) == 302
    engine = lantern.parts.engine
    async with engine.begin() as connection:  # pretend older rules called everything a direct click
        await connection.execute(
            update(VisitRow).values(kind="click", channel="direct", evidence="none", rules_version=0)
        )
        await connection.execute(text("UPDATE rollup_daily SET visits = 0"))
        await connection.execute(
            text(
                "INSERT INTO rollup_daily (link_id, day, kind, channel, visits) "
                "SELECT link_id, day, 'click', 'direct', 2 FROM rollup_daily LIMIT 1"
            )
        )
    job = Reclassifier(
        engine,
        classifier=build_classifier(lantern.parts.settings),
        tz=lantern.parts.settings.zone,
        window=timedelta(hours=24),
    )
    assert await job.count(None) == 2
    report = await job.run(None)
    assert (report.examined, report.changed, report.skipped) == (2, 2, 0)
    assert [(v.kind, v.channel, v.evidence) for v in await lantern.visits()] == [
        ("preview", "whatsapp", "preview-fetcher"),
        ("click", "whatsapp", "recent-preview"),
    ]
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(
                    col(RollupDailyRow.kind), col(RollupDailyRow.channel), func.sum(RollupDailyRow.visits)
                ).group_by(col(RollupDailyRow.kind), col(RollupDailyRow.channel))
            )
        ).all()
    assert {(k, c): n for k, c, n in rows if n} == {("preview", "whatsapp"): 1, ("click", "whatsapp"): 1}
