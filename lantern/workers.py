"""`lantern serve --workers N`: N processes share one port (SO_REUSEPORT) and one database.

The parent only supervises: it starts the workers, restarts one that dies
unexpectedly (after `kill -9`, an out-of-memory kill, a crash), and on
SIGTERM or SIGINT passes the signal on and waits for every worker to drain
its in-flight visit batches.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

log = logging.getLogger(__name__)

#: A worker that dies sooner than this after starting is not restarted in a tight loop.
RESTART_BACKOFF = 1.0


class Supervisor:
    """Keeps N worker processes running until told to stop."""

    def __init__(self, command: Sequence[str], workers: int, *, drain_timeout: float) -> None:
        self._command = list(command)
        self._count = workers
        self._drain_timeout = drain_timeout
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._stopping = False

    def _spawn(self, index: int) -> None:
        env = {**os.environ, "LANTERN_WORKER_INDEX": str(index)}
        self._children[index] = subprocess.Popen(self._command, env=env)  # noqa: S603 - our own command
        log.info("worker %d started (pid %d)", index, self._children[index].pid)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True
        for child in self._children.values():
            if child.poll() is None:
                child.send_signal(signum)

    def run(self) -> int:
        """Start the workers and supervise them; the exit code is 0 after a clean stop."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        for index in range(self._count):
            self._spawn(index)
        started = {index: time.monotonic() for index in self._children}
        while not self._stopping:
            time.sleep(0.2)
            for index, child in list(self._children.items()):
                code = child.poll()
                if code is None or self._stopping:
                    continue
                log.warning("worker %d (pid %d) exited with %s; restarting it", index, child.pid, code)
                if time.monotonic() - started[index] < RESTART_BACKOFF:
                    time.sleep(RESTART_BACKOFF)
                self._spawn(index)
                started[index] = time.monotonic()
        return self._wait_all()

    def _wait_all(self) -> int:
        deadline = time.monotonic() + self._drain_timeout
        worst = 0
        for index, child in self._children.items():
            try:
                code = child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("worker %d did not stop in time; killing it", index)
                child.kill()
                code = child.wait()
            worst = worst or (0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else code)
        return worst


def worker_command(host: str, port: int) -> list[str]:
    """How a worker is started: this same program, one process, sharing the port."""
    return [sys.executable, "-m", "lantern", "serve", "--host", host, "--port", str(port), "--reuse-port"]
