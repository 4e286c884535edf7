"""What the core needs from storage, as protocols; adapters implement them."""

from __future__ import annotations

from typing import Protocol

from tracking.core.links import Link, NewLink, Sharer, SharerRef


class SlugCollision(Exception):
    """Raised by a repository when the slug of a new link is already taken."""


class DuplicateLink(Exception):
    """Raised by a repository when a link with the same dedupe key was inserted meanwhile."""


class LinkRepository(Protocol):
    """Link and sharer storage; uniqueness is enforced by the store, never check-then-insert."""

    async def get_by_slug(self, slug: str) -> Link | None: ...

    async def get_by_dedupe_key(self, key: str) -> Link | None: ...

    async def insert_link(self, link: NewLink) -> Link: ...

    async def release_dedupe_key(self, link_id: int) -> None: ...

    async def set_disabled(self, slug: str, *, disabled: bool) -> Link | None: ...

    async def get_or_create_sharer(self, ref: SharerRef) -> Sharer: ...
