"""Stats latency at 10 thousand and 10 million visits, on SQLite and PostgreSQL.

Five typical questions go through the real engine (parser + roll-up
reader); the figure is the median of repeated runs after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
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


async def measure(backend: str, visits: int, workdir: Path) -> dict[str, object]:
    """Generate a database of `visits` visits and time the five questions on it."""
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'stats-{visits}.db'}"
    else:
        pg_name, url = await create_database()
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        started = time.perf_counter()
        data = await generate(engine, visits=visits, tz=TZ, as_of=AS_OF)
        generated = time.perf_counter() - started
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
        return {
            "backend": backend,
            "visits": visits,
            "links": data.links,
            "generate_s": round(generated, 1),
            "medians_ms": {q: round(v, 2) for q, v in medians.items()},
            "median_ms": round(statistics.median(medians.values()), 2),
        }
    finally:
        await engine.dispose()
        if pg_name:
            await drop_database(pg_name)


async def main_async(sizes: list[int], backends: list[str]) -> list[dict[str, object]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        for backend in backends:
            for visits in sizes:
                result = await measure(backend, visits, Path(tmp))
                print(json.dumps(result), flush=True)
                results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,10000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    asyncio.run(main_async([int(s) for s in args.sizes.split(",")], args.backends.split(",")))


if __name__ == "__main__":
    main()
