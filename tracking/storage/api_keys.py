"""API keys in the database: only hashes are kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col

from tracking.core.api_keys import check_name, key_hash, new_key
from tracking.core.errors import InvalidInput, NotFound
from tracking.storage.tables import ApiKeyRow


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What may be shown about a key: never the key, only its first characters to tell keys apart."""

    name: str
    prefix: str
    created_at: datetime
    revoked: bool


class SqlApiKeys:
    """Creates, verifies and revokes API keys."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    async def create(self, name: str) -> str:
        """Store a new key's hash under `name` and return the key (the only time it is seen)."""
        key = new_key()
        row = ApiKeyRow(
            name=check_name(name), key_hash=key_hash(key), prefix=key[:8], created_at=self._clock()
        )
        async with self._sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                raise InvalidInput(f"an API key named {name!r} already exists; pick another name") from None
        return key

    async def verify(self, key: str) -> str | None:
        """The name of the live key this is, or None."""
        statement = select(col(ApiKeyRow.name)).where(
            col(ApiKeyRow.key_hash) == key_hash(key), col(ApiKeyRow.revoked).is_(False)
        )
        async with self._sessions() as session:
            return (await session.execute(statement)).scalar_one_or_none()

    async def revoke(self, name: str) -> None:
        """Make a key stop working."""
        async with self._sessions() as session:
            result = await session.execute(
                update(ApiKeyRow).where(col(ApiKeyRow.name) == name).values(revoked=True)
            )
            await session.commit()
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFound(f"no API key is named {name!r}")

    async def list_keys(self) -> list[ApiKeyInfo]:
        """Every key, oldest first, revoked ones included (their names stay taken)."""
        statement = select(
            col(ApiKeyRow.name), col(ApiKeyRow.prefix), col(ApiKeyRow.created_at), col(ApiKeyRow.revoked)
        ).order_by(col(ApiKeyRow.created_at), col(ApiKeyRow.id))
        async with self._sessions() as session:
            rows = (await session.execute(statement)).tuples().all()
        return [ApiKeyInfo(name, prefix, created_at, revoked) for name, prefix, created_at, revoked in rows]
