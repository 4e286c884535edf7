"""UTM tagging: merge Lantern's tags into a target without disturbing it.

The target's own parameters keep their order and exact encoding, and its
fragment stays; a `utm_*` already present is kept unless the caller gave a
value for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from tracking.core.channels import resolve_channel
from tracking.core.errors import InvalidInput

_CAMPAIGN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class UtmTags:
    """The values Lantern merges in; None means "not given, keep what is there"."""

    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    content: str | None = None

    def items(self) -> list[tuple[str, str]]:
        """The given tags as (parameter, value) pairs in a fixed order."""
        pairs = [
            ("utm_source", self.source),
            ("utm_medium", self.medium),
            ("utm_campaign", self.campaign),
            ("utm_content", self.content),
        ]
        return [(key, value) for key, value in pairs if value is not None]


def tags_for(*, channel: str | None, campaign: str | None, sharer_handle: str | None) -> UtmTags:
    """Tags for a link made for a channel, campaign and sharer."""
    found = resolve_channel(channel) if channel else None
    return UtmTags(
        source=found.name if found else None,
        medium=found.group.value if found else None,
        campaign=campaign,
        content=sharer_handle,
    )


def normalise_campaign(raw: str | None) -> str | None:
    """Campaign names are lower-case words joined by dashes, so stats can find them again."""
    if raw is None or not raw.strip():
        return None
    name = re.sub(r"\s+", "-", raw.strip().lower())
    if not _CAMPAIGN.match(name):
        raise InvalidInput(
            f"a campaign name is 1 to 64 letters, digits, '.', '_' or '-' (got {raw.strip()[:70]!r})"
        )
    return name


def _param_name(piece: str) -> str:
    return unquote_plus(piece.split("=", 1)[0]).lower()


def tag_url(url: str, tags: UtmTags) -> str:
    """Return `url` with `tags` merged into its query string."""
    parts = urlsplit(url)
    wanted = dict(tags.items())
    pieces = [p for p in parts.query.split("&") if p] if parts.query else []
    merged: list[str] = []
    placed: set[str] = set()
    for piece in pieces:
        name = _param_name(piece)
        if name in wanted:
            if name in placed:
                continue  # a repeated utm_* collapses onto the caller's value
            merged.append(f"{name}={quote(wanted[name], safe='')}")
            placed.add(name)
        else:
            merged.append(piece)
    for name, value in wanted.items():
        if name not in placed:
            merged.append(f"{name}={quote(value, safe='')}")
    return urlunsplit(parts._replace(query="&".join(merged)))


def merge_query(target: str, extra_query: str) -> str:
    """Forward the short URL's own query string to the target (target's params first)."""
    if not extra_query:
        return target
    parts = urlsplit(target)
    query = f"{parts.query}&{extra_query}" if parts.query else extra_query
    return urlunsplit(parts._replace(query=query))
