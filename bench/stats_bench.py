"""Stats latency at 10 thousand and 10 million visits, on SQLite and PostgreSQL.

Five typical questions go through the real engine (parser + roll-up
reader); the figure is the median of repeated runs after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.pg import create_database, drop_database
from bench.synthetic import generate
from lantern.composition import build_stats
from tracking.core.questions.parser import parse_question
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine

QUESTIONS = (
    "clicks from messaging this week",
    "shares by channel this month",
    "top 5 links last 30 days",
    "clicks by day since monday",
    "clicks for campaign spring-sale in november",
)
TZ = ZoneInfo("Europe/Berlin")
AS_OF = datetime(2026, 11, 26, 15, 0, tzinfo=TZ)
RUNS = 15
#: Dashboard views timed end to end (HTTP request in, full page out) on a shared read-only URL.
PAGES = {
    "page, last 7 days": "",
    "page, 30 days": "?period=30d",
    "page, “clicks from messaging this week”": "?q=clicks+from+messaging+this+week",
    "unique visitors after the page, 7 days": "/visitors.json",
    "unique visitors after the page, 30 days": "/visitors.json?period=30d",
}
PAGE_RUNS = 9


def _generate(url: str, visits: int) -> float:
    """In a worker process: migrate and fill one database; the seconds it took."""

    async def go() -> float:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
            started = time.perf_counter()
            await generate(engine, visits=visits, tz=TZ, as_of=AS_OF)
            return time.perf_counter() - started
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def measure(url: str) -> dict[str, float]:
    """Median latency of each question on a filled database."""
    engine = create_engine(url)
    try:
        stats = build_stats(Settings(database_url=url, timezone=TZ.key), engine)
        medians: dict[str, float] = {}
        for question in QUESTIONS:
            interpretation = parse_question(question, now=AS_OF, tz=TZ)
            timings = []
            for run in range(RUNS + 3):
                began = time.perf_counter()
                await stats.answer(interpretation, now=AS_OF)
                if run >= 3:
                    timings.append((time.perf_counter() - began) * 1000)
            medians[question] = statistics.median(timings)
        return medians
    finally:
        await engine.dispose()


async def measure_pages(url: str) -> dict[str, float]:
    """Median server time of whole dashboard pages, through the real app on a local port."""
    from aiohttp import ClientSession
    from aiohttp.test_utils import TestServer

    from lantern.composition import build_app
    from tracking.storage.accounts import SqlAccounts

    with tempfile.TemporaryDirectory(prefix="lantern-bench-pages-") as scratch:
        settings = Settings(
            database_url=url,
            timezone=TZ.key,
            session_secret="bench",  # noqa: S106  (a throw-away benchmark server)
            spool_dir=str(Path(scratch) / "spool"),
        )
        server = TestServer(build_app(settings, clock=lambda: AS_OF))
        await server.start_server()
        try:
            engine = create_engine(url)
            share = await SqlAccounts(engine, clock=lambda: AS_OF).create_share(
                name=f"bench-{time.time_ns()}"
            )
            await engine.dispose()
            medians: dict[str, float] = {}
            async with ClientSession() as client:
                for name, query in PAGES.items():
                    timings = []
                    for attempt in range(PAGE_RUNS + 2):
                        began = time.perf_counter()
                        async with client.get(
                            server.make_url(f"/dashboard/s/{share.token}{query}")
                        ) as answer:
                            assert answer.status == 200, answer.status
                            await answer.read()
                        if attempt >= 2:
                            timings.append((time.perf_counter() - began) * 1000)
                    medians[name] = statistics.median(timings)
            return medians
        finally:
            await server.close()


def run(sizes: list[int], backends: list[str]) -> list[dict[str, object]]:
    """Generate every dataset (two at a time), then time the questions one database at a time."""
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        plans: list[tuple[str, int, str, str | None]] = []
        for backend in backends:
            for visits in sizes:
                if backend == "sqlite":
                    plans.append(
                        (backend, visits, f"sqlite+aiosqlite:///{Path(tmp) / f'stats-{visits}.db'}", None)
                    )
                else:
                    name, url = asyncio.run(create_database())
                    plans.append((backend, visits, url, name))
        try:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
                seconds = list(pool.map(_generate, [p[2] for p in plans], [p[1] for p in plans]))
            for (backend, visits, url, _name), generated in zip(plans, seconds, strict=True):
                medians = asyncio.run(measure(url))
                pages = asyncio.run(measure_pages(url))
                result: dict[str, object] = {
                    "backend": backend,
                    "visits": visits,
                    "links": max(20, visits // 5000),
                    "generate_s": round(generated, 1),
                    "medians_ms": {q: round(v, 2) for q, v in medians.items()},
                    "median_ms": round(statistics.median(medians.values()), 2),
                    "pages_ms": {p: round(v, 1) for p, v in pages.items()},
                }
                print(json.dumps(result), flush=True)
                results.append(result)
        finally:
            for _backend, _visits, _url, database in plans:
                if database:
                    asyncio.run(drop_database(database))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,10000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    run([int(s) for s in args.sizes.split(",")], args.backends.split(","))


if __name__ == "__main__":
    main()
