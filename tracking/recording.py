"""Group commit: many requests' visits written in one transaction.

Each request waits for the commit of the batch holding its visit before
its redirect is sent, so a redirect a visitor received always has its
visit on disk (it survives `kill -9`), while the database sees one
transaction per batch instead of one per request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")

#: Delays between attempts when a batch fails (a locked SQLite, a dropped connection).
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)


class RecorderUnavailable(Exception):
    """The recorder is shutting down or over its queue limit; the caller should answer 503."""


class GroupCommitter(Generic[Item]):
    """Collects items while a write is in flight and writes them all in the next one."""

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Awaitable[None]],
        *,
        max_pending: int = 50_000,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self._write = write
        self._max_pending = max_pending
        self._retry_delays = tuple(retry_delays)
        self._pending: list[Item] = []
        self._done: asyncio.Future[None] | None = None
        self._wakeup = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.batches_written = 0
        self.items_written = 0

    @property
    def pending(self) -> int:
        """Items waiting for the next write."""
        return len(self._pending)

    async def start(self) -> None:
        """Start the writer task on the running loop."""
        self._task = asyncio.create_task(self._run(), name="visit-group-commit")

    async def record(self, item: Item) -> None:
        """Queue an item and return once it is committed (or raise why it was not)."""
        if self._closing or self._task is None:
            raise RecorderUnavailable("shutting down")
        if len(self._pending) >= self._max_pending:
            raise RecorderUnavailable("too many visits waiting for the database")
        if self._done is None:
            self._done = asyncio.get_running_loop().create_future()
        done = self._done
        self._pending.append(item)
        self._wakeup.set()
        # Shielded: a client that hangs up must not cancel its whole batch.
        await asyncio.shield(done)

    async def stop(self) -> None:
        """Write everything already queued, then stop; nothing accepted is dropped."""
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                await self._flush()
            if self._closing:
                return

    async def _flush(self) -> None:
        batch, done = self._pending, self._done
        self._pending, self._done = [], None
        assert done is not None
        error: BaseException | None = None
        for delay in (*self._retry_delays, None):
            try:
                await self._write(batch)
            except Exception as exc:  # noqa: BLE001 - retried, then handed to every waiter
                error = exc
                if delay is None:
                    break
                log.warning("writing %d visits failed (%s); retrying in %.2fs", len(batch), exc, delay)
                await asyncio.sleep(delay)
            else:
                error = None
                break
        if error is not None:
            log.error(
                "could not store a batch of %d visits; their requests get 503", len(batch), exc_info=error
            )
            self._fail(done, error)
            return
        self.batches_written += 1
        self.items_written += len(batch)
        done.set_result(None)

    @staticmethod
    def _fail(done: asyncio.Future[None], error: BaseException) -> None:
        if not done.done():
            done.set_exception(error)
            done.exception()  # mark retrieved: waiters may have gone away
