"""The in-process link cache in front of the database, on the redirect hot path.

Bounded (LRU) and time-limited, so a link changed by another process is
seen within the time-to-live; unknown slugs are remembered briefly so a
flood of bad slugs does not reach the database; concurrent misses for one
slug share a single query.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from cachetools import TLRUCache

from tracking.core.links import Link

#: Unknown slugs are cached for this long at most (a link made elsewhere shows up fast).
NEGATIVE_TTL = 1.0


@dataclass(slots=True)
class CachedLink:
    """A link and the channels that previewed it recently (for recent-preview attribution)."""

    link: Link | None
    previews: dict[str, datetime] = field(default_factory=dict)


LoadLink = Callable[[str], Awaitable[CachedLink]]


class LinkCache:
    """Slug → link, loaded through `load` on a miss."""

    def __init__(
        self, load: LoadLink, *, size: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._entries: TLRUCache[str, CachedLink] = TLRUCache(
            maxsize=max(size, 1), ttu=self._expiry, timer=clock
        )
        self._loading: dict[str, asyncio.Future[CachedLink]] = {}
        self.hits = 0
        self.misses = 0

    def _expiry(self, _slug: str, entry: CachedLink, now: float) -> float:
        return now + (self._ttl if entry.link is not None else min(self._ttl, NEGATIVE_TTL))

    async def get(self, slug: str) -> CachedLink:
        """The cached entry for `slug`, loading it once if absent or stale."""
        entry = self._entries.get(slug)
        if entry is not None:
            self.hits += 1
            return entry
        self.misses += 1
        pending = self._loading.get(slug)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[CachedLink] = asyncio.get_running_loop().create_future()
        self._loading[slug] = future
        try:
            entry = await self._load(slug)
        except BaseException as error:
            future.set_exception(error)
            future.exception()
            raise
        finally:
            del self._loading[slug]
        if self._ttl > 0:
            self._entries[slug] = entry
        future.set_result(entry)
        return entry

    def forget(self, slug: str) -> None:
        """Drop a slug so its next request reads the database (after a change made here)."""
        self._entries.pop(slug, None)

    def update_link(self, slug: str, link: Link) -> None:
        """Replace the cached link (e.g. after its click limit was reached)."""
        entry = self._entries.get(slug)
        if entry is not None:
            self._entries[slug] = replace(entry, link=link)

    def __len__(self) -> int:
        return len(self._entries)
