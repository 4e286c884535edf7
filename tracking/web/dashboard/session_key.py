"""The key that encrypts dashboard session cookies: from settings, or a 0600 file made once.

Every worker of one install reads the same file, so a cookie made by one
process opens in another; a new key simply signs everybody out.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from tracking.settings import Settings

KEY_BYTES = 32


def session_key(settings: Settings) -> bytes:
    """32 bytes for Fernet: derived from LANTERN_SESSION_SECRET, else read or created in the key file."""
    if settings.session_secret is not None:
        return hashlib.sha256(settings.session_secret.get_secret_value().encode()).digest()
    path = Path(settings.session_key_file)
    try:
        return _decode(path.read_text().strip(), path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.urlsafe_b64encode(key).decode() + "\n")
    try:
        os.link(scratch, path)  # appears complete or not at all, and never replaces another's key
    except FileExistsError:  # another worker made it first: use theirs
        return _decode(path.read_text().strip(), path)
    finally:
        scratch.unlink()
    return key


def _decode(text: str, path: Path) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path} does not hold a session key; delete it to make a new one")
    return key
