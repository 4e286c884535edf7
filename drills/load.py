"""A steady stream of visits, as many people clicking one link, counted the way a visitor sees it.

Request n asks for `/{slug}?q=n`: the query travels into the redirect's
Location, so each 302 can be matched to the request that caused it. What
counts for "nothing lost" is how many 302s came back: each one promises a
stored visit.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from drills.harness import BROWSER

#: How long one request may take before the client gives up on it.
REQUEST_TIMEOUT = 20.0


@dataclass
class LoadReport:
    """What the client saw: status codes, transport errors, and 302s pointing elsewhere."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    mismatched: int = 0  # 302s whose Location lacks the request's own q=n
    connections: int = 0  # one per request, plus one per silent retry
    seconds: float = 0.0

    @property
    def redirects(self) -> int:
        """302s received: each one is a promise that its visit is stored."""
        return self.statuses[302]

    @property
    def retried(self) -> int:
        """Requests aiohttp sent twice because the first connection broke (it retries a GET once)."""
        connected = self.sent - self.errors["ClientConnectorError"]
        return max(0, self.connections - connected)

    @property
    def failed(self) -> int:
        """Requests that got no redirect: an error status or a cut connection."""
        return self.sent - self.redirects

    def describe(self) -> str:
        """Every status code and error in a few words."""
        parts = [f"{count}× {status}" for status, count in sorted(self.statuses.items())]
        parts += [f"{count}× {name}" for name, count in self.errors.most_common()]
        return ", ".join(parts) or "nothing"

    def failures(self) -> str:
        """The answers that were not a 302, in a few words ("none" when every request redirected)."""
        parts = [f"{count}× {status}" for status, count in sorted(self.statuses.items()) if status != 302]
        parts += [f"{count}× {name}" for name, count in self.errors.most_common()]
        return ", ".join(parts) or "none"

    async def reached(self, redirects: int, within: float = 60.0) -> None:
        """Return once `redirects` 302s have come back (the drill's cue to strike)."""
        deadline = time.monotonic() + within
        while self.redirects < redirects:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.redirects} of {redirects} redirects after {within}s")
            await asyncio.sleep(0.01)


async def _one(session: aiohttp.ClientSession, url: str, n: int, report: LoadReport) -> None:
    try:
        async with session.get(url, params={"q": str(n)}, allow_redirects=False) as response:
            await response.read()
            report.statuses[response.status] += 1
            location = response.headers.get("Location", "")
            if response.status == 302 and not re.search(rf"[?&]q={n}(?:[&#]|$)", location):
                report.mismatched += 1
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        report.errors[type(error).__name__] += 1


async def steady_load(
    origin: str,
    slug: str,
    *,
    total: int,
    rate: float,
    concurrency: int = 64,
    stop: asyncio.Event | None = None,
    report: LoadReport | None = None,
) -> LoadReport:
    """Send `total` GETs at `rate` per second (fewer if `stop` is set first); wait for every answer.

    Pass your own `report` to watch it fill while the load runs.
    """
    report = report if report is not None else LoadReport()
    stop = stop or asyncio.Event()
    url = f"{origin}/{slug}"
    limit = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    # A connection per request, as from many visitors; aiohttp retries a GET once when its connection
    # breaks (as browsers do), so connections are counted to tell those retries apart.
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    tracing = aiohttp.TraceConfig()

    async def connected(*_: object) -> None:
        report.connections += 1

    tracing.on_connection_create_end.append(connected)
    pending: set[asyncio.Task[None]] = set()
    started = time.monotonic()

    async def paced(n: int) -> None:
        try:
            await _one(session, url, n, report)
        finally:
            limit.release()

    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers={"User-Agent": BROWSER}, trace_configs=[tracing]
    ) as session:
        for n in range(total):
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await limit.acquire()
            if stop.is_set():
                limit.release()
                break
            report.sent += 1
            task = asyncio.create_task(paced(n))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)
    report.seconds = time.monotonic() - started
    return report
