"""Drill 1: `kill -9` one of two workers under steady load; no visit whose 302 was sent may be lost.

A SIGKILLed worker has no chance to flush anything, so this is the test of
the promise behind group commit: a 302 leaves only after its visit's batch
is committed. Visits stored may exceed 302s received (the kill can cut a
redirect whose visit was already on disk); the reverse would be a loss.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from pathlib import Path

from bench.servers import lantern, shorten, worker_pids
from drills.harness import Backend, count_rows, postgres_available, scratch, wait_for_log
from drills.load import LoadReport, steady_load
from drills.result import DrillResult, skipped

TOTAL = 4000
RATE = 500.0
#: The kill comes once this many redirects are back: well inside the run.
KILL_AFTER = 1500
RESTARTED = r"worker 1 started \(pid (\d+)\)"


async def _strike(origin: str, slug: str, log: Path) -> tuple[LoadReport, int, float]:
    """Run the load and SIGKILL worker 1 mid-run; the victim's pid and how long its restart took."""
    report = LoadReport()
    load = asyncio.create_task(steady_load(origin, slug, total=TOTAL, rate=RATE, report=report))
    await report.reached(KILL_AFTER)
    victim = worker_pids(log)[1]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    await asyncio.to_thread(wait_for_log, log, RESTARTED, 2)
    restart_seconds = time.monotonic() - killed_at
    await load
    return report, victim, restart_seconds


def drill(backend: Backend) -> DrillResult:
    """The drill on one database."""
    result = DrillResult(f"1. kill -9 a worker under load ({backend})")
    with scratch(backend, "kill") as target:
        slug = shorten(target.env)
        log = target.folder / "serve.log"
        with lantern(target.env, 2, log):
            wait_for_log(log, r"worker \d+ started", 2)
            report, victim, restart_s = asyncio.run(_strike(target.origin, slug, log))
            text = log.read_text(errors="replace")
            replacement = int(re.findall(RESTARTED, text)[-1])
            result.expect(
                f"worker 1 (pid {victim}) exited with -9; restarting it" in text,
                "the supervisor did not log the killed worker's restart",
            )
            result.expect(_alive(replacement), f"the restarted worker (pid {replacement}) is not running")
        stored = asyncio.run(count_rows(target.url, "visits"))
    result.requests = report.sent
    result.visits_stored = stored
    result.lost = max(0, report.redirects - stored)
    result.refused = report.failed
    result.expect(result.lost == 0, f"{result.lost} visits lost: {report.redirects} 302s, {stored} stored")
    result.expect(report.mismatched == 0, f"{report.mismatched} redirects did not carry their own q=n")
    result.expect(report.redirects >= TOTAL // 2, f"only {report.redirects} of {TOTAL} requests redirected")
    result.figure = (
        f"{report.redirects} 302s received of {report.sent} requests, {stored} visits stored "
        f"(+{stored - report.redirects} whose redirect the kill cut), lost {result.lost}; "
        f"{report.retried} requests cut by the kill and retried by the client; "
        f"worker 1 (pid {victim}) SIGKILLed after {KILL_AFTER} redirects and restarted as pid "
        f"{replacement} within {restart_s:.1f}s; answers without a 302: {report.failed} "
        f"({report.failures()})"
    )
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def run() -> list[DrillResult]:
    """On SQLite, and on PostgreSQL when its server is up."""
    rows = [drill("sqlite")]
    if postgres_available():
        rows.append(drill("postgresql"))
    else:
        rows.append(skipped("1. kill -9 a worker under load (postgresql)", "PostgreSQL is not reachable"))
    return rows
