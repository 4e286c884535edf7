"""Drill 8b: an SQLite online backup taken while `lantern serve --workers 2` is recording visits.

`sqlite3.Connection.backup` copies a consistent snapshot while the workers
keep committing (WAL lets one reader copy beside the writer). The database
is first filled with synthetic history (bench/synthetic.py), so the copy
takes long enough for many batches to commit beside it. The copy must pass
`PRAGMA integrity_check`, hold every visit stored before it began, and the
load must lose nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.servers import lantern, shorten
from bench.synthetic import generate
from drills.harness import count_rows, scratch, wait_for_log
from drills.load import LoadReport, steady_load
from drills.result import DrillResult
from tracking.storage.engine import create_engine

TOTAL = 3000
RATE = 500.0
BACKUP_AFTER = 1000
#: Visits of synthetic history loaded before the drill, so the backup has something to copy.
HISTORY = 300_000


async def _load_history(url: str) -> None:
    engine = create_engine(url)
    try:
        await generate(engine, visits=HISTORY, tz=ZoneInfo("UTC"), as_of=datetime.now(UTC), days=30)
    finally:
        await engine.dispose()


def backup(source: Path, copy: Path) -> None:
    """Copy the live database in one step (a stepwise copy restarts whenever another process writes)."""
    with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(copy)) as out:
        live.backup(out)


def inspect(copy: Path) -> tuple[str, int, int]:
    """The copy's integrity verdict, its visits and its links."""
    with closing(sqlite3.connect(copy)) as connection:
        verdict = "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        visits = connection.execute("SELECT count(*) FROM visits").fetchone()[0]
        links = connection.execute("SELECT count(*) FROM links").fetchone()[0]
    return verdict, int(visits), int(links)


async def _backup_under_load(
    origin: str, slug: str, source: Path, copy: Path
) -> tuple[LoadReport, float, int]:
    """The load, with a backup mid-run; its seconds and how many redirects were served meanwhile."""
    report = LoadReport()
    load = asyncio.create_task(steady_load(origin, slug, total=TOTAL, rate=RATE, report=report))
    await report.reached(BACKUP_AFTER)
    served_before, started = report.redirects, time.monotonic()
    await asyncio.to_thread(backup, source, copy)
    seconds, served_during = time.monotonic() - started, report.redirects - served_before
    await load
    return report, seconds, served_during


def run() -> list[DrillResult]:
    """One backup under load."""
    result = DrillResult("8. SQLite online backup under load")
    with scratch("sqlite", "backup") as target:
        asyncio.run(_load_history(target.url))
        slug = shorten(target.env)
        history = asyncio.run(count_rows(target.url, "visits"))
        all_links = asyncio.run(count_rows(target.url, "links"))
        log = target.folder / "serve.log"
        copy = target.folder / "backup.db"
        with lantern(target.env, 2, log):
            wait_for_log(log, r"worker \d+ started", 2)
            report, seconds, during = asyncio.run(
                _backup_under_load(target.origin, slug, target.sqlite_file, copy)
            )
        stored = asyncio.run(count_rows(target.url, "visits")) - history
        verdict, copied, links = inspect(copy)
        size_mb = copy.stat().st_size / 1e6
        copied -= history
    result.requests = report.sent
    result.visits_stored = stored
    result.lost = max(0, report.redirects - stored)
    result.refused = report.failed
    result.expect(verdict == "ok", f"integrity_check of the backup: {verdict}")
    result.expect(copied >= BACKUP_AFTER, f"the backup holds {copied} visits; {BACKUP_AFTER} were promised")
    result.expect(copied <= stored, f"the backup holds {copied} new visits; only {stored} were stored")
    result.expect(links == all_links, f"the backup holds {links} links of {all_links}")
    result.expect(result.lost == 0, f"{result.lost} visits lost: {report.redirects} 302s, {stored} stored")
    result.figure = (
        f"{history:,} visits of history, then the backup taken after {BACKUP_AFTER} redirects: "
        f"{size_mb:.0f} MB copied in {seconds * 1000:.0f} ms while {during} more redirects were served; "
        f"integrity_check “{verdict}”, the history + {copied} new visits and all {links} links in the copy; "
        f"{report.redirects} 302s received of {report.sent}, {stored} visits stored, lost {result.lost}"
    )
    return [result]
