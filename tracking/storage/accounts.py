"""Dashboard users, one-time sign-in tokens and shared views in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col

from tracking.core.accounts import Share, User, check_email, check_share_name, new_token, token_hash
from tracking.core.errors import InvalidInput, NotFound
from tracking.storage.account_tables import ShareRow, SignInTokenRow, UserRow

#: How long a printed sign-in link stays usable.
SIGN_IN_TOKEN_LIFETIME = timedelta(hours=24)


def _share(row: ShareRow) -> Share:
    return Share(
        name=row.name,
        token=row.token,
        question=row.question,
        created_at=row.created_at,
        revoked=row.revoked_at is not None,
    )


class SqlAccounts:
    """Users and their sign-in tokens, and shared read-only views."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime]) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    async def add_user(self, *, email: str) -> str:
        """Create the user if new and return a fresh one-time sign-in token for them."""
        address = check_email(email)
        now = self._clock()
        async with self._sessions() as session:
            user = (
                await session.execute(select(UserRow).where(col(UserRow.email) == address))
            ).scalar_one_or_none()
            if user is None:
                user = UserRow(email=address, created_at=now)
                session.add(user)
                try:
                    await session.flush()
                except IntegrityError:  # added by someone else meanwhile
                    await session.rollback()
                    user = (
                        await session.execute(select(UserRow).where(col(UserRow.email) == address))
                    ).scalar_one()
            assert user.id is not None
            token = new_token()
            session.add(
                SignInTokenRow(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + SIGN_IN_TOKEN_LIFETIME,
                )
            )
            await session.commit()
        return token

    async def redeem(self, *, token: str) -> User | None:
        """Use a sign-in token once: the user it signs in, or None (unknown, used or expired)."""
        now = self._clock()
        async with self._sessions() as session:
            result = await session.execute(
                update(SignInTokenRow)
                .where(
                    col(SignInTokenRow.token_hash) == token_hash(token),
                    col(SignInTokenRow.used_at).is_(None),
                    col(SignInTokenRow.expires_at) > now,
                )
                .values(used_at=now)
                .returning(col(SignInTokenRow.user_id))
            )
            user_id = result.scalar_one_or_none()
            if user_id is None:
                await session.rollback()
                return None
            user = await session.get(UserRow, user_id)
            assert user is not None and user.id is not None
            user.last_sign_in_at = now
            await session.commit()
            return User(id=user.id, email=user.email)

    async def user(self, *, user_id: int) -> User | None:
        """A user by id (a session names its user by id)."""
        async with self._sessions() as session:
            row = await session.get(UserRow, user_id)
            return User(id=row.id, email=row.email) if row is not None and row.id is not None else None

    async def create_share(self, *, name: str, question: str | None = None) -> Share:
        """A new shared view named `name`; names are unique, even among revoked shares."""
        row = ShareRow(
            name=check_share_name(name),
            token=new_token(),
            question=(question or "").strip()[:500] or None,
            created_at=self._clock(),
        )
        async with self._sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                raise InvalidInput(f"a share named {row.name!r} already exists; pick another name") from None
        return _share(row)

    async def shares(self) -> list[Share]:
        """Every share, newest first, revoked ones included."""
        async with self._sessions() as session:
            rows = await session.execute(select(ShareRow).order_by(col(ShareRow.created_at).desc()))
            return [_share(row) for row in rows.scalars()]

    async def revoke_share(self, *, name: str) -> None:
        """Make a share's URL answer 404 from now on."""
        async with self._sessions() as session:
            result = await session.execute(
                update(ShareRow)
                .where(col(ShareRow.name) == name.strip(), col(ShareRow.revoked_at).is_(None))
                .values(revoked_at=self._clock())
            )
            await session.commit()
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFound(f"no live share is named {name.strip()!r} (see `lantern share list`)")

    async def live_share(self, *, token: str) -> Share | None:
        """The share a URL token opens, unless it is unknown or revoked."""
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(ShareRow).where(col(ShareRow.token) == token, col(ShareRow.revoked_at).is_(None))
                )
            ).scalar_one_or_none()
            return _share(row) if row is not None else None
