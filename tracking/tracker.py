"""The redirect use case: resolve a slug, decide its answer, record the visit.

Transport-free: the aiohttp handler turns a request into `VisitRequest`
and this object's `Outcome` back into a response.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from tracking.core.attribution import VisitKind
from tracking.core.links import LinkState
from tracking.core.rate_limits import RateLimiter, retry_after_seconds
from tracking.core.slugs import looks_like_slug
from tracking.core.tagging import merge_query
from tracking.core.visits import (
    Network,
    Visit,
    VisitBuilder,
    VisitRequest,
    client_ip,
    share_event,
    truncate_ip,
)
from tracking.link_cache import CachedLink, LinkCache

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to answer: a status, and the Location for redirects."""

    status: int
    location: str | None = None
    reason: str = ""
    retry_after: int | None = None  # whole seconds, for the Retry-After header of a 429


NOT_FOUND = Outcome(404, reason="no link has this address")
TOO_MANY_NOT_FOUND = "too many requests for unknown links from your network; slow down"


class NotFoundThrottle:
    """Counts unknown-slug answers per client network and says when one has had too many.

    The network is the visitor's address as visits see it (X-Forwarded-For
    only from trusted proxies) cut to /24 or /48, so one scanner cannot dodge
    the limit by rotating through its neighbours' addresses — and a network
    over the limit loses nothing but its 404s: links that exist still
    redirect, and every other network is untouched.
    """

    def __init__(self, limiter: RateLimiter, *, trusted_proxies: Sequence[Network] = ()) -> None:
        self._limiter = limiter
        self._trusted = tuple(trusted_proxies)

    def _network(self, request: VisitRequest) -> str:
        ip = client_ip(request.peer_ip, request.forwarded_for, self._trusted)
        # A hop that is no address at all shares one allowance: varying it must not buy fresh ones.
        return truncate_ip(ip) or "unreadable-address"

    def refused(self, request: VisitRequest) -> Outcome | None:
        """Count one unknown-slug answer; a 429 when the request's network is over its limit."""
        wait = self._limiter.take(self._network(request))
        if not wait:
            return None
        return Outcome(429, reason=TOO_MANY_NOT_FOUND, retry_after=retry_after_seconds(wait))

    def flooding(self, request: VisitRequest) -> bool:
        """True while the request's network is over its limit (nothing is counted)."""
        return bool(self._limiter.wait(self._network(request)))


class DailySalts:
    """The visitor-hash salt of each UTC day, fetched once per day per process."""

    def __init__(self, fetch: Callable[[date], Awaitable[str]]) -> None:
        self._fetch = fetch
        self._day: date | None = None
        self._salt = ""

    async def for_day(self, day: date) -> str:
        """The salt for `day`; only the first request of a day waits for the database."""
        if day != self._day:
            try:
                self._salt = await self._fetch(day)
            except Exception as error:
                if not self._salt:
                    raise
                log.warning("cannot fetch the visitor salt for %s (%s); keeping the last one", day, error)
                return self._salt
            self._day = day
        return self._salt


class Tracker:
    """Answers `GET|HEAD /{slug}` and records the visit before the redirect is sent."""

    def __init__(
        self,
        *,
        cache: LinkCache,
        builder: VisitBuilder,
        record: Callable[[Visit], Awaitable[None]],
        reserve_click: Callable[[int], Awaitable[bool]],
        salts: DailySalts,
        clock: Callable[[], datetime],
        redirect_status: int = 302,
        preview_window: timedelta = timedelta(hours=24),
        not_found_throttle: NotFoundThrottle | None = None,
    ) -> None:
        self._cache = cache
        self._builder = builder
        self._record = record
        self._reserve_click = reserve_click
        self._salts = salts
        self._clock = clock
        self._redirect_status = redirect_status
        self._preview_window = preview_window
        self._throttle = not_found_throttle

    async def visit(self, slug: str, request: VisitRequest, query_string: str = "") -> Outcome:
        """Resolve, record and answer one request to a short link."""
        if not looks_like_slug(slug):
            return self._not_found(request)  # decided without the cache or the database
        if self._throttle is not None and self._throttle.flooding(request):
            # A flooding network is answered from memory only: a link it may know is served,
            # anything else gets its 429 without a database look-up.
            known = self._cache.peek(slug)
            if known is None or known.link is None:
                return self._not_found(request)
            entry = known
        else:
            entry = await self._cache.get(slug)

        link = entry.link
        if link is None:
            return self._not_found(request)
        now = self._clock()
        state = link.state(now)
        if state is not LinkState.ACTIVE:
            return _gone(state)
        visit = self._builder.build(
            request,
            link,
            at=now,
            salt=await self._salts.for_day(now.date()),
            recent_preview_channels=self._recent_previews(entry, now),
        )
        limited = visit.kind is VisitKind.CLICK and link.max_clicks is not None
        if limited and not await self._reserve_click(link.id):
            self._cache.update_link(slug, replace(link, clicks=link.max_clicks or 0))
            return _gone(LinkState.EXHAUSTED)
        await self._record(visit)
        if visit.kind is VisitKind.PREVIEW:
            entry.previews[visit.channel] = now
        return Outcome(self._redirect_status, merge_query(link.tagged_target, query_string))

    async def preflight(self, slug: str, request: VisitRequest) -> bool:
        """An OPTIONS request: nothing is stored, but scanner evidence remembers it for the GET after it.

        False when no active link has that slug.
        """
        if not looks_like_slug(slug):
            return False
        entry = self._cache.peek(slug) or await self._cache.get(slug)
        link = entry.link
        if link is None:
            return False
        self._builder.observe_preflight(request, link, at=self._clock())
        return True

    async def record_share(self, slug: str, channel: str, *, source: str) -> bool:
        """Store a share event a platform told us about (a Slack unfurl, a Telegram inline pick).

        Counted like a preview fetch of that app — the platform will not fetch
        the link itself — and remembered for recent-preview attribution.
        False when no link has that slug.
        """
        entry = await self._cache.get(slug)
        link = entry.link
        if link is None:
            return False
        now = self._clock()
        await self._record(share_event(link.id, channel, source=source, at=now))
        entry.previews[channel] = now
        return True

    def _not_found(self, request: VisitRequest) -> Outcome:
        """404, or 429 for a network past its unknown-slug limit (the only place the limiter runs)."""
        if self._throttle is None:
            return NOT_FOUND
        return self._throttle.refused(request) or NOT_FOUND

    def _recent_previews(self, entry: CachedLink, now: datetime) -> frozenset[str]:

        if not entry.previews:
            return frozenset()
        since = now - self._preview_window
        return frozenset(channel for channel, seen in entry.previews.items() if seen >= since)


def _gone(state: LinkState) -> Outcome:
    reasons = {
        LinkState.DISABLED: "this link has been disabled",
        LinkState.EXPIRED: "this link has expired",
        LinkState.EXHAUSTED: "this link has reached its click limit",
    }
    return Outcome(410, reason=reasons[state])
