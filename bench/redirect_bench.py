"""Redirect throughput and latency: Lantern against a bare aiohttp 302, in one run.

Every Lantern run ends with SIGTERM (batches drain) and a check that the
visits stored equal the redirects served: a benchmark that loses visits
fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import asyncpg

from bench.pg import PG_DSN, create_database, drop_database
from bench.servers import (
    LANTERN,
    free_port,
    lantern,
    lantern_env,
    redirects_served,
    reference,
    shorten,
    worker_pids,
)
from bench.wrk import run_wrk

SECONDS = 10


def _count_sqlite(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM visits").fetchone()[0])


async def _count_pg(name: str) -> int:
    connection = await asyncpg.connect(PG_DSN.rsplit("/", 1)[0] + "/" + name)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM visits"))
    finally:
        await connection.close()


def measure_reference(workers: int, seconds: int) -> dict[str, Any]:
    """The bare 302 server's figures."""
    with reference(workers) as server:
        run_wrk(f"http://127.0.0.1:{server.port}/warmup", seconds=2)
        result = run_wrk(f"http://127.0.0.1:{server.port}/abc1234", seconds=seconds)
    return {"server": "reference", "workers": workers, **asdict(result)}


def measure_lantern(
    backend: str, workers: int, seconds: int, workdir: Path, *, variant: str = "default"
) -> dict[str, Any]:
    """Lantern's figures and its visit accounting, on a fresh database."""
    port = free_port()
    pg_name = None
    if backend == "sqlite":
        db_path = workdir / f"redirect-{workers}-{variant}-{time.monotonic_ns()}.db"
        url = f"sqlite+aiosqlite:///{db_path}"
    else:
        pg_name, url = asyncio.run(create_database())
    env = lantern_env(url, port)
    try:
        subprocess.run([LANTERN, "db", "upgrade"], env=env, check=True, capture_output=True)
        slug = shorten(env)
        command = None
        if variant == "no-attribution":
            command = [sys.executable, "-m", "bench.serve_without_attribution"]  # one worker
        log = workdir / f"lantern-{backend}-{workers}-{variant}.log"
        receiver = None
        if variant == "forwarding":  # every click also goes to a webhook and to GA4
            receiver_port = free_port()
            receiver = subprocess.Popen(
                [sys.executable, "-m", "bench.receiver_server", "--port", str(receiver_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            receiver_url = f"http://127.0.0.1:{receiver_port}"
            env.update(
                LANTERN_WEBHOOK_ALLOW_PRIVATE="true",
                LANTERN_GA4_MEASUREMENT_ID="G-BENCH",
                LANTERN_GA4_API_SECRET="bench",  # noqa: S106 - the local receiver takes anything
                LANTERN_GA4_URL=receiver_url,
            )
            events = "link.clicked,share.detected"
            subprocess.run(
                [LANTERN, "webhook", "add", f"{receiver_url}/hook", "--events", events],
                env=env,
                check=True,
                capture_output=True,
            )
        with lantern(env, workers, log, command) as server:
            run_wrk(f"http://127.0.0.1:{server.port}/{slug}", seconds=2)
            result = run_wrk(f"http://127.0.0.1:{server.port}/{slug}", seconds=seconds)
        if receiver is not None:
            receiver.terminate()
            receiver.wait(timeout=10)
        served = redirects_served(log)
        stored = _count_sqlite(db_path) if backend == "sqlite" else asyncio.run(_count_pg(pg_name or ""))
        return {
            "server": f"lantern-{backend}",
            "variant": variant,
            "workers": workers,
            **asdict(result),
            "redirects_served": served,
            "visits_stored": stored,
            "lost": served - stored,
            "workers_seen": len(worker_pids(log)) or 1,
        }
    finally:
        if pg_name:
            asyncio.run(drop_database(pg_name))


def run(seconds: int = SECONDS) -> list[dict[str, Any]]:
    """Every configuration, each reference measured right before the Lantern runs it is compared to."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lantern-redirect-") as tmp:
        workdir = Path(tmp)
        for workers in (1, 2):
            results.append(measure_reference(workers, seconds))
            for backend in ("sqlite", "postgresql"):
                results.append(measure_lantern(backend, workers, seconds, workdir))
            if workers == 1:
                results.append(measure_lantern("sqlite", 1, seconds, workdir, variant="no-attribution"))
                results.append(measure_lantern("sqlite", 1, seconds, workdir, variant="forwarding"))
        for row in results:
            print(json.dumps(row), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    args = parser.parse_args()
    results = run(args.seconds)
    lost = [r for r in results if r.get("lost")]
    if lost:
        sys.exit(f"visits lost: {lost}")


if __name__ == "__main__":
    main()
