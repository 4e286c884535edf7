"""Peak memory (RSS) of one Lantern worker under load with a million links in the database.

wrk asks for random slugs among all of them, so the link cache fills to
its bound and keeps churning; the peak is the kernel's high-water mark
(VmHWM) of the worker process.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.servers import LANTERN, free_port, lantern, lantern_env
from bench.wrk import run_wrk

LINKS = 1_000_000
SCRIPT = """
request = function()
  return wrk.format("GET", "/m" .. string.format("%07d", math.random(1, {links})))
end
"""


def _fill(path: Path, links: int) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO links (slug, target, tagged_target, target_host, channel, campaign, sharer_id, "
            "dedupe_key, custom_slug, created_at, updated_at, expires_at, disabled, max_clicks, clicks) "
            "VALUES (?, ?, ?, 'example.com', 'email', NULL, NULL, NULL, 0, ?, ?, NULL, 0, NULL, 0)",
            (
                (
                    f"m{n:07d}",
                    f"https://example.com/articles/{n}",
                    f"https://example.com/articles/{n}?utm_source=email&utm_medium=email",
                    now,
                    now,
                )
                for n in range(1, links + 1)
            ),
        )


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure(links: int = LINKS, seconds: int = 15) -> dict[str, Any]:
    """Fill, serve, load with random slugs, and read the worker's peak RSS before it stops."""
    with tempfile.TemporaryDirectory(prefix="lantern-memory-") as tmp:
        workdir = Path(tmp)
        db = workdir / "memory.db"
        port = free_port()
        env = lantern_env(f"sqlite+aiosqlite:///{db}", port)
        subprocess.run([LANTERN, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        _fill(db, links)
        filled = time.perf_counter() - started
        script = workdir / "random.lua"
        script.write_text(SCRIPT.replace("{links}", str(links)))
        with lantern(env, 1, workdir / "memory.log") as server:
            pid = server.processes[0].pid
            idle = _peak_rss_mb(pid)
            result = run_wrk(f"http://127.0.0.1:{server.port}", seconds=seconds, script=script)
            peak = _peak_rss_mb(pid)
        return {
            "links": links,
            "fill_s": round(filled, 1),
            "rss_idle_mb": round(idle, 1),
            "rss_peak_mb": round(peak, 1),
            "requests_per_s": result.requests_per_s,
            "p99_ms": result.p99_ms,
            "non_3xx": result.non_3xx,
            "responses": result.responses,
        }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(asyncio.to_thread(measure))))
