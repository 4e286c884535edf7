"""Slugs: short random names by default, custom ones checked against reserved words."""

from __future__ import annotations

import re
import secrets
import string

from tracking.core.errors import InvalidInput

ALPHABET = string.ascii_letters + string.digits
DEFAULT_LENGTH = 7
_CUSTOM = re.compile(r"^[A-Za-z0-9_-]{3,64}$")

#: Paths the tracker or a future page needs; a link may never shadow them.
RESERVED = frozenset(
    {
        "api",
        "healthz",
        "health",
        "metrics",
        "slack",
        "telegram",
        "static",
        "admin",
        "login",
        "logout",
        "favicon.ico",
        "robots.txt",
        "openapi",
        "docs",
        "assets",
        "app",
        "www",
        "well-known",
        "status",
        "about",
        "help",
        "new",
        "links",
        "stats",
        "collect",
        "lantern.js",
        "dashboard",  # the web dashboard, its shares (/dashboard/s/…) and sign-in links
    }
)


def random_slug(length: int = DEFAULT_LENGTH) -> str:
    """A base62 slug from the system's secure random source (62^7 ≈ 3.5e12 names)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def check_custom_slug(slug: str) -> str:
    """Return a custom slug unchanged if acceptable, else raise saying why."""
    if not _CUSTOM.match(slug):
        raise InvalidInput(
            f"a custom slug is 3 to 64 characters of letters, digits, '-' or '_' (got {slug[:70]!r})"
        )
    if slug.lower() in RESERVED:
        raise InvalidInput(f"the slug {slug!r} is reserved for Lantern's own pages; pick another")
    return slug


def looks_like_slug(text: str) -> bool:
    """Cheap pre-check on the hot path: could this path segment be any link's slug?"""
    return bool(_CUSTOM.match(text))
