"""Copy-and-paste capture: a tokened page arrival becomes a visit; a new token, a copy share.

The script on a registered site reports arrivals at `/collect`; this use
case classifies them with the same rules as redirects (in-app browser user
agents, referrers; nothing at all → direct, i.e. dark social) and records
them through the same group commit, so a page visit is stored exactly like
a click on a short link.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from cachetools import LRUCache, TTLCache

from tracking.core.attribution import VisitKind
from tracking.core.errors import RateLimited
from tracking.core.links import Link
from tracking.core.rate_limits import RateLimiter, retry_after_seconds
from tracking.core.shortening import Shortener, ShortenRequest, ShortenResult
from tracking.core.sites import SHARE_CHANNELS, Beacon, ShareRequest, Site
from tracking.core.visits import (
    Network,
    Visit,
    VisitBuilder,
    VisitRequest,
    client_ip,
    share_event,
    truncate_ip,
)


class SiteStore(Protocol):
    """What capture needs from storage."""

    async def by_key(self, key: str) -> Site | None: ...

    async def page_link(self, site: Site, path: str) -> Link: ...

    async def first_arrival(self, *, site: Site, token: str, link_id: int, at: datetime) -> bool: ...


class PageCapture:
    """Records tokened arrivals and makes share-button links for registered sites."""

    def __init__(
        self,
        *,
        sites: SiteStore,
        builder: VisitBuilder,
        record: Callable[[Visit], Awaitable[None]],
        salt_for: Callable[[datetime], Awaitable[str]],
        clock: Callable[[], datetime],
        shortener: Shortener,
        per_network_per_minute: int = 60,
        per_site_per_minute: int = 6000,
        trusted_proxies: Sequence[Network] = (),
    ) -> None:
        self._sites = sites
        self._builder = builder
        self._record = record
        self._salt_for = salt_for
        self._clock = clock
        self._shortener = shortener
        self._trusted = tuple(trusted_proxies)
        self._by_key: TTLCache[str, Site | None] = TTLCache(maxsize=1024, ttl=10)
        self._pages: LRUCache[tuple[int, str], Link] = LRUCache(maxsize=20_000)
        self._network_limit = (
            RateLimiter(
                per_minute=per_network_per_minute,
                burst=max(10, per_network_per_minute // 2),
                clock=time.monotonic,
            )
            if per_network_per_minute > 0
            else None
        )
        self._site_limit = (
            RateLimiter(
                per_minute=per_site_per_minute, burst=max(100, per_site_per_minute // 6), clock=time.monotonic
            )
            if per_site_per_minute > 0
            else None
        )

    async def site(self, key: str) -> Site | None:
        """The registered site a key names (cached for a few seconds; removal takes effect quickly)."""
        if key in self._by_key:
            return self._by_key[key]
        found = await self._sites.by_key(key)
        self._by_key[key] = found
        return found

    def check_rate(self, site: Site, request: VisitRequest) -> None:
        """Per client network and per site; RateLimited says how long to wait."""
        network = (
            truncate_ip(client_ip(request.peer_ip, request.forwarded_for, self._trusted)) or request.peer_ip
        )
        for limiter, key in ((self._network_limit, f"{site.id}:{network}"), (self._site_limit, str(site.id))):
            if limiter is None:
                continue
            wait = limiter.take(key)
            if wait:
                seconds = retry_after_seconds(wait)
                raise RateLimited(f"too many requests; try again in {seconds} s", retry_after=seconds)

    async def _page(self, site: Site, path: str) -> Link:
        cached = self._pages.get((site.id, path))
        if cached is not None:
            return cached
        link = await self._sites.page_link(site, path)
        self._pages[(site.id, path)] = link
        return link

    async def arrival(self, site: Site, beacon: Beacon, request: VisitRequest) -> Visit:
        """Record one tokened arrival (and, for a token's first real click, a copy share)."""
        link = await self._page(site, beacon.path)
        now = self._clock()
        visit = self._builder.build(
            replace(request, referrer=beacon.referrer), link, at=now, salt=await self._salt_for(now)
        )
        await self._record(visit)
        if visit.kind is VisitKind.CLICK and await self._sites.first_arrival(
            site=site, token=beacon.token, link_id=link.id, at=now
        ):
            copy = replace(share_event(link.id, visit.channel, source="page-token", at=now), evidence="copy")
            await self._record(copy)
        return visit

    async def share(self, site: Site, share: ShareRequest) -> ShortenResult:
        """A short link to the page, tagged for the button's channel (only pages of the site's origin)."""
        channel = SHARE_CHANNELS[share.button]
        return await self._shortener.shorten_registered_page(
            f"{site.origin}{share.path}",
            ShortenRequest(url=f"{site.origin}{share.path}", channel=channel, campaign="page-share"),
        )
