"""Telling every Lantern process that a link changed (PostgreSQL LISTEN/NOTIFY).

A process that disables or changes a link sends a notification in the same
transaction; every process listening drops that slug from its cache, so
the change is honoured everywhere within moments instead of after the
cache's time-to-live. SQLite has no such channel: there the TTL bounds it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

log = logging.getLogger(__name__)

CHANNEL = "lantern_links"
RECONNECT_DELAY = 1.0


async def notify_link_changed(connection: AsyncConnection | AsyncSession, slug: str) -> None:
    """Queue a notification for `slug`; PostgreSQL delivers it when the transaction commits."""
    bind = connection.bind if isinstance(connection, AsyncSession) else connection
    if bind.dialect.name == "postgresql":
        notify = text("SELECT pg_notify(:channel, :slug)")
        await connection.execute(notify, {"channel": CHANNEL, "slug": slug})


def asyncpg_dsn(database_url: str) -> str:
    """The plain libpq DSN of a SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class LinkChangeListener:
    """Listens for link changes on its own connection and reconnects when it drops."""

    def __init__(self, database_url: str, on_change: Callable[[str], None]) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._on_change = on_change
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def _received(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._on_change(payload)

    async def start(self) -> None:
        """Start listening in the background; `ready` is set once the first LISTEN is in place."""
        self._task = asyncio.create_task(self._run(), name="link-change-listener")

    async def _run(self) -> None:
        import asyncpg  # only a PostgreSQL server listens; the command line never loads the driver here

        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("cannot listen for link changes (%s); retrying", error)
                await asyncio.sleep(RECONNECT_DELAY)
                continue
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _c, lost=lost: lost.set())
            try:
                await connection.add_listener(CHANNEL, self._received)
                self.ready.set()
                await lost.wait()
                log.warning("link-change connection lost; reconnecting")
            finally:
                self.ready.clear()
                await connection.close()

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
