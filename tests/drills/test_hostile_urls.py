"""Drill 5 in small: 500 generated hostile URLs through the API; nothing crashes, nothing refused is kept."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from drills.hostile_urls import DENIED_HOST, FAMILIES, OWN_HOST, corpus, problems_with_accepted
from tests.drills.conftest import DrillTarget

CASES = 500


def test_the_corpus_is_deterministic_and_covers_every_family() -> None:
    cases = list(corpus(CASES))
    assert cases == list(corpus(CASES))
    assert {case.family for case in cases} == set(FAMILIES)
    assert any(len(case.url) > 64 * 1024 for case in corpus(5_000))  # some exceed the API's body limit


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.com/a?b=c", None),
        ("https://[2001:4860:4860::8888]/", None),
        ("javascript:alert(1)", "scheme"),
        ("https://user@example.com/", "user-info"),
        ("http://127.0.0.1/", "non-public"),
        (f"https://www.{OWN_HOST}/x", "own host"),
        (f"https://a.{DENIED_HOST}/", "denied"),
        ("https://example.0x7f/", "ends in a number"),
        ("https://example.com/<script>", "markup"),
        ("https://example.com/a b", "space"),
    ],
)
def test_what_counts_as_a_valid_accepted_url(url: str, problem: str | None) -> None:
    found = problems_with_accepted(url, {OWN_HOST}, {DENIED_HOST})
    assert (problem is None) == (not found), found
    assert problem is None or problem in " ".join(found)


async def test_generated_hostile_urls_through_the_api(target: DrillTarget) -> None:
    cases = list(corpus(CASES, seed=2026))
    before = await target.count("links")
    limit = asyncio.Semaphore(16)

    async def send(url: str) -> tuple[int, dict[str, object]]:
        async with limit, target.client.post(target.url("/api/v1/links"), json={"url": url}) as response:
            body = await response.read()
            return response.status, json.loads(body) if response.content_type == "application/json" else {}

    answers = await asyncio.gather(*(send(case.url) for case in cases))
    statuses = Counter(status for status, _ in answers)
    assert not [status for status in statuses if status >= 500], statuses
    assert set(statuses) <= {200, 201, 400, 413}, statuses
    accepted = [(case, body) for case, (status, body) in zip(cases, answers, strict=True) if status < 300]
    for case, body in accepted:
        for key in ("original_url", "target"):
            problems = problems_with_accepted(str(body[key]), {OWN_HOST}, {DENIED_HOST})
            assert not problems, (case, body[key], problems)
    assert await target.count("links") - before == statuses[201]
    assert statuses[400] > CASES // 2  # the corpus is mostly hostile


async def test_a_host_ending_in_a_hex_number_is_refused(target: DrillTarget) -> None:
    """Found by drill 5: browsers read such a host as an IPv4 address, so the link would lead nowhere."""
    body = {"url": "https://example.0x7f/"}
    async with target.client.post(target.url("/api/v1/links"), json=body) as response:
        assert response.status == 400
