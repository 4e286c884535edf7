"""Starting and stopping the servers a benchmark measures: the bare reference and Lantern."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANTERN = str(Path(sys.executable).with_name("lantern"))


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Block until something accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


@dataclass
class Running:
    """A started server: its port, its processes and (for Lantern) where it logs."""

    port: int
    processes: list[subprocess.Popen[bytes]]
    log: Path | None = None
    pids: list[int] = field(default_factory=list)


@contextmanager
def reference(workers: int) -> Iterator[Running]:
    """The bare aiohttp 302 server, in `workers` processes sharing the port."""
    port = free_port()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "reference_server.py"),
                "--port",
                str(port),
                *(["--reuse-port"] if workers > 1 else []),
            ]
        )
        for _ in range(workers)
    ]
    try:
        wait_for_port(port)
        time.sleep(0.5)
        yield Running(port, processes)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def lantern_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment a benchmark runs Lantern with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env.update(
        LANTERN_DATABASE_URL=database_url,
        LANTERN_PORT=str(port),
        LANTERN_LOG_LEVEL="INFO",
        LANTERN_BASE_URL=f"http://127.0.0.1:{port}",
        **extra,
    )
    return env


def shorten(env: dict[str, str], url: str = "https://example.com/landing", channel: str = "email") -> str:
    """Make a link with the CLI and return its slug."""
    out = subprocess.run(
        [LANTERN, "shorten", url, "--channel", channel],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().rsplit("/", 1)[1]


@contextmanager
def lantern(
    env: dict[str, str], workers: int, log: Path, command: list[str] | None = None
) -> Iterator[Running]:
    """`lantern serve --workers N`, stopped with SIGTERM (so every batch drains) at the end."""
    port = int(env["LANTERN_PORT"])
    with log.open("wb") as out:
        process = subprocess.Popen(
            command or [LANTERN, "serve", "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
            time.sleep(1.0)
            yield Running(port, [process], log)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def redirects_served(log: Path) -> int:
    """The sum of every worker's "served N redirects" line."""
    return sum(int(n) for n in re.findall(r"served (\d+) redirects", log.read_text()))


def worker_pids(log: Path) -> list[int]:
    """Pids of the workers a supervisor started (from its log)."""
    return [int(p) for p in re.findall(r"worker \d+ started \(pid (\d+)\)", log.read_text())]
