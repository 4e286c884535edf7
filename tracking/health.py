"""What `/healthz` says about visits: reaching the database, waiting in the spool, or quarantined.

Answers 503 only when nothing can be stored (the database does not take
visits and the spool is full or failing): a load balancer then sends
visitors elsewhere, while a spooling instance keeps redirecting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from tracking.core.ports import Health
from tracking.recording import GroupCommitter
from tracking.spool import VisitSpool

#: Seconds /healthz waits for the database before calling it unreachable.
DATABASE_TIMEOUT = 2.0


class VisitHealth:
    """The `HealthProbe`: reads the committer, the spool and the quarantine's size into one answer."""

    def __init__(
        self,
        *,
        committer: GroupCommitter[Any],
        spool: VisitSpool,
        quarantined: Callable[[], Awaitable[int]],
    ) -> None:
        self._committer = committer
        self._spool = spool
        self._quarantined = quarantined

    async def check(self) -> Health:
        """Probe the database (by counting the quarantine) and describe where visits go now."""
        database, quarantined = "ok", None
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                quarantined = await self._quarantined()
        except (SQLAlchemyError, OSError, TimeoutError) as error:
            database = (str(error) or type(error).__name__)[:200]
        spool = self._spool.state()
        spool_takes = not self._committer.spool_refused and spool.room_bytes > 0
        if database == "ok" and not self._committer.spooling:
            visits, status = "database", "ok"
        elif spool_takes:
            visits, status = "spool", "spooling"
        else:
            visits, status = "refused", "unavailable"
        since = spool.oldest or self._committer.spooling_since
        body = {
            "status": status,
            "database": database,
            "visits": visits,
            "spool": {
                "batches": spool.batches,
                "visits": spool.visits,
                "bytes": spool.bytes,
                "since": since.isoformat() if since and spool.batches else None,
                "room_bytes": spool.room_bytes,
            },
            "quarantine": {
                "visits": quarantined,
                "this_process": self._committer.items_quarantined,
                "unreadable_spool_files": self._committer.spool_files_set_aside,
            },
        }
        return Health(503 if status == "unavailable" else 200, body)
