"""Drill 7, abuse limits: link creation slows a flooding key down; a 404 flood is throttled
for its own network only, and everyone else's redirects go on at the same speed."""

from __future__ import annotations

import asyncio
import secrets
import statistics
import time

import aiohttp

from bench.servers import lantern, shorten
from drills.harness import BROWSER, api_key, cli, scratch
from drills.result import DrillResult

NAME = "7. Abuse limits (link creation per key, 404 flood per network)"
FLOODER, NEIGHBOUR = "203.0.113.5", "198.51.100.7"


async def _create_links(origin: str, key: str, count: int, first: int = 0) -> list[tuple[int, str | None]]:
    """POST `count` different links with one key: (status, Retry-After) each."""
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as session:

        async def one(n: int) -> tuple[int, str | None]:
            async with session.post(
                f"{origin}/api/v1/links", json={"url": f"https://example.com/p/{n}"}
            ) as r:
                body = await r.json()
                if r.status == 429:
                    assert body["error"] == "rate_limited", body
                return r.status, r.headers.get("Retry-After")

        return [await one(n) for n in range(first, first + count)]


async def _redirect_latencies(
    session: aiohttp.ClientSession, url: str, address: str, count: int
) -> list[float]:
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        async with session.get(url, allow_redirects=False, headers={"X-Forwarded-For": address}) as response:
            assert response.status == 302, response.status
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


async def _flood(origin: str, slug: str) -> dict[str, object]:
    async with aiohttp.ClientSession(headers={"User-Agent": BROWSER}) as session:
        calm = await _redirect_latencies(session, f"{origin}/{slug}", NEIGHBOUR, 100)

        async def probe(n: int) -> int:
            path = f"{origin}/{secrets.token_urlsafe(6).replace('-', 'x').replace('_', 'y')}{n}"
            async with session.get(path, allow_redirects=False, headers={"X-Forwarded-For": FLOODER}) as r:
                return r.status

        flood = asyncio.gather(*(probe(n) for n in range(1_500)))
        during = await _redirect_latencies(session, f"{origin}/{slug}", NEIGHBOUR, 100)
        statuses = await flood
        flooder_real = await _redirect_latencies(session, f"{origin}/{slug}", FLOODER, 5)
    return {
        "calm_ms": statistics.median(calm),
        "during_ms": statistics.median(during),
        "statuses": statuses,
        "flooder_real": len(flooder_real),
    }


def run() -> DrillResult:
    """Run both halves on SQLite and report."""
    result = DrillResult(NAME)
    started = time.monotonic()
    with scratch("sqlite", "abuse", LANTERN_TRUSTED_PROXIES="127.0.0.1/32") as target:
        first_key = api_key(target)
        second_key = cli(
            target.env, "api-key", "create", "second", folder=target.folder, check=True
        ).stdout.strip()
        slug = shorten(target.env)
        with lantern(target.env, 1, target.folder / "abuse.log") as server:
            origin = f"http://127.0.0.1:{server.port}"
            created = asyncio.run(_create_links(origin, first_key, 25))
            other = asyncio.run(_create_links(origin, second_key, 5, first=100))

            flood = asyncio.run(_flood(origin, slug))
        # The same flood against the same data with the 404 limit off: what the limit spares others.
        unlimited_env = {**target.env, "LANTERN_NOT_FOUND_RATE_PER_MINUTE": "0"}
        with lantern(unlimited_env, 1, target.folder / "abuse-unlimited.log") as server:
            unlimited = asyncio.run(_flood(f"http://127.0.0.1:{server.port}", slug))
    made = sum(1 for status, _ in created if status == 201)
    slowed = [retry for status, retry in created if status == 429]
    statuses = flood["statuses"]
    assert isinstance(statuses, list)
    throttled = statuses.count(429)
    calm, during = float(flood["calm_ms"]), float(flood["during_ms"])  # type: ignore[arg-type]
    unthrottled = float(unlimited["during_ms"])  # type: ignore[arg-type]
    result.requests = 25 + 5 + len(statuses) + 205
    result.refused = len(slowed) + throttled
    result.seconds = time.monotonic() - started
    result.figure = (
        f"one key: {made} links then {len(slowed)}× 429 (Retry-After {slowed[0] if slowed else '–'} s), "
        f"another key: {sum(1 for s, _ in other if s == 201)}/5 made; 404 flood: "
        f"{statuses.count(404)}× 404 then {throttled}× 429; a neighbour's redirect p50 "
        f"{calm:.1f} ms calm, {during:.1f} ms during the flood ({unthrottled:.1f} ms during the same flood "
        "with the 404 limit off)"
    )
    result.expect(
        0 < made <= 11 and slowed and all(r and r.isdigit() for r in slowed),
        "the flooding key was not slowed down with 429 and Retry-After",
    )
    result.expect(all(s == 201 for s, _ in other), "a second key was slowed by the first one's flood")
    result.expect(throttled > 1_000, f"only {throttled} of the flood's requests were throttled")
    result.expect(not any(s >= 500 for s in statuses), "the flood caused 5xx answers")
    result.expect(flood["flooder_real"] == 5, "the flooding network could not reach a real link")
    result.expect(
        during <= unthrottled * 1.25 + 2,
        "the limit did not spare the neighbour: its redirects were slower than with no limit at all",
    )

    return result


if __name__ == "__main__":
    print(run().line())
