"""The secret visitor-hash salts are derived from, kept outside the database.

Either a setting (`LANTERN_VISITOR_KEY`, the same on every host sharing a
database) or a key file created 0600 on first start. Workers starting at
once race to create the file; the first link wins and the others read it,
so every worker of a host agrees.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from tracking.settings import Settings
from tracking.storage.files import sqlite_path

log = logging.getLogger(__name__)

KEY_BYTES = 32


class VisitorKeyError(Exception):
    """The key file exists but holds no usable key (a configuration error for a person to fix)."""


def key_file(settings: Settings) -> Path:
    """Where the key file is: the setting, else beside the SQLite file, else in the spool folder."""
    if settings.visitor_key_file:
        return Path(settings.visitor_key_file)
    database = sqlite_path(settings.database_url)
    if database is not None:
        return Path(database + ".key")
    return Path(settings.spool_dir) / "visitor.key"


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if len(text) < 32:
        raise VisitorKeyError(
            f"the visitor key file {path} holds no key (32+ characters expected); "
            "delete it to have a new one made, or set LANTERN_VISITOR_KEY"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the visitor key file %s can be read by other users (mode %o); chmod 600 it", path, mode)
    return text.encode()


def _create(path: Path) -> None:
    """Write a new random key to `path` unless another process got there first (then keep theirs)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)  # atomic, and never replaces a key another worker just made
            log.warning(
                "created the visitor key file %s; keep it out of database backups (see README, Privacy)", path
            )
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def load_visitor_key(settings: Settings) -> bytes:
    """The secret: `LANTERN_VISITOR_KEY`, or the key file's content (the file is made if missing)."""
    if settings.visitor_key is not None:
        return settings.visitor_key.get_secret_value().strip().encode()
    path = key_file(settings)
    if not path.exists():
        _create(path)
    return _read(path)
