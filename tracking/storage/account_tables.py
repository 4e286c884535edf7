"""Tables of the dashboard: people who sign in, their one-time sign-in tokens, shared views."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey
from sqlmodel import Field, SQLModel

from tracking.storage.types import UtcDateTime


class UserRow(SQLModel, table=True):
    """A person who may sign in to the dashboard."""

    __tablename__ = "dashboard_users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    last_sign_in_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class SignInTokenRow(SQLModel, table=True):
    """A one-time sign-in link: only its SHA-256 is kept; used once, then `used_at` is set."""

    __tablename__ = "dashboard_sign_in_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(sa_column=Column(ForeignKey("dashboard_users.id"), nullable=False, index=True))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class ShareRow(SQLModel, table=True):
    """A shared read-only dashboard; revoked shares stay (their URLs answer 404)."""

    __tablename__ = "dashboard_shares"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    token: str = Field(max_length=64, unique=True)
    question: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
