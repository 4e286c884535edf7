"""The shorten use case: validate, tag, deduplicate and store a link.

Every adapter (CLI, HTTP API, Slack, Telegram) ends here, so a link made
from a chat command and one made from the API obey the same rules.

Rate limit (issue #8): each sharer (`platform:external_id`), or the
request's `limit_key` (the API's `api:<key name>`), may *create* so many
links a minute. Only links actually created use up the allowance — asking
again for a link that exists is free — but once a key is over its limit
every request from it is refused with `RateLimited` before it reaches the
store, so a flood costs nothing. A request with neither (the CLI) is not
limited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tracking.core.channels import resolve_channel
from tracking.core.errors import InvalidInput, LinkNotFound, RateLimited, SlugTaken
from tracking.core.links import Link, LinkState, NewLink, SharerRef, dedupe_key, short_url
from tracking.core.ports import DuplicateLink, LinkRepository, SlugCollision
from tracking.core.rate_limits import (
    LinkAllowance,
    LocalAllowance,
    RateLimiter,
    in_words,
    per_minute_in_words,
    retry_after_seconds,
)
from tracking.core.slugs import check_custom_slug, looks_like_slug, random_slug
from tracking.core.tagging import normalise_campaign, tag_url, tags_for
from tracking.core.urls import MAX_URL_LENGTH, HostPolicy, validate_target

#: Most clicks a link may be limited to (the column is a 32-bit integer on PostgreSQL).
MAX_CLICKS = 1_000_000_000
#: Expiries from this year on are refused: far enough for "never", far from datetime's year 9999.
LAST_EXPIRY_YEAR = 9000

#: Random slugs collide about once in 10^12 draws at a million links; a few
#: retries make a failure practically impossible without an unbounded loop.
RANDOM_SLUG_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class ShortenRequest:
    """What a user asks for; strings are taken as typed and checked here."""

    url: str
    channel: str | None = None
    campaign: str | None = None
    slug: str | None = None
    sharer: SharerRef | None = None
    expires_at: datetime | None = None
    max_clicks: int | None = None
    #: Whose allowance this request uses (the API sets `api:<key name>`); None: the sharer's.
    limit_key: str | None = None
    #: The slug a `preview` promised (an inline result already shows it): the link gets exactly this one.
    reserved_slug: str | None = None


def rate_key(request: ShortenRequest) -> str | None:
    """The key a request is rate-limited under; None (no sharer, no key) is not limited."""
    if request.limit_key:
        return request.limit_key
    if request.sharer is not None:
        return f"{request.sharer.platform}:{request.sharer.external_id}"
    return None


@dataclass(frozen=True, slots=True)
class ShortenResult:
    """The link, its public short URL, and whether this call created it."""

    link: Link
    short_url: str
    created: bool

    def as_json(self) -> dict[str, object]:
        """The link as the CLI's --json and the API show it."""
        link = self.link
        return {
            "slug": link.slug,
            "short_url": self.short_url,
            "target": link.tagged_target,
            "original_url": link.target,
            "channel": link.channel,
            "campaign": link.campaign,
            "created": self.created,
            "expires_at": link.expires_at.isoformat() if link.expires_at else None,
            "max_clicks": link.max_clicks,
        }


@dataclass(frozen=True, slots=True)
class ShortenPreview:
    """What `shorten` would make, before anything is stored: the slug is promised, not taken.

    `existing` is True when an identical live link is there to be reused.
    Passing `slug` back as the request's `reserved_slug` makes exactly this link.
    """

    slug: str
    short_url: str
    target: str
    tagged_target: str
    channel: str | None
    campaign: str | None
    existing: bool


class Shortener:
    """Creates links; its dependencies are passed in, so tests use a fake repository."""

    def __init__(
        self,
        *,
        repo: LinkRepository,
        policy: HostPolicy,
        base_url: str,
        clock: Callable[[], datetime],
        slug_factory: Callable[[], str] = random_slug,
        limiter: RateLimiter | LinkAllowance | None = None,
    ) -> None:
        self._repo = repo
        self._policy = policy
        self._base_url = base_url
        self._clock = clock
        self._slug_factory = slug_factory
        self._limiter = LocalAllowance(limiter) if isinstance(limiter, RateLimiter) else limiter

    def short_url(self, slug: str) -> str:
        """The public URL of a slug."""
        return short_url(self._base_url, slug)

    async def preview(self, request: ShortenRequest) -> ShortenPreview:
        """What `shorten` would give, checked the same way, without storing a link or spending
        the rate limit (a sharer over the limit is told now, not after picking)."""
        now = self._clock()
        target = validate_target(request.url, self._policy)
        channel = resolve_channel(request.channel).name if request.channel else None
        campaign = normalise_campaign(request.campaign)
        custom = check_custom_slug(request.slug) if request.slug else None
        self._check_limits(request, now)
        await self._check_rate(request)
        sharer = await self._repo.get_or_create_sharer(request.sharer) if request.sharer else None
        tagged = tag_url(
            target,
            tags_for(channel=channel, campaign=campaign, sharer_handle=sharer.handle if sharer else None),
        )
        key = dedupe_key(
            target=target,
            channel=channel,
            campaign=campaign,
            sharer_id=sharer.id if sharer else None,
            expires_at=request.expires_at,
            max_clicks=request.max_clicks,
        )
        existing = await self._repo.get_by_dedupe_key(key)
        reusable = existing is not None and existing.state(now) is LinkState.ACTIVE
        if existing is not None and reusable and (custom is None or existing.slug == custom):
            return ShortenPreview(
                existing.slug,
                self.short_url(existing.slug),
                target,
                existing.tagged_target,
                channel,
                campaign,
                existing=True,
            )
        slug = custom or self._slug_factory()
        return ShortenPreview(slug, self.short_url(slug), target, tagged, channel, campaign, existing=False)

    async def shorten(self, request: ShortenRequest) -> ShortenResult:
        """Return the link for this request, reusing an identical live one."""
        return await self._shorten(validate_target(request.url, self._policy), request, check_rate=True)

    async def shorten_registered_page(self, page_url: str, request: ShortenRequest) -> ShortenResult:
        """A link to a page of a site the operator registered (`lantern site add`).

        The origin was chosen by the operator, so it is trusted as it is —
        even an intranet or local address; the caller has checked the path.
        """
        return await self._shorten(page_url, request, check_rate=True)

    async def _shorten(self, target: str, request: ShortenRequest, *, check_rate: bool) -> ShortenResult:
        now = self._clock()
        channel = resolve_channel(request.channel).name if request.channel else None
        campaign = normalise_campaign(request.campaign)
        custom = check_custom_slug(request.slug) if request.slug else None
        pinned = custom or self._reserved(request)
        self._check_limits(request, now)
        if check_rate:
            await self._check_rate(request)
        sharer = await self._repo.get_or_create_sharer(request.sharer) if request.sharer else None
        tagged = tag_url(
            target,
            tags_for(channel=channel, campaign=campaign, sharer_handle=sharer.handle if sharer else None),
        )
        if len(tagged) > MAX_URL_LENGTH + 512:
            raise InvalidInput("the URL is too long once Lantern's tags are added; shorten it first")
        key = dedupe_key(
            target=target,
            channel=channel,
            campaign=campaign,
            sharer_id=sharer.id if sharer else None,
            expires_at=request.expires_at,
            max_clicks=request.max_clicks,
        )
        existing = await self._reusable(key, pinned, now)
        if existing is not None:
            return ShortenResult(existing, self.short_url(existing.slug), created=False)
        new = NewLink(
            slug="",
            target=target,
            tagged_target=tagged,
            channel=channel,
            campaign=campaign,
            sharer_id=sharer.id if sharer else None,
            dedupe_key=key,
            created_at=now,
            expires_at=request.expires_at,
            max_clicks=request.max_clicks,
            custom_slug=custom is not None,
        )
        result = await self._insert(new, pinned)
        if result.created:
            await self._use_rate(request)
        return result

    async def shorten_for_channels(
        self, request: ShortenRequest, channels: Sequence[str]
    ) -> list[ShortenResult]:
        """One link per channel (duplicates collapse), for "/link URL for whatsapp, email"."""
        names: list[str] = []
        for name in channels:
            resolved = resolve_channel(name).name
            if resolved not in names:
                names.append(resolved)
        if request.slug and len(names) > 1:
            raise InvalidInput("a custom slug can only name one link; ask for one channel at a time")
        # All the links or none: the whole request must fit the allowance up front.
        await self._check_rate(request, cost=max(len(names), 1))
        results = []
        for name in names or [request.channel or ""]:
            one = replace(request, channel=name or None)
            results.append(await self._shorten(validate_target(one.url, self._policy), one, check_rate=False))
        return results

    async def set_disabled(self, slug: str, *, disabled: bool) -> Link:
        """Disable or re-enable a link by slug."""
        link = await self._repo.set_disabled(slug, disabled=disabled)
        if link is None:
            raise LinkNotFound(f"no link has the slug {slug!r}")
        if disabled:
            await self._repo.release_dedupe_key(link.id)
        return link

    @staticmethod
    def _reserved(request: ShortenRequest) -> str | None:
        if request.reserved_slug is None:
            return None
        if not looks_like_slug(request.reserved_slug):
            raise InvalidInput("that link was not one Lantern offered; ask for a new one")
        return request.reserved_slug

    @staticmethod
    def _check_limits(request: ShortenRequest, now: datetime) -> None:
        if request.expires_at is not None and request.expires_at <= now:
            raise InvalidInput("the expiry time is in the past; give a future date")
        if request.max_clicks is not None and request.max_clicks < 1:
            raise InvalidInput("max clicks must be at least 1")
        if request.max_clicks is not None and request.max_clicks > MAX_CLICKS:
            raise InvalidInput(f"max clicks can be at most {MAX_CLICKS:,}")
        if request.expires_at is not None and request.expires_at.year >= LAST_EXPIRY_YEAR:
            raise InvalidInput(f"the expiry is too far ahead; give a date before {LAST_EXPIRY_YEAR}-01-01")

    async def _check_rate(self, request: ShortenRequest, cost: int = 1) -> None:
        key = rate_key(request)
        if key is None or self._limiter is None:
            return
        if cost > self._limiter.burst:
            raise RateLimited(
                f"that is {cost} links at once, more than the {self._limiter.burst} anyone may make at "
                f"once; ask for at most {self._limiter.burst} channels at a time",
                retry_after=retry_after_seconds(await self._limiter.wait(key, self._limiter.burst)),
            )
        wait = await self._limiter.wait(key, cost)
        if wait:
            seconds = retry_after_seconds(wait)
            allowance = per_minute_in_words(self._limiter.per_minute, "link")
            raise RateLimited(
                f"slow down: you can make {allowance}; try again in {in_words(seconds)}",
                retry_after=seconds,
            )

    async def _use_rate(self, request: ShortenRequest) -> None:
        key = rate_key(request)
        if key is not None and self._limiter is not None:
            await self._limiter.charge(key)

    async def _reusable(self, key: str, custom: str | None, now: datetime) -> Link | None:
        existing = await self._repo.get_by_dedupe_key(key)
        if existing is None:
            return None
        if existing.state(now) is not LinkState.ACTIVE:
            await self._repo.release_dedupe_key(existing.id)
            return None
        if custom is not None and existing.slug != custom:
            return None
        return existing

    async def _insert(self, new: NewLink, custom: str | None) -> ShortenResult:
        if custom is not None:
            key = new.dedupe_key
            if (await self._repo.get_by_dedupe_key(key or "")) is not None:
                key = None  # the same link exists under another slug; keep both
            candidate = replace(new, slug=custom, dedupe_key=key)
            try:
                link = await self._repo.insert_link(candidate)
            except SlugCollision:
                raise SlugTaken(f"the slug {custom!r} is already taken; pick another") from None
            except DuplicateLink:
                link = await self._repo.insert_link(replace(candidate, dedupe_key=None))
            return ShortenResult(link, self.short_url(link.slug), created=True)
        for _ in range(RANDOM_SLUG_ATTEMPTS):
            try:
                link = await self._repo.insert_link(replace(new, slug=self._slug_factory()))
            except SlugCollision:
                continue
            except DuplicateLink:
                winner = await self._repo.get_by_dedupe_key(new.dedupe_key or "")
                if winner is not None:
                    return ShortenResult(winner, self.short_url(winner.slug), created=False)
                continue
            return ShortenResult(link, self.short_url(link.slug), created=True)
        raise SlugTaken("could not find a free slug; try again")
