"""API keys: shown once, stored only as a hash, recognised by their hash."""

from __future__ import annotations

import hashlib
import re
import secrets

from tracking.core.errors import InvalidInput

PREFIX = "lnt_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


def new_key() -> str:
    """A fresh key: a recognisable prefix and 256 bits from the system's secure source."""
    return PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    """What is stored: SHA-256 is enough for a 256-bit random secret (no dictionary to guess from)."""
    return hashlib.sha256(key.encode()).hexdigest()


def check_name(name: str) -> str:
    """Key names are short labels people recognise in a list."""
    if not _NAME.match(name):
        raise InvalidInput("an API key name is 1 to 64 letters, digits, spaces, '.', '_' or '-'")
    return name
