"""Drill 2: SIGTERM `lantern serve --workers 2` under steady load: a prompt, clean stop, nothing lost.

A deploy or `docker stop` sends SIGTERM while visitors keep clicking. The
server must stop within its drain timeout, every 302 it sent must have its
visit stored, and what the workers say they served (their "served N
redirects" lines) must equal what the database holds.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import time

from bench.servers import lantern, redirects_served, shorten
from drills.harness import Backend, count_rows, postgres_available, scratch, wait_for_log
from drills.load import LoadReport, steady_load
from drills.result import DrillResult, skipped
from lantern.cli import SHUTDOWN_TIMEOUT

TOTAL = 4000
RATE = 500.0
TERM_AFTER = 1500
#: What the supervisor allows its workers to drain (see `lantern serve`).
STOP_LIMIT = SHUTDOWN_TIMEOUT + 5


async def _terminate(origin: str, slug: str, server: subprocess.Popen[bytes]) -> tuple[LoadReport, float]:
    """Run the load, SIGTERM the supervisor mid-run; seconds until it exited."""
    report, stop = LoadReport(), asyncio.Event()
    load = asyncio.create_task(steady_load(origin, slug, total=TOTAL, rate=RATE, report=report, stop=stop))
    await report.reached(TERM_AFTER)
    server.send_signal(signal.SIGTERM)
    started = time.monotonic()
    await asyncio.to_thread(server.wait, STOP_LIMIT * 3)
    seconds = time.monotonic() - started
    stop.set()
    await load
    return report, seconds


def drill(backend: Backend) -> DrillResult:
    """The drill on one database."""
    result = DrillResult(f"2. SIGTERM under load ({backend})")
    with scratch(backend, "term") as target:
        slug = shorten(target.env)
        log = target.folder / "serve.log"
        with lantern(target.env, 2, log) as running:
            wait_for_log(log, r"worker \d+ started", 2)
            server = running.processes[0]
            report, seconds = asyncio.run(_terminate(target.origin, slug, server))
        served = redirects_served(log)
        served_lines = len(re.findall(r"served \d+ redirects", log.read_text(errors="replace")))
        stored = asyncio.run(count_rows(target.url, "visits"))
    result.requests = report.sent
    result.visits_stored = stored
    result.lost = max(0, report.redirects - stored)
    result.refused = report.failed
    result.expect(server.returncode == 0, f"the server exited with {server.returncode}, not 0")
    result.expect(seconds <= STOP_LIMIT, f"stopping took {seconds:.1f}s; the limit is {STOP_LIMIT:.0f}s")
    result.expect(result.lost == 0, f"{result.lost} visits lost: {report.redirects} 302s, {stored} stored")
    result.expect(served_lines == 2, f"{served_lines} 'served N redirects' lines; expected one per worker")
    result.expect(stored == served, f"{stored} visits stored but the workers logged {served} redirects")
    result.expect(report.mismatched == 0, f"{report.mismatched} redirects did not carry their own q=n")
    result.figure = (
        f"SIGTERM after {TERM_AFTER} redirects: stopped in {seconds:.2f}s (limit {STOP_LIMIT:.0f}s, "
        f"exit {server.returncode}); {report.redirects} 302s received of {report.sent} requests, "
        f"workers logged {served} served, {stored} visits stored, lost {result.lost}; "
        f"answers without a 302: {report.failed} ({report.failures()})"
    )
    return result


def run() -> list[DrillResult]:
    """On SQLite, and on PostgreSQL when its server is up."""
    rows = [drill("sqlite")]
    if postgres_available():
        rows.append(drill("postgresql"))
    else:
        rows.append(skipped("2. SIGTERM under load (postgresql)", "PostgreSQL is not reachable"))
    return rows
