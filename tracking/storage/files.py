"""The SQLite file on disk: where it is, and creating it readable by its owner only.

The database holds /24 prefixes and user agents; SQLite would create it
with the process's umask (usually world-readable 0644), and its -wal and
-shm files copy the database's mode, so the file is made 0600 first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat

from sqlalchemy import make_url

log = logging.getLogger(__name__)


def sqlite_path(database_url: str) -> str | None:
    """The file of an SQLite URL (None for PostgreSQL or an in-memory database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def create_private(path: str) -> None:
    """Create `path` empty and 0600 unless it exists; warn when an existing one is readable by others."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    except OSError:
        return  # a missing folder and the like: SQLite's own error says it better
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            log.warning("the database %s can be read by other users (mode %o); chmod 600 it", path, mode)
