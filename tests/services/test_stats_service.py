"""The stats use case on its own, over a hand-written `StatsReader` that answers from a table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.builders import a_link
from tracking.core.channels import find_channel
from tracking.core.errors import LinkNotFound, NotFound
from tracking.core.links import Link
from tracking.core.questions.model import GroupBy, Interpretation, Metric
from tracking.core.stats_query import Query
from tracking.stats import UNIQUE_NOTE, StatsService

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, tzinfo=BERLIN)
NEXT_MONDAY = MONDAY + timedelta(days=7)
NOW = MONDAY + timedelta(days=2, hours=15)  # Wednesday afternoon


class Reader:
    """Answers `count` from the pairs a test gave per period; remembers every query it was asked."""

    def __init__(self) -> None:
        self.counts: dict[object, list[tuple[Any, int]]] = {}
        self.visitors: list[tuple[Any, str]] = []
        self.queries: list[Query] = []
        self.sharers = {"alice": 7}

    async def count(self, query: Query) -> list[tuple[Any, int]]:
        self.queries.append(query)
        return self.counts.get(query.days or query.hours, [])

    async def unique_visitors(self, query: Query, *, start: datetime, end: datetime) -> list[tuple[Any, str]]:
        self.queries.append(query)
        return [(key, h) for key, h in self.visitors if not isinstance(key, datetime) or start <= key < end]

    async def links_created(self, query: Query, *, start: datetime, end: datetime) -> list[tuple[Any, int]]:
        self.queries.append(query)
        return []

    async def find_sharer(self, name: str) -> int | None:
        return self.sharers.get(name)

    async def link_labels(self, slugs: Sequence[str]) -> dict[str, str]:
        return {slug: f"https://example.com/{slug}" for slug in slugs}

    async def sharer_names(self, handles: Sequence[str]) -> dict[str, str]:
        return {handle: handle.title() for handle in handles}


class Links:
    """The one link the tests know."""

    def __init__(self, *links: Link) -> None:
        self._links = {link.slug: link for link in links}

    async def get_by_slug(self, slug: str) -> Link | None:
        return self._links.get(slug)


def this_week(**changes: Any) -> Interpretation:
    values: dict[str, Any] = {
        "metric": Metric.CLICKS,
        "start": MONDAY,
        "end": NEXT_MONDAY,
        "period": "this week",
    }
    return Interpretation(**(values | changes))


@pytest.fixture
def reader() -> Reader:
    return Reader()


@pytest.fixture
def stats(reader: Reader) -> StatsService:
    return StatsService(reader, tz=BERLIN, links=Links(a_link(id=42, slug="spring1")))


async def test_whole_local_days_read_daily_counts_and_the_previous_period(
    stats: StatsService, reader: Reader
) -> None:
    reader.counts[(MONDAY.date(), NEXT_MONDAY.date())] = [("whatsapp", 5), ("email", 2)]
    reader.counts[(MONDAY.date() - timedelta(days=7), MONDAY.date())] = [("email", 3)]
    answer = await stats.answer(this_week(), now=NOW)
    assert (answer.total, answer.previous_total, answer.rows) == (7, 3, ())
    assert reader.queries[0] == Query(
        kinds=("click",), channels=None, days=(MONDAY.date(), NEXT_MONDAY.date())
    )


async def test_a_period_that_does_not_start_at_midnight_reads_whole_utc_hours(
    stats: StatsService, reader: Reader
) -> None:
    start = NOW - timedelta(hours=6, minutes=30)
    await stats.answer(this_week(start=start, end=NOW, period="last 6 hours"), now=NOW)
    hours = reader.queries[0].hours
    assert hours is not None and reader.queries[0].days is None
    assert hours[0] == start.astimezone(ZoneInfo("UTC")).replace(minute=0)
    assert hours[1] == NOW.astimezone(ZoneInfo("UTC"))


async def test_a_breakdown_is_sorted_labelled_and_cut_to_the_top(stats: StatsService, reader: Reader) -> None:
    reader.counts[(MONDAY.date(), NEXT_MONDAY.date())] = [("whatsapp", 5), ("email", 9), ("telegram", 0)]
    answer = await stats.answer(this_week(group_by=GroupBy.CHANNEL, top=2), now=NOW)
    email, whatsapp = find_channel("email"), find_channel("whatsapp")
    assert email is not None and whatsapp is not None
    assert [(r.key, r.label, r.value) for r in answer.rows] == [
        ("email", email.label, 9),
        ("whatsapp", whatsapp.label, 5),
    ]
    assert reader.queries[-1].group == "channel"


async def test_a_daily_series_is_zero_filled_up_to_today(stats: StatsService, reader: Reader) -> None:
    reader.counts[(MONDAY.date(), NEXT_MONDAY.date())] = [(MONDAY.date() + timedelta(days=1), 4)]
    answer = await stats.answer(this_week(group_by=GroupBy.DAY), now=NOW)
    assert [(r.key, r.value) for r in answer.rows] == [
        ("2026-11-23", 0),
        ("2026-11-24", 4),
        ("2026-11-25", 0),  # today; the rest of the week has not happened
    ]


async def test_filters_become_ids_and_a_normalised_domain(stats: StatsService, reader: Reader) -> None:
    await stats.answer(this_week(link="spring1", sharer="alice", domain="WWW.Example.com"), now=NOW)
    query = reader.queries[0]
    assert (query.link_id, query.sharer_id, query.domain) == (42, 7, "example.com")


async def test_an_unknown_link_or_sharer_is_a_clear_error(stats: StatsService) -> None:
    with pytest.raises(LinkNotFound, match="nope"):
        await stats.answer(this_week(link="nope"), now=NOW)
    with pytest.raises(NotFound, match="@bob"):
        await stats.answer(this_week(sharer="bob"), now=NOW)


async def test_unique_visitors_count_each_visitor_once_a_day(stats: StatsService, reader: Reader) -> None:
    monday_noon, tuesday = MONDAY + timedelta(hours=12), MONDAY + timedelta(days=1, hours=9)
    reader.visitors = [
        (monday_noon, "a"),
        (monday_noon + timedelta(hours=1), "a"),
        (tuesday, "a"),
        (tuesday, "b"),
    ]
    answer = await stats.answer(this_week(metric=Metric.UNIQUE_VISITORS), now=NOW)
    assert answer.total == 3
    assert answer.notes == (UNIQUE_NOTE,)
    assert reader.queries[0].kinds == ("click",)


async def test_the_time_zone_decides_the_day(reader: Reader) -> None:
    stats = StatsService(reader, tz=ZoneInfo("UTC"), links=Links())
    start = datetime(2026, 11, 23, tzinfo=ZoneInfo("UTC"))
    await stats.answer(this_week(start=start, end=start + timedelta(days=1)), now=start + timedelta(hours=5))
    assert reader.queries[0].days == (date(2026, 11, 23), date(2026, 11, 24))
