"""Group commit: many requests' visits written in one transaction.

Each request waits for the commit of the batch holding its visit before
its redirect is sent, so a redirect a visitor received always has its
visit on disk (it survives `kill -9`), while the database sees one
transaction per batch instead of one per request.

When the database cannot take a batch, it goes to a spool on local disk
instead (fsynced before the redirects are sent) and is replayed once the
database answers again; while anything is spooled, new batches go
straight to the spool so visitors do not wait on a dead database.

A batch the database refuses *for its data* would fail the same way on
every retry and every replay, so it is split in halves, down to single
visits, and a visit still refused is quarantined with the reason: the
rest of its batch is stored, and nothing queued or spooled behind it waits.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")

#: Delays between attempts when a batch fails (a locked SQLite, a dropped connection).
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)
#: With a spool, a failing batch is spooled sooner: its visitors are waiting.
SPOOL_RETRY_DELAYS = (0.05, 0.25)
#: Seconds between attempts to replay spooled batches.
REPLAY_INTERVAL = 1.0


class RecorderUnavailable(Exception):
    """The recorder is shutting down or over its queue limit; the caller should answer 503."""


class Spool(Protocol[Item]):
    """Where batches wait for the database (tracking.spool.VisitSpool)."""

    def append(self, items: Sequence[Item], batch_id: str) -> Path: ...

    def pending(self) -> list[Path]: ...

    def load(self, path: Path) -> tuple[str, list[Item]]: ...

    def remove(self, path: Path) -> None: ...

    def set_aside(self, path: Path) -> Path: ...


Write = Callable[[Sequence[Item], str | None], Awaitable[None]]
RefusedItem = TypeVar("RefusedItem", contravariant=True)


class Quarantine(Protocol[RefusedItem]):
    """Keeps one refused item aside with the reason; `row_id` (its one-item write) keeps it once."""

    def __call__(self, item: RefusedItem, /, *, reason: str, row_id: str) -> Awaitable[None]: ...


def _part_id(batch_id: str, part: int) -> str:
    """The id of one half of a split batch: the same halves get the same ids when a spool replays it."""
    return hashlib.blake2b(f"{batch_id}/{part}".encode(), digest_size=16).hexdigest()


def _never(_error: BaseException) -> bool:
    return False


class GroupCommitter(Generic[Item]):
    """Collects items while a write is in flight and writes them all in the next one.

    `write(batch, batch_id)` stores a batch atomically with its id; a batch
    whose id the store already holds is skipped (written before). Up to
    `max_in_flight` batches are written at once: one for SQLite's single
    writer, several for PostgreSQL, whose commits wait on WAL flushes.
    `refused_for_data(error)` tells a refusal of the values (split, then
    `quarantine`) from a database that cannot write (retry, then spool).
    """

    def __init__(
        self,
        write: Write[Item],
        *,
        max_pending: int = 50_000,
        retry_delays: Sequence[float] | None = None,
        spool: Spool[Item] | None = None,
        replay_interval: float = REPLAY_INTERVAL,
        max_in_flight: int = 1,
        refused_for_data: Callable[[BaseException], bool] = _never,
        quarantine: Quarantine[Item] | None = None,
    ) -> None:
        self._write = write
        self._refused_for_data = refused_for_data if quarantine is not None else _never
        self._quarantine = quarantine
        self._max_in_flight = max_in_flight
        self._max_pending = max_pending
        default = SPOOL_RETRY_DELAYS if spool is not None else RETRY_DELAYS
        self._retry_delays = tuple(retry_delays if retry_delays is not None else default)
        self._spool = spool
        self._replay_interval = replay_interval
        self._pending: list[Item] = []
        self._done: asyncio.Future[None] | None = None
        self._wakeup = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._replayer: asyncio.Task[None] | None = None
        self._spooling = False
        self.spooling_since: datetime | None = None
        self.spool_refused = False  # the last append to the spool failed (full, unwritable)
        self.batches_written = 0
        self.items_written = 0
        self.items_spooled = 0
        self.items_replayed = 0
        self.items_quarantined = 0
        self.spool_files_set_aside = 0
        self._appending = 0
        self._appended = 0

    @property
    def pending(self) -> int:
        """Items waiting for the next write."""
        return len(self._pending)

    @property
    def spooling(self) -> bool:
        """True while batches go to the spool instead of the database."""
        return self._spooling

    async def start(self) -> None:
        """Start the writer (and the spool's replayer) on the running loop."""
        if self._spool is not None:
            left = await asyncio.to_thread(self._spool.pending)
            if left:
                log.warning("%d spooled visit batches from an earlier run; replaying them", len(left))
                self._start_spooling()
            self._replayer = asyncio.create_task(self._replay_forever(), name="visit-spool-replay")
        self._task = asyncio.create_task(self._run(), name="visit-group-commit")

    async def record(self, item: Item) -> None:
        """Queue an item and return once it is committed or spooled (or raise why it was not)."""
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
        """Write (or spool) everything already queued, then stop; nothing accepted is dropped."""
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._replayer is not None:
            self._replayer.cancel()
            await asyncio.gather(self._replayer, return_exceptions=True)
            self._replayer = None
            await self._replay_once()  # a last chance; what stays is replayed at the next start

    async def _run(self) -> None:
        in_flight: set[asyncio.Task[None]] = set()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                if len(in_flight) >= self._max_in_flight:
                    await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                    continue
                task = asyncio.create_task(self._flush())
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                await asyncio.sleep(0)  # the batch is taken; let the next one gather
            if self._closing:
                await asyncio.gather(*in_flight)
                return

    async def _flush(self) -> None:
        batch, done = self._pending, self._done
        self._pending, self._done = [], None
        assert done is not None
        # Every batch has an id the store keeps with its rows: a write that failed after the
        # database had in fact committed it, then spooled and replayed, is not counted twice.
        batch_id = uuid.uuid4().hex
        if self._spooling:
            await self._to_spool(batch, batch_id, done)
            return
        error: BaseException | None = None
        for delay in (*self._retry_delays, None):
            try:
                await self._store(batch, batch_id)
            except Exception as exc:  # noqa: BLE001 - retried, then spooled or handed to every waiter
                error = exc
                if delay is None:
                    break
                log.warning("writing %d visits failed (%s); retrying in %.2fs", len(batch), exc, delay)
                await asyncio.sleep(delay)
            else:
                error = None
                break
        if error is None:
            self.batches_written += 1
            done.set_result(None)
        elif self._spool is not None:
            log.error("the database is not taking visits (%s); spooling them to disk until it does", error)
            self._start_spooling()
            await self._to_spool(batch, batch_id, done)
        else:
            log.error(
                "could not store a batch of %d visits; their requests get 503", len(batch), exc_info=error
            )
            self._fail(done, error)

    async def _store(self, items: Sequence[Item], batch_id: str) -> None:
        """Write a batch; if the database refuses its data, store what it takes and quarantine the rest.

        Raises only when the database cannot write at all (the caller retries
        or spools the whole batch; halves already written are skipped then by
        their ids, the same on every attempt).
        """
        try:
            await self._write(items, batch_id)
        except Exception as error:
            if not self._refused_for_data(error):
                raise
            if len(items) == 1:
                assert self._quarantine is not None
                log.error("the database refused a visit (%s); it is kept in the quarantine", error)
                await self._quarantine(items[0], reason=f"{type(error).__name__}: {error}", row_id=batch_id)
                self.items_quarantined += 1
                return
            middle = len(items) // 2
            await self._store(items[:middle], _part_id(batch_id, 0))
            await self._store(items[middle:], _part_id(batch_id, 1))
            return
        self.items_written += len(items)

    def _start_spooling(self) -> None:
        if not self._spooling:
            self._spooling = True
            self.spooling_since = datetime.now(UTC)

    async def _to_spool(self, batch: list[Item], batch_id: str, done: asyncio.Future[None]) -> None:
        assert self._spool is not None
        self._appending += 1  # the replayer must not call the spool empty while a batch is on its way in
        try:
            await asyncio.to_thread(self._spool.append, batch, batch_id)
        except Exception as exc:  # noqa: BLE001 - a full or broken spool: the visitors get 503
            log.error("could not spool %d visits (%s); their requests get 503", len(batch), exc)
            self.spool_refused = True
            self._fail(done, RecorderUnavailable(f"the database and the spool both refused visits: {exc}"))
            return
        finally:
            self._appending -= 1
            self._appended += 1
        self.spool_refused = False
        self.items_spooled += len(batch)
        done.set_result(None)

    async def _replay_forever(self) -> None:
        while True:
            await asyncio.sleep(self._replay_interval)
            if self._spooling:
                await self._replay_once()

    async def _replay_once(self) -> None:
        """Write spooled batches oldest first; stop at the first the database cannot take.

        A batch refused for its data is stored in part and quarantined in part
        (see `_store`), so it is replayed past, never retried forever; a file
        that cannot even be read is set aside beside the spool for a person.
        """
        assert self._spool is not None
        files = await asyncio.to_thread(self._spool.pending)
        for path in files:
            try:
                batch_id, items = await asyncio.to_thread(self._spool.load, path)
            except (ValueError, TypeError, KeyError) as exc:
                kept = await asyncio.to_thread(self._spool.set_aside, path)
                self.spool_files_set_aside += 1
                log.error("a spooled visit batch cannot be read (%s); it is set aside as %s", exc, kept)
                continue
            try:
                await self._store(items, batch_id)
            except Exception as exc:  # noqa: BLE001 - still down: keep spooling, try again later
                if self._refused_for_data(exc):  # even the quarantine refused it: out of the way, on disk
                    kept = await asyncio.to_thread(self._spool.set_aside, path)
                    self.spool_files_set_aside += 1
                    log.error("a spooled visit batch cannot be stored (%s); it is set aside as %s", exc, kept)
                    continue
                log.warning(
                    "the database is still not taking visits (%s); %d batches spooled", exc, len(files)
                )
                return
            await asyncio.to_thread(self._spool.remove, path)
            self.items_replayed += len(items)
        appended = self._appended
        left = await asyncio.to_thread(self._spool.pending)
        if not left and not self._appending and appended == self._appended:
            if self._spooling:
                log.warning("the database is back: %d spooled visits replayed", self.items_replayed)
            self._spooling = False
            self.spooling_since = None

    @staticmethod
    def _fail(done: asyncio.Future[None], error: BaseException) -> None:
        if not done.done():
            done.set_exception(error)
            done.exception()  # mark retrieved: waiters may have gone away
