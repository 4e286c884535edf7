"""The rate limiter on a fake clock, and the shorten use case's link limit (no I/O)."""

from __future__ import annotations

import pytest

from tests.core.test_shortening import NOW, FakeLinks
from tracking.core.errors import LanternError, RateLimited
from tracking.core.links import SharerRef
from tracking.core.rate_limits import RateLimiter, in_words, per_minute_in_words, retry_after_seconds
from tracking.core.shortening import Shortener, ShortenRequest, rate_key
from tracking.core.urls import HostPolicy


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def limiter(clock: FakeClock, *, per_minute: float = 30, burst: int = 3, max_keys: int = 100) -> RateLimiter:
    return RateLimiter(per_minute=per_minute, burst=burst, clock=clock, max_keys=max_keys)


def test_the_burst_is_allowed_then_one_attempt_per_interval(clock: FakeClock) -> None:
    limits = limiter(clock)  # 30 a minute: one token every 2 s
    assert [limits.take("alice") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limits.take("alice") == pytest.approx(2.0)
    clock.advance(1.5)
    assert limits.take("alice") == pytest.approx(0.5)
    clock.advance(0.5)
    assert limits.take("alice") == 0.0
    assert limits.take("alice") == pytest.approx(2.0)


def test_refused_attempts_do_not_use_up_the_allowance(clock: FakeClock) -> None:
    limits = limiter(clock)
    for _ in range(3):
        limits.take("alice")
    for _ in range(50):
        assert limits.take("alice") > 0
    clock.advance(2.0)
    assert limits.take("alice") == 0.0


def test_keys_are_independent(clock: FakeClock) -> None:
    limits = limiter(clock, burst=1)
    assert limits.take("alice") == 0.0
    assert limits.take("alice") > 0
    assert limits.take("bob") == 0.0


def test_the_bucket_refills_to_the_burst_and_no_further(clock: FakeClock) -> None:
    limits = limiter(clock)
    for _ in range(3):
        limits.take("alice")
    clock.advance(3600)
    assert [limits.take("alice") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limits.take("alice") == pytest.approx(2.0)


def test_a_cost_above_the_burst_needs_a_full_bucket(clock: FakeClock) -> None:
    limits = limiter(clock)
    assert limits.take("alice", cost=10) == 0.0  # counts as the whole burst
    assert limits.take("alice") == pytest.approx(2.0)
    clock.advance(2.0)
    assert limits.take("alice", cost=2) == pytest.approx(2.0)  # one token back, two asked


def test_wait_only_looks_and_charge_can_run_into_debt(clock: FakeClock) -> None:
    limits = limiter(clock)
    assert limits.wait("alice") == 0.0
    assert limits.wait("alice", cost=3) == 0.0
    assert len(limits) == 0  # looking stores nothing
    for _ in range(5):  # five concurrent callers were all told yes
        limits.charge("alice")
    assert limits.wait("alice") == pytest.approx(6.0)  # two tokens of debt, then one to spend
    clock.advance(6.0)
    assert limits.wait("alice") == 0.0
    limits.charge("alice", cost=0)  # nothing to charge
    assert limits.wait("alice") == 0.0


def test_idle_keys_are_forgotten(clock: FakeClock) -> None:
    limits = limiter(clock)
    for name in ("a", "b", "c"):
        limits.take(name)
    assert len(limits) == 3
    clock.advance(6.0)  # 3 tokens × 2 s: every bucket is full again
    limits.take("d")
    assert len(limits) == 1


def test_memory_is_capped_and_the_least_recently_used_key_goes_first(clock: FakeClock) -> None:
    limits = limiter(clock, burst=1, max_keys=3)
    for name in ("a", "b", "c"):
        limits.take(name)
    assert limits.take("a") > 0  # "a" is refused, and so in use again
    limits.take("d")  # over the cap: "b" (least recently used) is dropped
    assert len(limits) == 3
    assert limits.take("a") > 0  # still remembered
    assert limits.take("b") == 0.0  # forgotten: starts again with a full bucket
    for n in range(1000):
        limits.take(f"k{n}")
    assert len(limits) == 3


@pytest.mark.parametrize(
    "options",
    [
        {"per_minute": 0, "burst": 1},
        {"per_minute": -1, "burst": 1},
        {"per_minute": 10, "burst": 0},
        {"per_minute": 10, "burst": 1, "max_keys": 0},
    ],
)
def test_nonsense_limits_are_refused(clock: FakeClock, options: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RateLimiter(clock=clock, **options)


@pytest.mark.parametrize(
    ("wait", "seconds", "words"),
    [(0.0001, 1, "1 s"), (2.0, 2, "2 s"), (11.2, 12, "12 s"), (89.5, 90, "2 min"), (600, 600, "10 min")],
)
def test_waits_in_whole_seconds_and_words(wait: float, seconds: int, words: str) -> None:
    assert retry_after_seconds(wait) == seconds
    assert in_words(seconds) == words


def test_allowance_in_words() -> None:
    assert per_minute_in_words(30, "link") == "30 links a minute"
    assert per_minute_in_words(1, "link") == "1 link a minute"
    assert per_minute_in_words(0.5, "link") == "0.5 links a minute"


# --- the link limit in the shorten use case ---------------------------------------------------

ALICE = SharerRef("slack", "T1-U1", "Alice")
BOB = SharerRef("telegram", "42", "Bob")


def shortener(repo: FakeLinks, clock: FakeClock, *, burst: int = 3) -> Shortener:
    return Shortener(
        repo=repo,
        policy=HostPolicy.build(["https://go.test"]),
        base_url="https://go.test",
        clock=lambda: NOW,
        limiter=RateLimiter(per_minute=30, burst=burst, clock=clock),
    )


def test_the_limit_key_is_the_api_key_else_the_sharer_else_none() -> None:
    assert rate_key(ShortenRequest("https://e.com", sharer=ALICE)) == "slack:T1-U1"
    assert rate_key(ShortenRequest("https://e.com", sharer=ALICE, limit_key="api:ci")) == "api:ci"
    assert rate_key(ShortenRequest("https://e.com")) is None


async def test_a_sharer_past_the_limit_is_told_to_slow_down(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock)
    for n in range(3):
        assert (await links.shorten(ShortenRequest(f"https://e.com/{n}", sharer=ALICE))).created
    with pytest.raises(RateLimited) as caught:
        await links.shorten(ShortenRequest("https://e.com/4", sharer=ALICE))
    error = caught.value
    assert isinstance(error, LanternError)
    assert (error.code, error.retry_after) == ("rate_limited", 2)
    assert error.message == "slow down: you can make 30 links a minute; try again in 2 s"
    assert (await links.shorten(ShortenRequest("https://e.com/4", sharer=BOB))).created
    clock.advance(2.0)
    assert (await links.shorten(ShortenRequest("https://e.com/4", sharer=ALICE))).created


async def test_asking_again_for_an_existing_link_is_free(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock)
    request = ShortenRequest("https://e.com/same", sharer=ALICE)
    for _ in range(20):
        await links.shorten(request)
    assert (await links.shorten(ShortenRequest("https://e.com/new", sharer=ALICE))).created


async def test_over_the_limit_nothing_reaches_the_store(clock: FakeClock) -> None:
    repo = FakeLinks()
    links = shortener(repo, clock, burst=1)
    await links.shorten(ShortenRequest("https://e.com/1", sharer=ALICE))
    for url in ("https://e.com/1", "https://e.com/2"):  # an existing link and a new one
        with pytest.raises(RateLimited):
            await links.shorten(ShortenRequest(url, sharer=ALICE))
    assert len(repo.links) == 1


async def test_invalid_requests_are_reported_as_such_and_cost_nothing(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock, burst=1)
    for _ in range(5):
        with pytest.raises(LanternError) as caught:
            await links.shorten(ShortenRequest("javascript:alert(1)", sharer=ALICE))
        assert not isinstance(caught.value, RateLimited)
    assert (await links.shorten(ShortenRequest("https://e.com/ok", sharer=ALICE))).created


async def test_requests_without_a_sharer_or_key_are_not_limited(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock, burst=1)
    for n in range(10):
        assert (await links.shorten(ShortenRequest(f"https://e.com/{n}"))).created


async def test_an_api_key_has_one_allowance_whichever_sharer_it_names(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock, burst=2)
    for n, who in enumerate((ALICE, BOB)):
        await links.shorten(ShortenRequest(f"https://e.com/{n}", sharer=who, limit_key="api:ci"))
    with pytest.raises(RateLimited):
        await links.shorten(ShortenRequest("https://e.com/x", sharer=ALICE, limit_key="api:ci"))
    assert (await links.shorten(ShortenRequest("https://e.com/x", limit_key="api:other"))).created
    assert (await links.shorten(ShortenRequest("https://e.com/x", sharer=ALICE))).created


async def test_links_for_several_channels_are_all_made_or_none(clock: FakeClock) -> None:
    repo = FakeLinks()
    links = shortener(repo, clock)
    await links.shorten(ShortenRequest("https://e.com/first", sharer=ALICE))
    with pytest.raises(RateLimited):  # three asked, two left
        await links.shorten_for_channels(
            ShortenRequest("https://e.com/p", sharer=ALICE), ["whatsapp", "email", "sms"]
        )
    assert len(repo.links) == 1
    made = await links.shorten_for_channels(
        ShortenRequest("https://e.com/p", sharer=ALICE), ["whatsapp", "email"]
    )
    assert [r.created for r in made] == [True, True]


async def test_channels_keep_the_requests_limit_key(clock: FakeClock) -> None:
    links = shortener(FakeLinks(), clock, burst=2)
    await links.shorten_for_channels(
        ShortenRequest("https://e.com/p", sharer=ALICE, limit_key="api:ci"), ["whatsapp", "email"]
    )
    with pytest.raises(RateLimited):
        await links.shorten(ShortenRequest("https://e.com/q", limit_key="api:ci"))
    assert (await links.shorten(ShortenRequest("https://e.com/q", sharer=ALICE))).created
