"""Tables of copy-and-paste tracking: registered sites and the share tokens seen on their pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from tracking.storage.types import UtcDateTime


class SiteRow(SQLModel, table=True):
    """A site whose pages carry the script; `key` is public (the origin check protects it)."""

    __tablename__ = "sites"

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    key: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class PageTokenRow(SQLModel, table=True):
    """A share token the first time it came back: one copied address, however far it spread."""

    __tablename__ = "page_tokens"
    __table_args__ = (Index("ix_page_tokens_first_seen", "first_seen"),)

    site_id: int = Field(sa_column=Column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True))
    token: str = Field(sa_column=Column(String(32), primary_key=True))
    link_id: int = Field(nullable=False)
    first_seen: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    arrivals: int = 1
