"""Stats end to end: traffic through the real tracker over several days, answers checked
against counts computed independently from the raw visits (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import Row, select

from lantern.composition import PARTS, Parts, build_app
from tests.web.conftest import BROWSER, ServerFactory
from tracking.core.questions.model import Answer
from tracking.core.questions.parser import parse_question
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage.tables import VisitRow

BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = datetime(2026, 12, 2, 15, 0, tzinfo=BERLIN)
FIRST_DAY = date(2026, 11, 20)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Traffic:
    parts: Parts
    visits: Sequence[Row[Any]]
    link_ids: dict[str, int]

    async def ask(self, question: str) -> Answer:
        interpretation = parse_question(question, now=AS_OF, tz=BERLIN)
        return await self.parts.stats.answer(interpretation, now=AS_OF)

    def count(
        self,
        first: date,
        after: date,
        *,
        kinds: set[str] | None = None,
        channels: set[str] | None = None,
        link: str | None = None,
    ) -> int:
        return sum(
            1
            for v in self.visits
            if first <= v.at.astimezone(BERLIN).date() < after
            and (kinds is None or v.kind in kinds)
            and (channels is None or v.channel in channels)
            and (link is None or v.link_id == self.link_ids[link])
        )


@pytest.fixture
async def traffic(clean_env: None, database_url: str, aiohttp_server: ServerFactory) -> Traffic:
    settings = Settings(database_url=database_url, timezone="Europe/Berlin")
    if not settings.is_sqlite:
        from tracking.storage import migrate
        from tracking.storage.engine import create_engine

        engine = create_engine(database_url)
        await migrate.upgrade(engine)
        await engine.dispose()
    clock = Clock(datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN))
    server: TestServer = await aiohttp_server(build_app(settings, clock=clock))
    parts: Parts = server.app[PARTS]
    shorten = parts.shortener.shorten
    links = {
        "spring": (
            await shorten(ShortenRequest("https://example.com/spring", channel="whatsapp", campaign="spring"))
        ).link,
        "news": (await shorten(ShortenRequest("https://example.com/news", channel="email"))).link,
    }
    async with ClientSession() as client:

        async def hit(link: str, when: datetime, agent: str, referrer: str = "") -> None:
            clock.now = when
            headers = {"User-Agent": agent, **({"Referer": referrer} if referrer else {})}
            async with client.get(
                server.make_url(f"/{links[link].slug}"), headers=headers, allow_redirects=False
            ) as response:
                assert response.status == 302

        for k in range((AS_OF.date() - FIRST_DAY).days + 1):
            day = datetime.combine(FIRST_DAY + timedelta(days=k), datetime.min.time(), tzinfo=BERLIN)
            await hit("spring", day + timedelta(hours=9), "WhatsApp/2.23.20.0 A")
            for n in range(k % 3 + 1):
                await hit(
                    "spring",
                    day + timedelta(hours=10, minutes=n),
                    f"{BROWSER} n{n}",
                    "https://web.whatsapp.com/",
                )
            await hit("spring", day + timedelta(hours=11), "curl/8.5.0")
            if k % 2 == 0:  # just after local midnight: still the previous day in UTC
                await hit("news", day + timedelta(minutes=30), BROWSER, "https://mail.google.com/")
            if k % 3 == 0:
                await hit(
                    "news",
                    day + timedelta(hours=12),
                    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
                )
    async with parts.engine.connect() as connection:
        rows = (await connection.execute(select(VisitRow))).all()
    return Traffic(parts, rows, {name: link.id for name, link in links.items()})


def days(first: str, after: str) -> tuple[date, date]:
    return date.fromisoformat(first), date.fromisoformat(after)


async def test_totals_and_previous_period(traffic: Traffic) -> None:
    answer = await traffic.ask("clicks last 7 days")
    assert answer.total == traffic.count(*days("2026-11-26", "2026-12-03"), kinds={"click"})
    assert answer.previous_total == traffic.count(*days("2026-11-19", "2026-11-26"), kinds={"click"})
    assert answer.total > 0 and answer.previous_total > 0


async def test_series_by_day_is_zero_filled_and_matches(traffic: Traffic) -> None:
    answer = await traffic.ask("clicks by day last 14 days")
    assert [r.key for r in answer.rows] == [
        (date(2026, 11, 19) + timedelta(days=n)).isoformat() for n in range(14)
    ]
    for row in answer.rows:
        day = date.fromisoformat(row.key)
        assert row.value == traffic.count(day, day + timedelta(days=1), kinds={"click"}), row
    assert answer.rows[0].value == 0  # before the first visit
    assert sum(r.value for r in answer.rows) == answer.total


async def test_shares_by_channel(traffic: Traffic) -> None:
    answer = await traffic.ask("shares by channel last 14 days")
    window = days("2026-11-19", "2026-12-03")
    expected = Counter(
        v.channel
        for v in traffic.visits
        if v.kind == "preview" and window[0] <= v.at.astimezone(BERLIN).date() < window[1]
    )
    assert {r.key: r.value for r in answer.rows} == dict(expected)
    assert [r.key for r in answer.rows] == [c for c, _ in expected.most_common()]
    assert answer.total == sum(expected.values())


async def test_group_filter_and_campaign_and_top(traffic: Traffic) -> None:
    window = days("2026-11-19", "2026-12-03")
    messaging = await traffic.ask("clicks from messaging last 14 days")
    assert messaging.interpretation.channels is not None and "whatsapp" in messaging.interpretation.channels
    assert messaging.total == traffic.count(*window, kinds={"click"}, channels={"whatsapp"})
    email = await traffic.ask("clicks via email last 14 days")
    assert email.total == traffic.count(*window, kinds={"click"}, channels={"email"})
    spring = await traffic.ask("clicks for campaign spring last 14 days")
    assert spring.total == traffic.count(*window, kinds={"click"}, link="spring")
    top = await traffic.ask("top 1 links last 14 days")
    assert [r.value for r in top.rows] == [spring.total]
    assert top.rows[0].label.startswith("/")


async def test_visits_include_bots_and_month_boundaries(traffic: Traffic) -> None:
    december = await traffic.ask("visits this month")
    assert december.total == traffic.count(*days("2026-12-01", "2027-01-01"))
    november = await traffic.ask("visits in november")
    assert november.total == traffic.count(*days("2026-11-01", "2026-12-01"))
    by_week = await traffic.ask("visits by week in november")
    assert sum(r.value for r in by_week.rows) == november.total
    assert by_week.rows[0].key == "2026-10-26"  # weeks start on Monday


async def test_unique_visitors_count_people_per_day(traffic: Traffic) -> None:
    answer = await traffic.ask("unique visitors last 7 days")
    window = days("2026-11-26", "2026-12-03")
    expected = {
        (v.at.astimezone(BERLIN).date(), v.visitor_hash)
        for v in traffic.visits
        if v.kind == "click" and window[0] <= v.at.astimezone(BERLIN).date() < window[1]
    }
    assert answer.total == len(expected)
    assert answer.notes


async def test_links_created(traffic: Traffic) -> None:
    assert (await traffic.ask("links created in november")).total == 2
    assert (await traffic.ask("links created this month")).total == 0


async def test_unknown_link_or_sharer_is_a_clear_error(traffic: Traffic) -> None:
    from tracking.core.errors import LinkNotFound, NotFound

    with pytest.raises(LinkNotFound):
        await traffic.ask("clicks for link zzzzzzz last 7 days")
    with pytest.raises(NotFound, match="@nobody"):
        await traffic.ask("clicks by @nobody last 7 days")
