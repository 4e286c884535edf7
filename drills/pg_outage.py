"""Drill 3, PostgreSQL outage: the database stops for 10 s under load; nothing is lost.

A private PostgreSQL cluster is started with `pg_ctl` on a port of its
own (the shared server is never touched), Lantern serves two workers
against it, and a steady load runs while the cluster is stopped and
started again. Cached links must keep redirecting, visits that cannot be
written must be spooled and replayed, and in the end the visits stored
must equal the redirects served.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from bench.servers import LANTERN, free_port, lantern, lantern_env, redirects_served, shorten
from drills.load import LoadReport, steady_load
from drills.result import DrillResult

OUTAGE_SECONDS = 10.0
NAME = "3. PostgreSQL outage (10 s under load, 2 workers)"


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster of the drill's own, on a free port, stopped and started at will."""

    def __init__(self, folder: Path) -> None:
        binaries = _pg_bin()
        assert binaries is not None, "PostgreSQL's server binaries are not installed"
        self.port = free_port()
        data, sockets, log = folder / "pgdata", folder / "sockets", folder / "postgres.log"
        sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            shutil.chown(sockets, "postgres")
        initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
        subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
        options = f"-p {self.port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._control = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        subprocess.run(_as_postgres([*self._control, "-w", "start"]), check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        """Stop: connections are cut, as in a real outage."""
        subprocess.run(
            _as_postgres([*self._control, "-m", mode, "-w", "stop"]), check=False, capture_output=True
        )


@contextmanager
def private_cluster(folder: Path) -> Iterator[Cluster]:
    """initdb + pg_ctl start on a free port; stopped at the end."""
    cluster = Cluster(folder)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")


async def _create_database(port: int) -> None:
    connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    try:
        await connection.execute("CREATE DATABASE lantern")
    finally:
        await connection.close()


async def _count_visits(port: int) -> int:
    connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/lantern")
    try:
        return int(await connection.fetchval("SELECT count(*) FROM visits"))
    finally:
        await connection.close()


async def _load_through_outage(origin: str, slug: str, cluster: Cluster, report: LoadReport) -> list[float]:
    load = asyncio.create_task(steady_load(origin, slug, total=7_500, rate=300, report=report))
    await report.reached(900)
    stopped = time.monotonic()
    await asyncio.to_thread(cluster.stop)
    before = report.redirects
    await asyncio.sleep(OUTAGE_SECONDS)
    during = report.redirects - before
    await asyncio.to_thread(cluster.start)
    down_for = time.monotonic() - stopped
    await load
    return [down_for, float(during)]


def run() -> DrillResult:
    """Run the drill and say how it went."""
    result = DrillResult(NAME)
    if _pg_bin() is None:
        result.skipped = "PostgreSQL's server binaries (pg_ctl) are not installed"
        return result
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lantern-outage-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)
        with private_cluster(folder / "cluster") as cluster:
            port = cluster.port
            asyncio.run(_create_database(port))
            env = lantern_env(
                f"postgresql+asyncpg://postgres@127.0.0.1:{port}/lantern",
                free_port(),
                LANTERN_SPOOL_DIR=str(folder / "spool"),
                LANTERN_LINK_CACHE_TTL="5",
            )
            subprocess.run([LANTERN, "db", "upgrade"], env=env, check=True, capture_output=True)
            slug = shorten(env)
            report = LoadReport()
            log = folder / "lantern.log"
            with lantern(env, 2, log) as server:
                down_for, during = asyncio.run(
                    _load_through_outage(f"http://127.0.0.1:{server.port}", slug, cluster, report)
                )
                time.sleep(3)  # let the replayers catch up before the drain
            served = redirects_served(log)
            stored = asyncio.run(_count_visits(port))
            text = log.read_text()
            leftover = sorted(p.name for p in (folder / "spool").rglob("*.batch"))
    after_back = text.split("the database is back", 1)[-1]
    result.requests = report.sent
    result.visits_stored = stored
    result.lost = max(0, report.redirects - stored)
    result.refused = report.failed
    result.seconds = time.monotonic() - started
    result.figure = (
        f"database down {down_for:.1f} s; {report.sent} requests: {report.describe()}; "
        f"{int(during)} redirects while it was down; {served} served, {stored} stored"
    )
    result.expect(report.redirects > 0 and during > 0, "no redirects while the database was down")
    result.expect(stored == served, f"visits stored ({stored}) differ from redirects served ({served})")
    result.expect(stored >= report.redirects, f"{report.redirects - stored} redirected visits are missing")
    reasons = sorted(
        {line.split("answering 503: ", 1)[1][:160] for line in text.splitlines() if "answering 503: " in line}
    )
    result.expect(report.failed == 0, f"{report.failed} requests got no redirect: {reasons[:3]}")

    result.expect("spooling them to disk" in text, "nothing was spooled: the outage did not bite")
    result.expect("the database is back" in text, "the spool was never replayed")
    result.expect(not leftover, f"batches left in the spool: {leftover}")
    result.expect("Traceback" not in after_back, "errors after the database came back")
    return result


if __name__ == "__main__":
    print(run().line())
