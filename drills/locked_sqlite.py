"""Drill 9c: a locked SQLite database hands visits to the spool within about a second.

Another process takes SQLite's write lock (as a backup tool or a long
migration would) and holds it for a few seconds while visitors keep
arriving: each must get its 302 within about a second (not the 90 s three
30-second busy timeouts used to cost), `/healthz` must say "spooling", and
once the lock is released every visit must be in the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing

import aiohttp

from bench.servers import lantern, shorten
from drills.harness import BROWSER, Scratch, count_rows, scratch
from drills.result import DrillResult

HOLD_SECONDS = 5.0
#: The slowest redirect allowed while the database is locked.
SLOWEST_ALLOWED = 1.5


async def _while_locked(target: Scratch, slug: str) -> tuple[list[tuple[int, float]], str]:
    answers: list[tuple[int, float]] = []
    health = ""
    async with aiohttp.ClientSession(headers={"User-Agent": BROWSER}) as session:
        deadline = time.monotonic() + HOLD_SECONDS - 0.5
        while time.monotonic() < deadline:
            started = time.monotonic()
            async with session.get(f"{target.origin}/{slug}", allow_redirects=False) as response:
                answers.append((response.status, time.monotonic() - started))
            if not health and len(answers) >= 3:
                async with session.get(f"{target.origin}/healthz") as response:
                    health = str((await response.json())["status"])
            await asyncio.sleep(0.1)
    return answers, health


async def _stored_within(target: Scratch, expected: int, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await count_rows(target.url, "visits") >= expected:
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return None


def run() -> DrillResult:
    """Hold the write lock, send visits, release, count."""
    result = DrillResult("9. locked SQLite database (sqlite)")
    with scratch("sqlite", "locked") as target:
        target.env["LANTERN_SPOOL_DIR"] = str(target.folder / "spool")
        slug = shorten(target.env)
        with lantern(target.env, 1, target.folder / "serve.log"):
            with closing(sqlite3.connect(target.sqlite_file, isolation_level=None)) as locker:
                locker.execute("BEGIN IMMEDIATE")
                try:
                    answers, health = asyncio.run(_while_locked(target, slug))
                finally:
                    locker.execute("ROLLBACK")
            redirected = sum(status == 302 for status, _ in answers)
            stored_after = asyncio.run(_stored_within(target, redirected, 10.0))
        visits = asyncio.run(count_rows(target.url, "visits"))
    slowest = max(seconds for _, seconds in answers)
    result.expect(redirected == len(answers), f"{len(answers) - redirected} requests got no 302")
    result.expect(slowest < SLOWEST_ALLOWED, f"the slowest redirect took {slowest:.2f} s")
    result.expect(health == "spooling", f"/healthz said {health!r} while the database was locked")
    result.expect(stored_after is not None and visits == redirected, f"{visits} visits for {redirected} 302s")
    result.requests = len(answers)
    result.visits_stored = visits
    result.lost = max(0, redirected - visits)
    result.refused = len(answers) - redirected
    first = answers[0][1]
    took = f"{stored_after:.1f} s" if stored_after is not None else "never"
    result.figure = (
        f"write lock held {HOLD_SECONDS:.0f} s by another process: {redirected} of {len(answers)} requests "
        f"redirected, the first in {first * 1000:.0f} ms (busy timeout, retries, spool), the slowest "
        f"{slowest * 1000:.0f} ms; /healthz said {health!r}; all {visits} visits in the database {took} "
        "after the lock was released"
    )
    return result
