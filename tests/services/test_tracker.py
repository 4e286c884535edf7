"""The redirect use case on its own: hand-written links, salts and a list for the recorded visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import AT, a_link
from tracking.core.attribution import Classifier, Evidence, VisitKind
from tracking.core.links import Link
from tracking.core.rate_limits import RateLimiter
from tracking.core.visits import PrivacyPolicy, Visit, VisitBuilder, VisitRequest
from tracking.link_cache import CachedLink, LinkCache
from tracking.tracker import DailySalts, NotFoundThrottle, Tracker

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
WHATSAPP = "WhatsApp/2.23.20.0 A"


def request(user_agent: str = BROWSER, *, method: str = "GET", peer_ip: str = "203.0.113.9") -> VisitRequest:
    return VisitRequest(method=method, user_agent=user_agent, referrer="", peer_ip=peer_ip)


class Recorded:
    """The tracker's `record` and `reserve_click`: visits in a list, clicks against a budget."""

    def __init__(self, clicks_left: int = 1_000) -> None:
        self.visits: list[Visit] = []
        self.clicks_left = clicks_left

    async def record(self, visit: Visit) -> None:
        self.visits.append(visit)

    async def reserve_click(self, _link_id: int) -> bool:
        self.clicks_left -= 1
        return self.clicks_left >= 0


async def fixed_salt(_day: date) -> str:
    return "salt"


def tracker_for(
    links: dict[str, Link], recorded: Recorded, *, throttle: NotFoundThrottle | None = None
) -> Tracker:
    async def load(slug: str) -> CachedLink:
        return CachedLink(links.get(slug))

    return Tracker(
        cache=LinkCache(load, size=16, ttl=60),
        builder=VisitBuilder(classifier=Classifier(), privacy=PrivacyPolicy()),
        record=recorded.record,
        reserve_click=recorded.reserve_click,
        salts=DailySalts(fixed_salt),
        clock=lambda: AT,
        preview_window=timedelta(hours=24),
        not_found_throttle=throttle,
    )


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


async def test_a_known_link_redirects_to_its_tagged_target_and_records_the_click(recorded: Recorded) -> None:
    tracker = tracker_for({"abc1234": a_link()}, recorded)
    outcome = await tracker.visit("abc1234", request(), "ref=news")
    assert (outcome.status, outcome.location) == (302, "https://example.com/?utm_source=email&ref=news")
    [visit] = recorded.visits
    assert (visit.link_id, visit.kind, visit.channel, visit.at) == (1, VisitKind.CLICK, "email", AT)


async def test_an_unknown_or_malformed_slug_is_404_and_records_nothing(recorded: Recorded) -> None:
    tracker = tracker_for({}, recorded)
    assert (await tracker.visit("nope123", request())).status == 404
    assert (await tracker.visit("../etc/passwd", request())).status == 404
    assert recorded.visits == []


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        (a_link(disabled=True), "disabled"),
        (a_link(expires_at=AT - timedelta(seconds=1)), "expired"),
        (a_link(max_clicks=2, clicks=2), "click limit"),
    ],
)
async def test_a_link_that_no_longer_redirects_is_410(recorded: Recorded, link: Link, reason: str) -> None:
    outcome = await tracker_for({"abc1234": link}, recorded).visit("abc1234", request())
    assert outcome.status == 410 and reason in outcome.reason
    assert recorded.visits == []


async def test_the_click_past_the_limit_is_refused_and_remembered(recorded: Recorded) -> None:
    recorded.clicks_left = 1
    tracker = tracker_for({"abc1234": a_link(max_clicks=1)}, recorded)
    assert (await tracker.visit("abc1234", request())).status == 302
    assert (await tracker.visit("abc1234", request())).status == 410
    assert len(recorded.visits) == 1
    assert (await tracker.visit("abc1234", request())).status == 410  # decided from the cache now
    assert recorded.clicks_left == -1


async def test_previews_do_not_spend_the_click_budget(recorded: Recorded) -> None:
    recorded.clicks_left = 0
    tracker = tracker_for({"abc1234": a_link(max_clicks=1)}, recorded)
    assert (await tracker.visit("abc1234", request(WHATSAPP))).status == 302
    assert recorded.visits[0].kind is VisitKind.PREVIEW


async def test_a_click_after_one_app_previewed_the_link_is_credited_to_that_app(recorded: Recorded) -> None:
    tracker = tracker_for({"abc1234": a_link(channel=None)}, recorded)
    await tracker.visit("abc1234", request(WHATSAPP))
    await tracker.visit("abc1234", request())
    preview, click = recorded.visits
    assert (preview.kind, preview.channel) == (VisitKind.PREVIEW, "whatsapp")
    assert (click.kind, click.channel, click.evidence) == (
        VisitKind.CLICK,
        "whatsapp",
        Evidence.RECENT_PREVIEW,
    )


async def test_a_share_reported_by_a_platform_is_recorded_for_a_known_link_only(recorded: Recorded) -> None:
    tracker = tracker_for({"abc1234": a_link()}, recorded)
    assert await tracker.record_share("abc1234", "slack", source="slack-unfurl")
    assert not await tracker.record_share("nope123", "slack", source="slack-unfurl")
    [share] = recorded.visits
    assert (share.kind, share.channel, share.rule, share.method) == (
        VisitKind.PREVIEW,
        "slack",
        "slack-unfurl",
        "EVENT",
    )


async def test_a_flooding_network_gets_429_and_only_links_already_in_memory(recorded: Recorded) -> None:
    throttle = NotFoundThrottle(RateLimiter(per_minute=1, burst=2, clock=lambda: 0.0))
    links = {"abc1234": a_link(), "def5678": a_link(id=2, slug="def5678")}
    tracker = tracker_for(links, recorded, throttle=throttle)
    assert (await tracker.visit("abc1234", request(peer_ip="198.51.100.7"))).status == 302
    statuses = [(await tracker.visit("nope123", request())).status for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert (await tracker.visit("abc1234", request())).status == 302  # in memory: served
    assert (await tracker.visit("def5678", request())).status == 429  # would need the database
    other_network = request(peer_ip="198.51.100.7")
    assert (await tracker.visit("nope123", other_network)).status == 404


async def test_the_salt_is_fetched_once_a_day() -> None:
    fetched: list[date] = []

    async def fetch(day: date) -> str:
        fetched.append(day)
        return f"salt-{day}"

    salts = DailySalts(fetch)
    today = AT.date()
    assert await salts.for_day(today) == await salts.for_day(today) == f"salt-{today}"
    await salts.for_day(today + timedelta(days=1))
    assert fetched == [today, today + timedelta(days=1)]
