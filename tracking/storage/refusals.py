"""Telling a batch the database refuses for its data from one it cannot take at all.

The first kind (a text too long for its column, bytes no encoding takes, a
link deleted meanwhile) fails again on every retry, so its batch is split
and the refused visits quarantined; the second kind (a connection lost, a
lock, a full disk) passes, so its batch waits in the spool.
"""

from __future__ import annotations

import sqlite3

import asyncpg
from sqlalchemy import exc as sa_exc

#: Errors about the values sent, from the drivers, SQLAlchemy, and encoding before anything is sent.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    UnicodeError,
    OverflowError,
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.InterfaceError,  # a value SQLite cannot bind
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    sa_exc.DataError,
    sa_exc.IntegrityError,
)


def refused_for_its_data(error: BaseException) -> bool:
    """True when `error`, or what it wraps, says the database refused the values rather than the write."""
    seen: BaseException | None = error
    for _ in range(4):  # SQLAlchemy wraps the driver's error, which may wrap an encoding error
        if seen is None:
            return False
        if isinstance(seen, DATA_ERRORS):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False
