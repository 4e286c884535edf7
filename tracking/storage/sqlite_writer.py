"""The SQLite visit writer: one thread, one connection, one hop per batch.

Through aiosqlite a batch costs several round trips between the event loop
and the driver's thread, each waiting for a busy loop; here the whole
transaction runs in the writer thread, so the redirects waiting on it are
released as soon as SQLite commits. Checkpoints (the only fsyncs under WAL
with synchronous=NORMAL) run in a second thread so no batch waits on one.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from tracking.core.visits import Visit
from tracking.storage.engine import SQLITE_BUSY_TIMEOUT_MS
from tracking.storage.visit_sql import ANY_WEBHOOK, batch_statements, claim_batch, insert_outbox, outbox_rows

log = logging.getLogger(__name__)

#: Seconds between background checkpoints.
CHECKPOINT_INTERVAL = 1.0
#: Pages after which the writer checkpoints by itself, should the background task fall behind.
AUTOCHECKPOINT_PAGES = 20_000


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
    )
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
    return connection


def multi_row(
    sql: str, rows: Sequence[tuple[object, ...]], max_params: int
) -> Iterator[tuple[str, list[object]]]:
    """One `INSERT … VALUES (…), (…), …` per chunk instead of one step per row.

    Each statement is one call into SQLite, so the writer thread gives up and
    takes back the interpreter lock once per table rather than once per row,
    and never queues behind the busy event loop for each of them.
    """
    if not rows:
        return
    head, _, rest = sql.partition(" VALUES (")
    group_end = rest.index(")")
    group, tail = "(" + rest[:group_end] + ")", rest[group_end + 1 :]
    per_statement = max(1, max_params // len(rows[0]))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = ", ".join([group] * len(chunk))
        yield f"{head} VALUES {values}{tail}", [value for row in chunk for value in row]


class SqliteVisitWriter:
    """Writes visit batches (raw rows and roll-ups) to an SQLite file from its own thread."""

    def __init__(self, path: str, *, tz: ZoneInfo, forward_always: bool = False) -> None:
        self._path = path
        self._tz = tz
        self._forward_always = forward_always  # GA4 is on: every click and share leaves Lantern
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="lantern-sqlite-writer")
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="lantern-sqlite-checkpoint")
        self._connection: sqlite3.Connection | None = None
        self._checkpoint_connection: sqlite3.Connection | None = None
        self._checkpoint_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Open the connections and start background checkpoints."""
        loop = asyncio.get_running_loop()
        self._connection = await loop.run_in_executor(self._writer, _connect, self._path)
        self._checkpoint_connection = await loop.run_in_executor(self._checkpointer, _connect, self._path)
        self._checkpoint_task = asyncio.create_task(self._checkpoints(), name="sqlite-checkpoints")

    async def write_batch(self, visits: Sequence[Visit], batch_id: str | None = None) -> None:
        """Commit one batch and its roll-ups in one transaction, in the writer thread; a batch whose
        id was stored before changes nothing."""
        await asyncio.get_running_loop().run_in_executor(self._writer, self._write, visits, batch_id)

    def _write(self, visits: Sequence[Visit], batch_id: str | None = None) -> None:
        connection = self._connection
        assert connection is not None, "start() first"
        max_params = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        statements = [
            part
            for sql, rows in batch_statements("sqlite", visits, self._tz)
            for part in multi_row(sql, rows, max_params)
        ]
        connection.execute("BEGIN IMMEDIATE")
        try:
            if batch_id is not None:
                claim, claim_params = claim_batch("sqlite", batch_id)
                if not connection.execute(claim, claim_params).rowcount:
                    connection.execute("ROLLBACK")
                    return
            for sql, params in statements:
                connection.execute(sql, params)
            self._write_outbox(connection, visits, max_params)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _write_outbox(self, connection: sqlite3.Connection, visits: Sequence[Visit], max_params: int) -> None:
        """The batch's outbox rows, in its transaction, when anything (GA4, a webhook) listens."""
        rows = outbox_rows("sqlite", visits)
        if not rows:
            return
        if not self._forward_always and not connection.execute(ANY_WEBHOOK).fetchone()[0]:
            return
        for sql, params in multi_row(insert_outbox("sqlite"), rows, max_params):
            connection.execute(sql, params)

    async def _checkpoints(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CHECKPOINT_INTERVAL)
            try:
                await loop.run_in_executor(self._checkpointer, self._checkpoint)
            except sqlite3.Error as error:
                log.warning("background checkpoint failed: %s", error)

    def _checkpoint(self) -> None:
        assert self._checkpoint_connection is not None
        self._checkpoint_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    async def close(self) -> None:
        """Stop checkpoints and close both connections (after the last batch)."""
        if self._checkpoint_task is not None:
            self._checkpoint_task.cancel()
            await asyncio.gather(self._checkpoint_task, return_exceptions=True)
        loop = asyncio.get_running_loop()
        for executor, connection in (
            (self._writer, self._connection),
            (self._checkpointer, self._checkpoint_connection),
        ):
            if connection is not None:
                await loop.run_in_executor(executor, connection.close)
            executor.shutdown(wait=True)
