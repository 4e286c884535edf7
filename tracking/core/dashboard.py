"""The dashboard's link list as the core sees it: what to search for and what comes back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from tracking.core.accounts import Share, User
from tracking.core.links import Link

Sort = Literal["clicks", "newest", "oldest", "slug"]
State = Literal["active", "disabled", "expired", "any"]


@dataclass(frozen=True, slots=True)
class ListedLink:
    """A link with its all-time clicks and share events, and who made it."""

    link: Link
    clicks: int
    shares: int
    sharer: str | None


@dataclass(frozen=True, slots=True)
class LinkSearch:
    """What the list shows: free text (slug, URL or campaign), filters, order and page."""

    text: str = ""
    channel: str | None = None
    campaign: str | None = None
    state: State = "any"
    sort: Sort = "clicks"
    limit: int = 50
    offset: int = 0


class LinkListing(Protocol):
    """Reads the dashboard's link list."""

    async def search(self, search: LinkSearch, *, now: datetime) -> tuple[list[ListedLink], int]: ...

    async def campaigns(self) -> list[str]: ...


class Accounts(Protocol):
    """Dashboard users, their one-time sign-in tokens, and shared views."""

    async def add_user(self, *, email: str) -> str: ...

    async def redeem(self, *, token: str) -> User | None: ...

    async def user(self, *, user_id: int) -> User | None: ...

    async def create_share(self, *, name: str, question: str | None = None) -> Share: ...

    async def shares(self) -> list[Share]: ...

    async def revoke_share(self, *, name: str) -> None: ...

    async def live_share(self, *, token: str) -> Share | None: ...
