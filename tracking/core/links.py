"""Links and sharers as the core sees them, and what makes a link answer or not."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkState(StrEnum):
    """Whether a link redirects, and if not, why."""

    ACTIVE = "active"
    DISABLED = "disabled"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # reached max_clicks


@dataclass(frozen=True, slots=True)
class SharerRef:
    """Who asks for a link, as the adapter knows them (platform + user id + name)."""

    platform: str
    external_id: str
    display_name: str
    #: The Slack workspace (team id) the person asked from, for `by workspace`; None elsewhere.
    workspace: str | None = None


@dataclass(frozen=True, slots=True)
class Sharer:
    """A stored sharer; `handle` is stable and public (it goes into utm_content)."""

    id: int
    platform: str
    external_id: str
    display_name: str
    handle: str


@dataclass(frozen=True, slots=True)
class Link:
    """A stored link; `clicks` counts only visits of kind click (for max_clicks)."""

    id: int
    slug: str
    target: str
    tagged_target: str
    channel: str | None
    campaign: str | None
    sharer_id: int | None
    created_at: datetime
    expires_at: datetime | None = None
    disabled: bool = False
    max_clicks: int | None = None
    clicks: int = 0

    def state(self, now: datetime) -> LinkState:
        """Decide, at `now`, whether the link still redirects."""
        if self.disabled:
            return LinkState.DISABLED
        if self.expires_at is not None and now >= self.expires_at:
            return LinkState.EXPIRED
        if self.max_clicks is not None and self.clicks >= self.max_clicks:
            return LinkState.EXHAUSTED
        return LinkState.ACTIVE


@dataclass(frozen=True, slots=True)
class NewLink:
    """Everything needed to insert a link; the repository adds id and counters."""

    slug: str
    target: str
    tagged_target: str
    channel: str | None
    campaign: str | None
    sharer_id: int | None
    dedupe_key: str | None
    created_at: datetime
    expires_at: datetime | None
    max_clicks: int | None
    custom_slug: bool


def dedupe_key(
    *,
    target: str,
    channel: str | None,
    campaign: str | None,
    sharer_id: int | None,
    expires_at: datetime | None,
    max_clicks: int | None,
) -> str:
    """Identity of "the same link asked for again": same target, tags, sharer and limits."""
    parts = [
        target,
        channel or "",
        campaign or "",
        str(sharer_id or ""),
        expires_at.isoformat() if expires_at else "",
        str(max_clicks or ""),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def handle_base(ref: SharerRef) -> str:
    """A readable, URL-safe base for a sharer's public handle, from their display name."""
    ascii_name = unicodedata.normalize("NFKD", ref.display_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:24].strip("-")
    if not base:
        base = re.sub(r"[^a-z0-9]+", "-", f"{ref.platform}-{ref.external_id}".lower())[:24]
    return base.strip("-") or "sharer"


def handle_candidates(ref: SharerRef, attempts: int = 50) -> list[str]:
    """Handles to try in order until one is free: alice, alice-2, … alice-50, then alice-<hash>.

    The hashed ones derive from the person's platform identity, which no one
    else has, so fifty namesakes (or fifty handles taken on purpose) never
    lock a person out.
    """
    base = handle_base(ref)
    identity = f"{ref.platform}\n{ref.external_id}\n"
    hashed = [
        f"{base}-{hashlib.sha256((identity + str(n)).encode()).hexdigest()[:10]}" for n in range(attempts)
    ]
    return [base] + [f"{base}-{n}" for n in range(2, attempts + 1)] + hashed


def short_url(base_url: str, slug: str) -> str:
    """The public short URL of a slug."""
    return f"{base_url.rstrip('/')}/{slug}"
