"""The shorten use case, on a hand-written in-memory repository (no I/O)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tracking.core.errors import InvalidInput, InvalidUrl, LinkNotFound, SlugTaken
from tracking.core.links import Link, NewLink, Sharer, SharerRef, handle_candidates
from tracking.core.ports import DuplicateLink, SlugCollision
from tracking.core.shortening import Shortener, ShortenRequest
from tracking.core.slugs import random_slug
from tracking.core.urls import HostPolicy

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class FakeLinks:
    """Enforces uniqueness like the database does: on insert, not by looking first."""

    def __init__(self) -> None:
        self.links: dict[int, Link] = {}
        self.keys: dict[str, int] = {}
        self.sharers: dict[tuple[str, str], Sharer] = {}
        self._ids = itertools.count(1)

    async def get_by_slug(self, slug: str) -> Link | None:
        return next((link for link in self.links.values() if link.slug == slug), None)

    async def get_by_dedupe_key(self, key: str) -> Link | None:
        link_id = self.keys.get(key)
        return self.links.get(link_id) if link_id else None

    async def insert_link(self, link: NewLink) -> Link:
        if await self.get_by_slug(link.slug):
            raise SlugCollision(link.slug)
        if link.dedupe_key and link.dedupe_key in self.keys:
            raise DuplicateLink(link.dedupe_key)
        stored = Link(
            id=next(self._ids),
            slug=link.slug,
            target=link.target,
            tagged_target=link.tagged_target,
            channel=link.channel,
            campaign=link.campaign,
            sharer_id=link.sharer_id,
            created_at=link.created_at,
            expires_at=link.expires_at,
            max_clicks=link.max_clicks,
        )
        self.links[stored.id] = stored
        if link.dedupe_key:
            self.keys[link.dedupe_key] = stored.id
        return stored

    async def release_dedupe_key(self, link_id: int) -> None:
        self.keys = {k: v for k, v in self.keys.items() if v != link_id}

    async def set_disabled(self, slug: str, *, disabled: bool) -> Link | None:
        link = await self.get_by_slug(slug)
        if link is None:
            return None
        self.links[link.id] = replace(link, disabled=disabled)
        return self.links[link.id]

    async def get_or_create_sharer(self, ref: SharerRef) -> Sharer:
        key = (ref.platform, ref.external_id)
        if key not in self.sharers:
            taken = {s.handle for s in self.sharers.values()}
            handle = next(h for h in handle_candidates(ref) if h not in taken)
            self.sharers[key] = Sharer(
                len(self.sharers) + 1, ref.platform, ref.external_id, ref.display_name, handle
            )
        return self.sharers[key]


def make(repo: FakeLinks, slugs: list[str] | None = None) -> Shortener:
    queue = iter(slugs or [])
    return Shortener(
        repo=repo,
        policy=HostPolicy.build(["https://go.test"]),
        base_url="https://go.test",
        clock=lambda: NOW,
        slug_factory=(lambda: next(queue)) if slugs else random_slug,
    )


async def test_shorten_tags_the_target_and_builds_the_short_url() -> None:
    repo = FakeLinks()
    result = await make(repo, ["Abc1234"]).shorten(
        ShortenRequest(
            "https://example.com/a?x=1#top",
            channel="wa",
            campaign="Spring",
            sharer=SharerRef("slack", "T1-U1", "Alice Smith"),
        )
    )
    assert result.created
    assert result.short_url == "https://go.test/Abc1234"
    assert result.link.tagged_target == (
        "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging"
        "&utm_campaign=spring&utm_content=alice-smith#top"
    )
    assert result.link.channel == "whatsapp"


async def test_asking_again_returns_the_same_link() -> None:
    repo = FakeLinks()
    shortener = make(repo)
    request = ShortenRequest("https://example.com/", channel="email")
    first = await shortener.shorten(request)
    again = await shortener.shorten(request)
    assert (again.link.id, again.created) == (first.link.id, False)
    other = await shortener.shorten(ShortenRequest("https://example.com/", channel="sms"))
    assert other.link.id != first.link.id


async def test_random_slug_collisions_are_retried() -> None:
    repo = FakeLinks()
    await make(repo, ["taken00"]).shorten(ShortenRequest("https://a.com/"))
    result = await make(repo, ["taken00", "taken00", "fresh01"]).shorten(ShortenRequest("https://b.com/"))
    assert result.link.slug == "fresh01"


async def test_taken_custom_slug_is_a_clear_conflict() -> None:
    repo = FakeLinks()
    await make(repo).shorten(ShortenRequest("https://a.com/", slug="launch"))
    with pytest.raises(SlugTaken, match="'launch' is already taken"):
        await make(repo).shorten(ShortenRequest("https://b.com/", slug="launch"))


async def test_same_request_with_its_custom_slug_returns_it() -> None:
    repo = FakeLinks()
    first = await make(repo).shorten(ShortenRequest("https://a.com/", slug="launch"))
    again = await make(repo).shorten(ShortenRequest("https://a.com/", slug="launch"))
    assert again.link.id == first.link.id and not again.created


async def test_custom_slug_for_an_existing_target_makes_a_second_link() -> None:
    repo = FakeLinks()
    first = await make(repo).shorten(ShortenRequest("https://a.com/"))
    named = await make(repo).shorten(ShortenRequest("https://a.com/", slug="named"))
    assert named.created and named.link.id != first.link.id
    assert (await make(repo).shorten(ShortenRequest("https://a.com/"))).link.id == first.link.id


async def test_disabled_link_is_not_handed_out_again() -> None:
    repo = FakeLinks()
    shortener = make(repo)
    first = await shortener.shorten(ShortenRequest("https://a.com/"))
    await shortener.set_disabled(first.link.slug, disabled=True)
    second = await shortener.shorten(ShortenRequest("https://a.com/"))
    assert second.created and second.link.id != first.link.id


async def test_disable_unknown_slug() -> None:
    with pytest.raises(LinkNotFound):
        await make(FakeLinks()).set_disabled("nope123", disabled=True)


async def test_invalid_requests_store_nothing() -> None:
    repo = FakeLinks()
    shortener = make(repo)
    for request in [
        ShortenRequest("javascript:alert(1)"),
        ShortenRequest("https://go.test/x"),
        ShortenRequest("https://a.com/", channel="pigeon"),
        ShortenRequest("https://a.com/", slug="api"),
        ShortenRequest("https://a.com/", campaign="<b>"),
        ShortenRequest("https://a.com/", max_clicks=0),
        ShortenRequest("https://a.com/", expires_at=NOW - timedelta(days=1)),
    ]:
        with pytest.raises((InvalidUrl, InvalidInput)):
            await shortener.shorten(request)
    assert repo.links == {} and repo.sharers == {}


async def test_one_link_per_channel_with_aliases_collapsing() -> None:
    repo = FakeLinks()
    results = await make(repo).shorten_for_channels(
        ShortenRequest("https://example.com/post"), ["whatsapp", "email", "wa"]
    )
    assert [r.link.channel for r in results] == ["whatsapp", "email"]
    assert "utm_source=email&utm_medium=email" in results[1].link.tagged_target


async def test_sharer_handles_are_stable_and_unique() -> None:
    repo = FakeLinks()
    shortener = make(repo)
    a = await shortener.shorten(ShortenRequest("https://a.com/", sharer=SharerRef("tg", "1", "Alice")))
    b = await shortener.shorten(ShortenRequest("https://a.com/", sharer=SharerRef("slack", "U2", "alice")))
    assert "utm_content=alice" in a.link.tagged_target
    assert "utm_content=alice-2" in b.link.tagged_target
    c = await shortener.shorten(ShortenRequest("https://b.com/", sharer=SharerRef("tg", "1", "Alice R.")))
    assert "utm_content=alice&" in c.link.tagged_target + "&"


def test_link_state() -> None:
    link = Link(1, "s", "t", "t", None, None, None, NOW)
    assert link.state(NOW).value == "active"
    assert replace(link, disabled=True).state(NOW).value == "disabled"
    assert replace(link, expires_at=NOW).state(NOW).value == "expired"
    assert replace(link, max_clicks=1, clicks=1).state(NOW).value == "exhausted"


# --- previews: what would be made, nothing stored (Telegram inline mode) ---------------------

ADA = SharerRef("telegram", "4711", "Ada")


async def test_a_preview_stores_no_link_and_promises_a_slug_the_link_then_gets() -> None:
    repo = FakeLinks()
    shortener = make(repo, ["promise1", "other01"])
    request = ShortenRequest("https://example.com/post", channel="telegram", sharer=ADA)
    preview = await shortener.preview(request)
    assert (preview.slug, preview.existing) == ("promise1", False)
    assert preview.short_url == "https://go.test/promise1"
    assert "utm_source=telegram" in preview.tagged_target
    assert repo.links == {}
    made = await shortener.shorten(replace(request, reserved_slug=preview.slug))
    assert (made.link.slug, made.created) == ("promise1", True)
    again = await shortener.shorten(replace(request, reserved_slug=preview.slug))
    assert (again.link.slug, again.created) == ("promise1", False)


async def test_a_preview_of_an_existing_link_names_it() -> None:
    repo = FakeLinks()
    shortener = make(repo, ["first01", "unused1"])
    request = ShortenRequest("https://example.com/post", channel="telegram", sharer=ADA)
    await shortener.shorten(request)
    preview = await shortener.preview(request)
    assert (preview.slug, preview.existing) == ("first01", True)


async def test_a_promised_slug_is_kept_even_when_the_same_link_appeared_meanwhile() -> None:
    repo = FakeLinks()
    shortener = make(repo, ["promise1", "meanwhl"])
    request = ShortenRequest("https://example.com/post", channel="telegram", sharer=ADA)
    preview = await shortener.preview(request)
    await shortener.shorten(request)  # someone made the same link under another slug
    made = await shortener.shorten(replace(request, reserved_slug=preview.slug))
    assert made.link.slug == "promise1"  # the posted message names this slug, so it must exist
    assert {link.slug for link in repo.links.values()} == {"promise1", "meanwhl"}


async def test_a_preview_checks_the_url_like_shorten() -> None:
    with pytest.raises(InvalidUrl):
        await make(FakeLinks()).preview(ShortenRequest("javascript:alert(1)", sharer=ADA))
