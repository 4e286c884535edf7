"""Drill 9, heavy questions: redirects keep their latency while the heaviest questions Lantern
allows (the longest series, the widest breakdowns, their PNG charts) are asked over the API
without pause; the slowest redirect must stay within 300 ms.

The questions' own limit per API key is turned off for the drill so the load is the worst the
server lets through (only its bound on questions in flight applies); one question that asks for
half a million hourly buckets must come back coarsened, not refused and not slow.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import aiohttp

from bench.servers import lantern, shorten
from drills.harness import BROWSER, api_key, scratch
from drills.result import DrillResult

NAME = "9. Heavy questions beside redirects (API JSON and PNG charts)"
#: The heaviest questions that are answered (not refused): ~1,000 buckets each, or every link.
HEAVY_QUESTIONS = (
    "visits by hour last 40 days",
    "visits by day last 990 days",
    "unique visitors by day last 990 days",
    "clicks by hour since 1970",  # 500 k hours: coarsened to months, and said so
    "visits by link since 1970",
    "visits by week since 2008",
)
#: The slowest redirect allowed while questions run.
SLOWEST_REDIRECT_MS = 300.0


@dataclass
class HeavyLoad:
    """What one run measured."""

    calm_ms: list[float] = field(default_factory=list)
    during_ms: list[float] = field(default_factory=list)
    answered: dict[int, int] = field(default_factory=dict)  # status → count
    charts: int = 0
    slowest_question_s: float = 0.0
    coarsened_note: bool = False

    @property
    def slowest_ms(self) -> float:
        return max(self.during_ms, default=0.0)

    def figure(self) -> str:
        during = sorted(self.during_ms)
        p99 = during[int(len(during) * 0.99) - 1] if during else 0.0
        return (
            f"redirect p50 {statistics.median(self.calm_ms):.1f} ms calm; while "
            f"{sum(self.answered.values())} heavy questions were answered ({self.charts} as PNG charts, "
            f"statuses {dict(sorted(self.answered.items()))}, slowest {self.slowest_question_s:.2f} s): "
            f"p50 {statistics.median(during):.1f} ms, p99 {p99:.1f} ms, slowest {self.slowest_ms:.1f} ms "
            f"over {len(during)} redirects"
        )


async def _redirects(session: aiohttp.ClientSession, url: str, until: float, into: list[float]) -> None:
    while time.monotonic() < until:
        began = time.perf_counter()
        async with session.get(url, allow_redirects=False) as response:
            assert response.status == 302, response.status
        into.append((time.perf_counter() - began) * 1000)
        await asyncio.sleep(0.01)


async def _questions(
    session: aiohttp.ClientSession, origin: str, key: str, until: float, load: HeavyLoad, offset: int
) -> None:
    n = offset
    while time.monotonic() < until:
        question = HEAVY_QUESTIONS[n % len(HEAVY_QUESTIONS)]
        png = (n // len(HEAVY_QUESTIONS)) % 2 == 1  # each question both ways, in turn
        headers = {"Authorization": f"Bearer {key}", "Accept": "image/png" if png else "application/json"}
        began = time.monotonic()
        async with session.get(f"{origin}/api/v1/stats", params={"q": question}, headers=headers) as r:
            body = await r.read()
            if r.status == 200 and png:
                load.charts += int(body.startswith(b"\x89PNG"))
            if r.status == 200 and not png and question.startswith("clicks by hour since"):
                load.coarsened_note |= b"shown by month instead" in body
        load.slowest_question_s = max(load.slowest_question_s, time.monotonic() - began)
        load.answered[r.status] = load.answered.get(r.status, 0) + 1
        n += 1


async def measure(origin: str, slug: str, key: str, *, seconds: float, askers: int = 4) -> HeavyLoad:
    """Redirect latency alone, then while `askers` clients ask heavy questions for `seconds`."""
    load = HeavyLoad()
    async with aiohttp.ClientSession(headers={"User-Agent": BROWSER}) as session:
        await _redirects(session, f"{origin}/{slug}", time.monotonic() + min(seconds, 2.0), load.calm_ms)
        until = time.monotonic() + seconds
        await asyncio.gather(
            _redirects(session, f"{origin}/{slug}", until, load.during_ms),
            *(_questions(session, origin, key, until, load, n) for n in range(askers)),
        )
    return load


def judge(load: HeavyLoad, result: DrillResult, *, slowest_ms: float = SLOWEST_REDIRECT_MS) -> None:
    """The drill's expectations, shared with its fast variant in tests/drills (which allows more time:
    it runs beside the rest of the suite on a shared machine, where the 300 ms bar would flake)."""
    result.expect(
        load.slowest_ms <= slowest_ms,
        f"the slowest redirect took {load.slowest_ms:.0f} ms (more than {slowest_ms:.0f} ms)",
    )
    result.expect(load.answered.get(200, 0) > 0, "no heavy question was answered")
    result.expect(not any(status >= 500 for status in load.answered), f"5xx answers: {load.answered}")
    result.expect(load.charts > 0, "no PNG chart came back")
    result.expect(load.coarsened_note, "'clicks by hour since 1970' was not coarsened with a note")


def run() -> DrillResult:
    """Run on SQLite with visits spread over channels, and report."""
    result = DrillResult(NAME)
    with scratch("sqlite", "heavy", LANTERN_QUESTION_RATE_PER_MINUTE="0") as target:
        key = api_key(target)
        slugs = [shorten(target.env, f"https://example.com/p/{n}", channel) for n, channel in
                 enumerate(("email", "whatsapp", "slack", "sms"))]  # fmt: skip
        with lantern(target.env, 1, target.folder / "heavy.log") as server:
            load = asyncio.run(measure(f"http://127.0.0.1:{server.port}", slugs[0], key, seconds=20.0))
    result.requests = len(load.calm_ms) + len(load.during_ms) + sum(load.answered.values())
    result.refused = sum(count for status, count in load.answered.items() if status != 200)
    result.figure = load.figure()
    judge(load, result)
    return result


if __name__ == "__main__":
    print(run().line())
