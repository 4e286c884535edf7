"""The in-process link cache in front of the database, on the redirect hot path.

Bounded (LRU) and time-limited, so a link changed by another process is
seen within the time-to-live. Past half its life an entry is reloaded in
the background while it keeps being served, so a busy link never makes
its visitors wait for the database; unknown slugs are remembered briefly so a

flood of bad slugs does not reach the database; concurrent misses for one
slug share a single query.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from cachetools import LRUCache

from tracking.core.links import Link

log = logging.getLogger(__name__)

#: Unknown slugs are cached for this long at most (a link made elsewhere shows up fast).
NEGATIVE_TTL = 1.0


@dataclass(slots=True)
class CachedLink:
    """A link and the channels that previewed it recently (for recent-preview attribution)."""

    link: Link | None
    previews: dict[str, datetime] = field(default_factory=dict)


@dataclass(slots=True)
class _Slot:
    entry: CachedLink
    loaded_at: float


LoadLink = Callable[[str], Awaitable[CachedLink]]


class LinkCache:
    """Slug → link, loaded through `load` on a miss."""

    def __init__(
        self, load: LoadLink, *, size: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._slots: LRUCache[str, _Slot] = LRUCache(maxsize=max(size, 1))
        self._loading: dict[str, asyncio.Future[CachedLink]] = {}
        self._refreshing: set[asyncio.Task[CachedLink]] = set()
        self.hits = 0
        self.misses = 0

    async def get(self, slug: str) -> CachedLink:
        """The entry for `slug`: cached, stale while a reload runs, or loaded now."""
        slot = self._slots.get(slug)
        if slot is not None:
            age = self._clock() - slot.loaded_at
            if slot.entry.link is None:
                if age < min(self._ttl, NEGATIVE_TTL):
                    self.hits += 1
                    return slot.entry
            elif age < self._ttl:
                self.hits += 1
                if age >= self._ttl / 2:
                    self._refresh(slug)  # refresh ahead: busy links never wait for a reload
                return slot.entry
        self.misses += 1
        try:
            return await self._load_once(slug)
        except Exception as error:
            if slot is None or slot.entry.link is None:
                raise
            log.warning("cannot reload link %s (%s); serving the cached copy", slug, error)
            slot.loaded_at = self._clock()  # try again in the background, not on every request
            return slot.entry

    def _refresh(self, slug: str) -> None:
        if slug in self._loading:
            return
        task = asyncio.create_task(self._load_once(slug), name=f"reload-link-{slug}")
        self._refreshing.add(task)
        task.add_done_callback(self._refresh_done)

    def _refresh_done(self, task: asyncio.Task[CachedLink]) -> None:
        self._refreshing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("reloading a cached link failed; serving it stale: %s", task.exception())

    async def _load_once(self, slug: str) -> CachedLink:
        pending = self._loading.get(slug)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[CachedLink] = asyncio.get_running_loop().create_future()
        self._loading[slug] = future
        try:
            entry = await self._load(slug)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved here; waiters re-raise it
            raise
        finally:
            del self._loading[slug]
        if self._ttl > 0:
            self._slots[slug] = _Slot(entry, self._clock())
        future.set_result(entry)
        return entry

    def peek(self, slug: str) -> CachedLink | None:
        """The entry in memory, however old, without ever reading the database."""
        slot = self._slots.get(slug)
        return slot.entry if slot is not None else None

    def forget(self, slug: str) -> None:
        """Drop a slug so its next request reads the database (after a change made here)."""
        self._slots.pop(slug, None)

    def update_link(self, slug: str, link: Link) -> None:
        """Replace the cached link (e.g. after its click limit was reached)."""
        slot = self._slots.get(slug)
        if slot is not None:
            slot.entry = replace(slot.entry, link=link)

    def __len__(self) -> int:
        return len(self._slots)
