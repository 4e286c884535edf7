"""Whether the database answers, for `GET /healthz` (the web layer never sees the engine)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlHealthProbe:
    """Runs `SELECT 1`; a failure is described in at most 200 characters (it is shown to probes)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def problem(self) -> str | None:
        """None when the database answers, else what went wrong."""
        try:
            async with self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            return str(error)[:200]
        return None
