"""Dashboard accounts and shared views, as the core sees them: names, tokens and their checks.

Only hashes of sign-in tokens are stored: a leaked database cannot sign
anyone in. Share tokens are capabilities for a read-only view and are kept
so `lantern share list` can print the URLs again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from tracking.core.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$")
_SHARE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$")


@dataclass(frozen=True, slots=True)
class User:
    """A person who may sign in to the dashboard."""

    id: int
    email: str


@dataclass(frozen=True, slots=True)
class Share:
    """A read-only dashboard view anyone with its URL may open; `question` preselects a view."""

    name: str
    token: str
    question: str | None
    created_at: datetime
    revoked: bool


def check_email(raw: str) -> str:
    """A plausible e-mail address, lower-cased, or a clear error."""
    email = raw.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"{raw.strip()[:80]!r} is not an e-mail address (e.g. ana@example.com)")
    return email


def check_share_name(raw: str) -> str:
    """A share name: 1 to 63 letters, digits, spaces, '.', '_' or '-'."""
    name = raw.strip()
    if not _SHARE_NAME.match(name):
        raise InvalidInput(
            f"a share name is 1 to 63 letters, digits, spaces, '.', '_' or '-' (got {name[:70]!r})"
        )
    return name


def new_token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    """What is stored of a sign-in token."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_url(base_url: str, token: str) -> str:
    """The one-time sign-in link `lantern user add` prints."""
    return f"{base_url.rstrip('/')}/dashboard/auth/{token}"


def share_url(base_url: str, token: str) -> str:
    """The absolute URL of a shared read-only dashboard."""
    return f"{base_url.rstrip('/')}/dashboard/s/{token}"
