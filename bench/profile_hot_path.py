"""Sample the redirect hot path with py-spy while wrk drives one SQLite worker."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.servers import LANTERN, free_port, lantern, lantern_env, shorten
from bench.wrk import run_wrk


def profile(seconds: int = 8, top: int = 15) -> list[tuple[float, str]]:
    """(share of samples, frame) for the frames where the serving thread spends its own time."""
    with tempfile.TemporaryDirectory(prefix="lantern-profile-") as tmp:
        workdir = Path(tmp)
        env = lantern_env(f"sqlite+aiosqlite:///{workdir / 'profile.db'}", free_port())
        subprocess.run([LANTERN, "db", "upgrade"], env=env, check=True, capture_output=True)
        slug = shorten(env)
        raw = workdir / "profile.txt"
        with lantern(env, 1, workdir / "profile.log") as server:
            pid = server.processes[0].pid
            load = threading.Thread(
                target=run_wrk,
                args=(f"http://127.0.0.1:{server.port}/{slug}",),
                kwargs={"seconds": seconds + 2},
            )
            load.start()
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    str(seconds),
                    "-r",
                    "250",
                    "-f",
                    "raw",
                    "-o",
                    str(raw),
                ],
                check=True,
                capture_output=True,
            )
            load.join()
        return summarize(raw.read_text(), top)


def summarize(collapsed: str, top: int) -> list[tuple[float, str]]:
    """Self time per frame of the event-loop thread (idle waiting in select is kept: it is headroom)."""
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or "_connection_worker_thread" in stack or "lantern-sqlite" in stack:
            continue
        frames = stack.split(";")
        if not any("run_forever" in f for f in frames):
            continue
        n = int(count)
        total += n
        own[frames[-1].split(" (")[0] + " (" + frames[-1].split(" (")[-1]] += n
    return [(n / total, frame) for frame, n in own.most_common(top)] if total else []
