"""Drill 9 in small: redirects stay fast while the heaviest allowed questions are answered."""

from __future__ import annotations

from drills.heavy_questions import judge, measure
from drills.result import DrillResult
from tests.drills.conftest import DrillTarget


async def test_redirects_keep_their_latency_beside_heavy_questions(target: DrillTarget) -> None:
    slug = await target.shorten()
    origin = target.url("").rstrip("/")
    load = await measure(origin, slug, target.key, seconds=2.0, askers=2)
    result = DrillResult("heavy questions")
    judge(load, result, slowest_ms=1000.0)  # a freeze took 11 s; `make drills` holds the 300 ms bar
    assert not result.failures, load.figure()
